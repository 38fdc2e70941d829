import Foundation
import JournalModel

/// A minute of a day in the school's time zone (change-log times are UTC).
struct LocalTime: Comparable, Sendable, CustomStringConvertible {
    let date: CivilDate
    /// Minutes after midnight.
    let minutes: Int

    init(date: CivilDate, minutes: Int) { self.date = date; self.minutes = minutes }

    init(_ instant: Date, _ zone: TimeZone) {
        let local = instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))
        let secs = Int(local.rounded(.down))
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        date = CivilDate(daysSinceEpoch: days)
        minutes = (secs - days * 86_400) / 60
    }

    /// A change-log stamp `2026-12-03T13:45:21.123Z`.
    init?(utc text: String, _ zone: TimeZone) {
        let b = Array(text.utf8)
        guard b.count >= 19, let d = CivilDate(iso: String(decoding: b[0..<10], as: UTF8.self)),
              let h = Int(String(decoding: b[11..<13], as: UTF8.self)), let m = Int(String(decoding: b[14..<16], as: UTF8.self)),
              let s = Int(String(decoding: b[17..<19], as: UTF8.self)) else { return nil }
        self.init(Date(timeIntervalSince1970: Double(d.daysSinceEpoch * 86_400 + h * 3600 + m * 60 + s)), zone)
    }

    static func < (a: LocalTime, b: LocalTime) -> Bool { (a.date, a.minutes) < (b.date, b.minutes) }

    /// «05.12.2026 21:14».
    var description: String {
        let hh = minutes / 60, mm = minutes % 60
        return "\(date.russian) \(hh < 10 ? "0" : "")\(hh):\(mm < 10 ? "0" : "")\(mm)"
    }
}
