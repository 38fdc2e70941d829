import Foundation
import JournalModel

/// ЭПОС.Школа times: ISO 8601 with an offset (`2026-09-07T08:30:00.000+05:00`; Perm is
/// `Asia/Yekaterinburg`, +05:00), and the school's civil dates derived from them.
///
/// The adapter never turns a time into a date through UTC or the machine's zone: a date
/// field (`YYYY-MM-DD`) is taken as written, and a time is placed in the school's zone.
/// Moments are compared as instants (`…T00:30:00+05:00` equals `…T19:30:00Z` of the day before).
public enum EPOSTimestamp {
    /// Milliseconds since 1970 (UTC) of `YYYY-MM-DDThh:mm[:ss[.fff…]]` followed by `Z`,
    /// `±hh:mm` or `±hhmm`; nil for anything else, including a time without an offset
    /// (ambiguous: it is no moment at all).
    public static func milliseconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { milliseconds(utf8: $0) }
    }

    /// ``milliseconds(_:)`` of UTF-8 bytes (read in place: a page has thousands of moments).
    public static func milliseconds(utf8 u: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard u.count >= 17, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
              let y = number(u, 0, 4), let mo = number(u, 5, 2), let d = number(u, 8, 2),
              let date = CivilDate(year: y, month: mo, day: d),
              u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: " "),
              let h = number(u, 11, 2), u[13] == UInt8(ascii: ":"), let m = number(u, 14, 2), h < 24, m < 60 else { return nil }
        var i = 16
        var s = 0, ms = 0
        if i < u.count, u[i] == UInt8(ascii: ":") {
            guard i + 3 <= u.count, let sec = number(u, i + 1, 2), sec < 61 else { return nil }
            s = sec
            i += 3
            if i < u.count, u[i] == UInt8(ascii: ".") || u[i] == UInt8(ascii: ",") {
                i += 1
                var digits = 0
                while i < u.count, u[i] >= 48, u[i] <= 57 {
                    if digits < 3 { ms = ms * 10 + Int(u[i] - 48) }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
                for _ in min(digits, 3)..<3 { ms *= 10 }
            }
        }
        guard i < u.count else { return nil }
        var offset = 0
        if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
            guard i + 1 == u.count else { return nil }
        } else {
            guard u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") else { return nil }
            let sign = u[i] == UInt8(ascii: "-") ? -1 : 1
            let r = i + 1, rest = u.count - r
            let hh: Int?, mm: Int?
            if rest == 5, u[r + 2] == UInt8(ascii: ":") {
                hh = number(u, r, 2); mm = number(u, r + 3, 2)
            } else if rest == 4 {
                hh = number(u, r, 2); mm = number(u, r + 2, 2)
            } else if rest == 2 {
                hh = number(u, r, 2); mm = 0
            } else {
                return nil
            }
            guard let oh = hh, let om = mm, oh <= 14, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        }
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(h * 3600 + m * 60 + s) - Int64(offset)
        return seconds * 1000 + Int64(ms)
    }

    /// The decimal number of `count` bytes from `at`; nil when one is not a digit.
    private static func number(_ u: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        var n = 0
        for k in at..<(at + count) {
            let b = u[k]
            guard b >= 48, b <= 57 else { return nil }
            n = n * 10 + Int(b - 48)
        }
        return n
    }

    /// The school's civil date of a date field: `YYYY-MM-DD` as written; a moment with an
    /// offset → its date in `zone` (`2026-09-12T00:30:00+05:00` is 12 September in Perm,
    /// 11 September in Samara and in UTC). Nil for anything else.
    public static func civilDate(_ text: String, in zone: TimeZone) -> CivilDate? {
        if text.utf8.count == 10 { return CivilDate(iso: text) }
        guard let ms = milliseconds(text) else { return nil }
        return CivilDate.today(in: zone, now: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    /// How two moments compare as instants; nil when either is not a moment.
    public static func compare(_ a: String, _ b: String) -> ComparisonResult? {
        guard let x = milliseconds(a), let y = milliseconds(b) else { return nil }
        return x < y ? .orderedAscending : (x == y ? .orderedSame : .orderedDescending)
    }

    /// Whether two texts name the same moment (or are the same text).
    public static func same(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a == b || compare(a, b) == .orderedSame
    }
}
