/// FNV-1a, 128 bits: a small, stable, platform-independent hash for idempotency keys
/// and the ids of records first seen at a counterpart.
///
/// Not cryptographic: it only has to give the same answer for the same input on every
/// machine and release (`Hasher` is seeded per process, so it cannot be used).
public enum StableHash {
    private static let offsetHigh: UInt64 = 0x6c62_272e_07bb_0142
    private static let offsetLow: UInt64 = 0x62b8_2175_6295_c58d
    // The 128-bit FNV prime is 2^88 + 0x13B: high word 2^24, low word 0x13B.
    private static let primeHigh: UInt64 = 1 << 24
    private static let primeLow: UInt64 = 0x13B

    /// The hash of the string's UTF-8 bytes as 32 lower-case hex digits.
    public static func hex(_ text: String) -> String {
        var hi = offsetHigh, lo = offsetLow
        for byte in text.utf8 {
            lo ^= UInt64(byte)
            // (hi·2^64 + lo) · (primeHigh·2^64 + primeLow) mod 2^128
            let (carry, low) = lo.multipliedFullWidth(by: primeLow)
            hi = hi &* primeLow &+ lo &* primeHigh &+ carry
            lo = low
        }
        return pad(hi) + pad(lo)
    }

    /// The hash of several parts, separated so that ("ab", "c") and ("a", "bc") differ.
    public static func hex(_ parts: [String]) -> String { hex(parts.joined(separator: "\u{1F}")) }

    private static func pad(_ n: UInt64) -> String {
        let s = String(n, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
