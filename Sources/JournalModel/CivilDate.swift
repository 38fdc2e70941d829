import Foundation

/// A calendar date without time or zone: how journals, lists and portals speak of days.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A date, or nil when it does not exist (31.02, 29.02 of a common year).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYY-MM-DD`, also the leading date of `YYYY-MM-DDThh:mm:ss…`.
    public init?(iso: String) {
        let u = Array(iso.utf8.prefix(10))
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
              iso.utf8.count == 10 || iso.utf8.dropFirst(10).first == UInt8(ascii: "T"),
              let y = CivilDate.number(u[0..<4]), let m = CivilDate.number(u[5..<7]),
              let d = CivilDate.number(u[8..<10]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// `dd.mm.yyyy` (also `d.m.yyyy`), as Russian lists write dates.
    public init?(russian text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].utf8.count == 4, (1...2).contains(parts[0].utf8.count),
              (1...2).contains(parts[1].utf8.count),
              let d = CivilDate.number(parts[0].utf8), let m = CivilDate.number(parts[1].utf8),
              let y = CivilDate.number(parts[2].utf8) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The ASCII decimal digits in `bytes` as a number; nil when empty or when any byte is
    /// not a digit. Date and time parsers share it.
    public static func decimal<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        var n = 0
        for b in bytes {
            guard b >= 48, b <= 57 else { return nil }
            n = n * 10 + Int(b - 48)
        }
        return bytes.isEmpty ? nil : n
    }
    private static func number<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 { decimal(bytes) }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(daysSinceEpoch z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.year = y; self.month = m; self.day = d
    }

    public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// ISO weekday, Monday = 1 … Sunday = 7.
    public var weekday: Int { ((daysSinceEpoch % 7 + 7 + 3) % 7) + 1 }

    /// The Monday of this date's week.
    public var weekStart: CivilDate { adding(days: 1 - weekday) }

    /// Today's date in a time zone (R2 compares lesson dates with it).
    public static func today(in zone: TimeZone, now: Date = Date()) -> CivilDate {
        let seconds = Int(now.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: now)
        return CivilDate(daysSinceEpoch: Int((Double(seconds) / 86400).rounded(.down)))
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ n: Int, _ w: Int) -> String { let s = String(n); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// `dd.mm.yyyy`.
    public var russian: String {
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(pad(day)).\(pad(month)).\(year)"
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

extension CivilDate {
    /// An Excel serial day number in the 1900 date system (serial 1 = 1900-01-01).
    ///
    /// Excel counts a 29 February 1900 that never was (serial 60, the Lotus bug): serials
    /// after it are one day ahead, and 60 itself is no date (nil).
    public init?(excelSerial serial: Int, date1904: Bool = false) {
        let epoch1900 = CivilDate(year: 1899, month: 12, day: 30)!.daysSinceEpoch
        if date1904 {
            guard serial >= 0, serial < 2_957_004 else { return nil }
            self.init(daysSinceEpoch: CivilDate(year: 1904, month: 1, day: 1)!.daysSinceEpoch + serial)
            return
        }
        guard serial >= 1, serial != 60, serial < 2_958_466 else { return nil }
        self.init(daysSinceEpoch: epoch1900 + serial + (serial < 60 ? 1 : 0))
    }
}
