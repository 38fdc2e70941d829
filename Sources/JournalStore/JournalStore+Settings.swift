import JournalModel

/// The school's rule settings, kept in the store's `meta` table (docs/reports.md):
/// `rules.r3` (on|off, default on), `rules.min_current_marks` (default 3),
/// `rules.topic_deadline` (HH:MM, default 15:00), `rules.reason_deadline` (HH:MM, default 19:00).
extension JournalStore {
    /// The keys `rules set` accepts, with what each takes.
    public static let ruleSettings: [(key: String, takes: String, fallback: String)] = [
        ("rules.r3", "on|off", "on"), ("rules.min_current_marks", "a whole number 0–20", "3"),
        ("rules.topic_deadline", "HH:MM", "15:00"), ("rules.reason_deadline", "HH:MM", "19:00"),
    ]

    /// R3 off: the school's regulation allows «н/а» and «осв» as final marks (003 §5.3 forbids them; the default).
    public var allowsUncertifiedFinalMarks: Bool { (try? meta("rules.r3")) == "off" }

    /// `violations` of `r` less those the school's settings waive (R3 for a final mark when `rules.r3` is off).
    /// Asks the store only when there is an R3 violation to waive.
    public func waivingSchoolSettings(_ violations: [Violation], of r: Record) -> [Violation] {
        guard r.kind == .finalMark, violations.contains(where: { $0.rule == "R3" }), allowsUncertifiedFinalMarks else { return violations }
        return violations.filter { $0.rule != "R3" }
    }
}
