/// СНИЛС, the insurance number: 11 digits, the last two a checksum.
public enum Snils {
    /// The 11 digits of `123-456-789 01`, `12345678901` or similar; nil when not 11 digits.
    public static func digits(_ raw: String) -> String? {
        var out = ""
        for ch in raw {
            if ch.isASCII, ch.isNumber { out.append(ch) } else if !" -–\u{A0}".contains(ch) { return nil }
        }
        return out.count == 11 ? out : nil
    }

    /// Whether the checksum is right. Numbers up to 001-001-998 carry no checksum.
    public static func checksumValid(_ digits: String) -> Bool {
        let d = digits.compactMap { $0.wholeNumberValue }
        guard d.count == 11 else { return false }
        let number = d[0..<9].reduce(0) { $0 * 10 + $1 }
        if number <= 1_001_998 { return true }
        var sum = 0
        for i in 0..<9 { sum += d[i] * (9 - i) }
        var check = sum % 101
        if check == 100 { check = 0 }
        return check == d[9] * 10 + d[10]
    }

    /// `123-456-789 01`, as documents print it.
    public static func formatted(_ digits: String) -> String {
        let c = Array(digits)
        guard c.count == 11 else { return digits }
        return "\(String(c[0..<3]))-\(String(c[3..<6]))-\(String(c[6..<9])) \(String(c[9..<11]))"
    }
}
