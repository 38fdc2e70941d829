import Foundation
import JournalModel

/// ЭПОС timestamps: ISO 8601 with the school's offset and milliseconds
/// (`2026-09-07T08:30:00.000+05:00`), kept as milliseconds since 1970 (UTC).
public enum EPOSTime {
    /// Renders a moment in a zone: `YYYY-MM-DDThh:mm:ss.mmm+05:00` (`millis: false` drops `.mmm`).
    public static func render(_ ms: Int64, in zone: TimeZone, millis: Bool = true) -> String {
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(ms) / 1000))
        let local = ms + Int64(offset) * 1000
        let days = Int((Double(local) / 86_400_000).rounded(.down))
        let inDay = Int(local - Int64(days) * 86_400_000)
        let date = CivilDate(daysSinceEpoch: days)
        func pad(_ n: Int, _ w: Int = 2) -> String { let s = String(n); return String(repeating: "0", count: max(0, w - s.count)) + s }
        var s = "\(date)T\(pad(inDay / 3_600_000)):\(pad(inDay / 60_000 % 60)):\(pad(inDay / 1000 % 60))"
        if millis { s += "." + pad(inDay % 1000, 3) }
        let o = abs(offset)
        s += (offset < 0 ? "-" : "+") + pad(o / 3600) + ":" + pad(o / 60 % 60)
        return s
    }

    /// Parses `YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm|±hhmm]`; the offset is required (a time
    /// without one is ambiguous). A space stands for `+`: a client that did not
    /// percent-encode the query sends `…08:30:00 05:00` without meaning to.
    static func parse(_ text: String) -> Int64? {
        let u = Array(text.utf8)
        guard u.count >= 20, let date = CivilDate(iso: String(decoding: u[0..<10], as: UTF8.self)), u[10] == UInt8(ascii: "T"),
              u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
              let h = number(u[11..<13]), let m = number(u[14..<16]), let s = number(u[17..<19]), h < 24, m < 60, s < 60 else { return nil }
        var i = 19
        var ms = 0
        if u[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < u.count, u[i] >= 48, u[i] <= 57 {
                if digits < 3 { ms = ms * 10 + Int(u[i] - 48) }
                digits += 1; i += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { ms *= 10 } }
        }
        guard i < u.count else { return nil }
        var offset = 0
        if u[i] == UInt8(ascii: "Z") {
            guard i + 1 == u.count else { return nil }
        } else {
            guard u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: " ") else { return nil }
            let sign = u[i] == UInt8(ascii: "-") ? -1 : 1
            let rest = Array(u[(i + 1)...])
            let hh: Int?, mm: Int?
            if rest.count == 5, rest[2] == UInt8(ascii: ":") { hh = number(rest[0..<2]); mm = number(rest[3..<5]) } else if rest.count == 4 {
                hh = number(rest[0..<2]); mm = number(rest[2..<4])
            } else { return nil }
            guard let oh = hh, let om = mm, oh <= 14, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        }
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(h * 3600 + m * 60 + s) - Int64(offset)
        return seconds * 1000 + Int64(ms)
    }

    /// Milliseconds since 1970 of a `Date`.
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    private static func number<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 { CivilDate.decimal(bytes) }
}
