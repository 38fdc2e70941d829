import Foundation

/// A person's name as records spell it, folded so that the spellings of one name compare
/// equal: what tells a guardian or a teacher named by two sources apart from another.
public enum PersonName {
    /// Surname, name and patronymic folded: «Фёдорова Ульяна Юрьевна» and
    /// «ФЕДОРОВА  Ульяна Юрьевна.» fold alike, and so do «Иванова-Петрова» and «Иванова Петрова».
    public static func folded(_ r: Record) -> String {
        guard let k = r.kind.personKeys else { preconditionFailure("PersonName.folded: a \(r.kind.rawValue) is not a person") }
        return [r[k.surname].text, r[k.name].text, r[k.patronymic].text].compactMap { $0.map(fold) }.joined()
    }

    /// Lower case, ё as е, letters and digits only (hyphens, spaces and dots dropped).
    public static func fold(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.lowercased().unicodeScalars where CharacterSet.alphanumerics.contains(u) {
            out.append(u == "ё" ? "е" : u)
        }
        return String(out)
    }
}
