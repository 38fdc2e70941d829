import JournalModel

/// The emulators' seeded generator is the project's one (`JournalModel.SeededRandom`,
/// SplitMix64), so a fault run can be replayed from its seed.
public typealias SplitMix64 = SeededRandom

extension SeededRandom {
    /// A uniform value in `0..<1` with 53 bits of precision.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
