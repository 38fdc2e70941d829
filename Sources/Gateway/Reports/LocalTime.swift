import Foundation
import JournalModel

/// A minute of a day in the school's time zone (change-log times are UTC).
struct LocalTime: Comparable, Sendable, CustomStringConvertible {
    let date: CivilDate
    /// Minutes after midnight.
    let minutes: Int

    init(date: CivilDate, minutes: Int) { self.date = date; self.minutes = minutes }

    init(_ instant: Date, _ zone: TimeZone) { self.init(utcSeconds: Int(instant.timeIntervalSince1970.rounded(.down)), offset: zone.secondsFromGMT(for: instant)) }

    init(utcSeconds: Int, offset: Int) {
        let secs = utcSeconds + offset
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        date = CivilDate(daysSinceEpoch: days)
        minutes = (secs - days * 86_400) / 60
    }

    /// A change-log stamp `2026-12-03T13:45:21.123Z`.
    init?(utc text: String, _ zone: TimeZone) {
        guard let secs = LocalTime.utcSeconds(text) else { return nil }
        self.init(Date(timeIntervalSince1970: Double(secs)), zone)
    }

    /// Seconds since 1970 of a change-log stamp.
    static func utcSeconds(_ text: String) -> Int? {
        let b = Array(text.utf8)
        guard b.count >= 19, let d = CivilDate(iso: String(decoding: b[0..<10], as: UTF8.self)),
              let h = Int(String(decoding: b[11..<13], as: UTF8.self)), let m = Int(String(decoding: b[14..<16], as: UTF8.self)),
              let s = Int(String(decoding: b[17..<19], as: UTF8.self)) else { return nil }
        return d.daysSinceEpoch * 86_400 + h * 3600 + m * 60 + s
    }

    static func < (a: LocalTime, b: LocalTime) -> Bool { (a.date, a.minutes) < (b.date, b.minutes) }

    /// «05.12.2026 21:14».
    var description: String {
        let hh = minutes / 60, mm = minutes % 60
        return "\(date.russian) \(hh < 10 ? "0" : "")\(hh):\(mm < 10 ? "0" : "")\(mm)"
    }
}


/// Change-log stamps to the school's local time, asking the time zone once per UTC hour
/// (Foundation's time zone lookups are slow on Linux; a week's control reads tens of thousands).
final class LocalClock {
    let zone: TimeZone
    private var offsets: [Int: Int] = [:]
    init(_ zone: TimeZone) { self.zone = zone }

    func local(_ stamp: String?) -> LocalTime? {
        guard let stamp, let secs = LocalTime.utcSeconds(stamp) else { return nil }
        let hour = secs >= 0 ? secs / 3600 : (secs - 3599) / 3600
        let offset: Int
        if let o = offsets[hour] { offset = o } else {
            offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour * 3600)))
            offsets[hour] = offset
        }
        return LocalTime(utcSeconds: secs, offset: offset)
    }
}
