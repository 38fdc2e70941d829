import JournalModel

/// R2 in the sync: a lesson a counterpart holds for a day still to come (АСУ РСО pulls the
/// current week, ЭПОС's schedule can hold the whole year) is not recorded in advance, and
/// not lost either: the engine parks it with ``marker`` and the date it waits for, and
/// applies it on the first run on or after that date. Items that refer to it (homework set
/// for the next lesson, marks) wait with it, under the same date. Such items are counted as
/// `deferred`, not as failures: a run where only they wait ends with exit code 0. The store's
/// gate refuses the lesson anyway (the backstop); the engine looks first. See docs/sync.md.
public enum FutureLesson {
    /// The reason such parked items carry, followed by the date: the retry knows them by it.
    public static let marker = "waits for its date"
    static let rule = "(R2: lessons are not recorded in advance)"

    /// `waits for its date 2026-12-10 (R2: …): what`.
    static func reason(date: CivilDate, _ what: String) -> String { "\(marker) \(date) \(rule): \(what)" }

    /// The date a deferred item waits for, read back from its parked reason; nil for other reasons.
    public static func date(inReason reason: String) -> CivilDate? {
        guard reason.hasPrefix(marker + " ") else { return nil }
        return CivilDate(iso: String(reason.dropFirst(marker.count + 1).prefix(10)))
    }
}
