import Foundation
import JournalModel
import JournalStore

/// The diary feed's line in `status` (R12: final marks and forecasts reach parents within a day).
enum DiaryStatus {
    /// Seconds since the oldest change parents have not received yet: a pending or
    /// unplanned event's change (rejected events are reported by `feed diary --rejected`);
    /// nil when nothing waits.
    ///
    /// Before the first delivery every journal change counts as waiting.
    static func oldestUndeliveredAge(_ store: JournalStore, now: Date = Date()) throws -> Int? {
        let planned = try DiaryOutbox.state(store)?.plannedSeq ?? 0
        var oldest = try store.oldestPendingDiaryChange()
        if let unplanned = try store.firstChangeTime(after: planned, kinds: [.mark, .attendance, .homework, .finalMark, .lesson]) {
            oldest = min(oldest ?? unplanned, unplanned)
        }
        guard let oldest, let seconds = DiaryTexts.epochSeconds(oldest) else { return nil }
        return max(0, Int(now.timeIntervalSince1970) - seconds)
    }

    /// «Diary feed: …» for the text form of `status`.
    static func line(_ age: Int?, _ l: Language = .english) -> String {
        guard let age else { return StatusText.diaryNothing.text(l) }
        let text = age >= 86400 ? StatusText.ageDaysHours.text(l, ["d": "\(age / 86400)", "h": "\(age % 86400 / 3600)"])
            : age >= 3600 ? StatusText.ageHoursMinutes.text(l, ["h": "\(age / 3600)", "m": "\(age % 3600 / 60)"])
            : StatusText.ageMinutesSeconds.text(l, ["m": "\(age / 60)", "s": "\(age % 60)"])
        return StatusText.diaryOldest.text(l, ["age": text]) + (age >= 86400 ? StatusText.diaryOverdue.text(l) : "")
    }
}
