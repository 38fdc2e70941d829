import JournalModel
import JournalStore

/// The forecast of a final mark (R12): what the period's current marks point to.
///
/// The rule (docs/diary-feed.md): the weighted mean of the period's five-point marks in
/// the subject (a mark without a weight weighs 1; «зачёт», «незачёт» and «точки» do not
/// count), rounded half up (4.5 → 5, 4.49 → 4); only when there are at least three such
/// marks, otherwise there is no forecast. No forecast once the final mark is set.
public enum Forecast {
    public static let minimumMarks = 3

    /// The forecast for marks given as (value, weight) pairs, or nil when there are too few.
    public static func value(_ marks: [(value: Int, weight: Int)]) -> Int? {
        let counted = marks.filter { (1...5).contains($0.value) && $0.weight > 0 }
        guard counted.count >= minimumMarks else { return nil }
        let sum = counted.reduce(0) { $0 + $1.value * $1.weight }
        let weights = counted.reduce(0) { $0 + $1.weight }
        // Half up, exactly: floor(sum / weights + 1/2) = floor((2·sum + weights) / (2·weights)).
        return (2 * sum + weights) / (2 * weights)
    }

    /// The weighted mean, for people (two decimals).
    public static func mean(_ marks: [(value: Int, weight: Int)]) -> Double? {
        let counted = marks.filter { (1...5).contains($0.value) && $0.weight > 0 }
        let weights = counted.reduce(0) { $0 + $1.weight }
        guard weights > 0 else { return nil }
        return (Double(counted.reduce(0) { $0 + $1.value * $1.weight }) / Double(weights) * 100).rounded() / 100
    }

    /// The marks a forecast rests on: one student, one subject, one period's dates.
    public static func marks(_ store: JournalStore, student: String, subject: String, period: Record) throws -> [(value: Int, weight: Int)] {
        try store.markValues(student: student, subject: subject, from: period[Period.startDate].text ?? "", to: period[Period.endDate].text ?? "")
    }

    /// Whether a final mark is already set for the student, subject and period.
    static func hasFinalMark(_ store: JournalStore, student: String, subject: String, period: String) throws -> Bool {
        try store.hasFinalMark(student: student, subject: subject, period: period)
    }
}
