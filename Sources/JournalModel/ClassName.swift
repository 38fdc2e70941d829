/// Class names (`5А`): one spelling for the many a school writes.
public enum ClassName {
    /// Latin letters that secretaries type for their Cyrillic look-alikes.
    private static let latinToCyrillic: [Character: Character] = [
        "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С", "T": "Т", "X": "Х", "Y": "У",
    ]

    /// `5 А`, `5-а`, `5а`, `5«А»`, `5 "а" класс` → `5А`; `11 б` → `11Б`; `5` → `5`.
    ///
    /// Returns nil when the text is not a class name: no grade 1–11 in front, or
    /// anything but one letter after it.
    public static func normalize(_ raw: String) -> String? {
        var s = raw.lowercased()
        for word in ["класс", "кл."] { s = s.replacingOccurrences(of: word, with: "") }
        var digits = ""
        var letters = ""
        for ch in s.uppercased() {
            if ch.isWhitespace || "-–—_\"'«»“”.()".contains(ch) { continue }
            if ch.isASCII, ch.isNumber {
                guard letters.isEmpty else { return nil }
                digits.append(ch)
            } else if ch.isLetter {
                letters.append(latinToCyrillic[ch] ?? ch)
            } else {
                return nil
            }
        }
        guard let grade = Int(digits), (1...11).contains(grade), digits.first != "0", letters.count <= 1 else { return nil }
        if let l = letters.first, !("А"..."Я").contains(l) && l != "Ё" { return nil }
        return digits + letters
    }

    /// The grade (параллель) of a normalised class name.
    public static func grade(of name: String) -> Int? { Int(name.prefix { $0.isASCII && $0.isNumber }) }
}
