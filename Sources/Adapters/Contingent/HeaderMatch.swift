import Foundation
import Formats

/// Headers that are not in the column table: a misspelt or abbreviated optional header
/// is used with a warning; anything else is reported as unknown, with the known names.
extension ContingentReader {
    /// What an unknown header resembles.
    public enum Resemblance: Sendable, Equatable {
        /// Exactly one optional field: the header is taken as that field.
        case field(ContingentField)
        /// Several fields: the usual names of each; never guessed between.
        case ambiguous([String])
        case none
    }

    /// Only optional columns are matched loosely; the student's name and class must be
    /// named as the table has them (they also decide which row is the header).
    static let looselyMatched: [ContingentField] = [.fileNumber, .patronymic, .birthDate, .snils, .gender, .guardians, .phone]

    /// Which optional field an unknown header resembles: one of its synonyms abbreviated word
    /// by word («Дата рожд.», «Отч.», «№ личн. дела»: the same number of words, each a prefix
    /// of the synonym's, at least 3 letters in all), or within a small edit distance of it
    /// (ignoring case, ё/е, spaces and punctuation; a swap of two neighbours is one edit):
    /// 1 edit for synonyms of 4–7 characters, 2 from 8; none below 4.
    public static func resemblance(_ header: String, _ columns: ColumnMap) -> Resemblance {
        let key = Array(ColumnMap.key(header))
        let words = ColumnMap.words(header)
        guard key.count >= 2 else { return .none }
        var found: [ContingentField] = []
        for (synonym, field) in columns.headers where looselyMatched.contains(field) && !found.contains(field) {
            let synonymKey = Array(ColumnMap.key(synonym))
            let allowed = synonymKey.count >= 8 ? 2 : synonymKey.count >= 4 ? 1 : 0
            if isAbbreviation(words, of: ColumnMap.words(synonym)) || editDistance(key, synonymKey, atMost: allowed) <= allowed {
                found.append(field)
            }
        }
        switch found.count {
        case 0: return .none
        case 1: return .field(found[0])
        default: return .ambiguous(found.map(columns.usualHeader))
        }
    }

    static func isAbbreviation(_ words: [String], of full: [String]) -> Bool {
        guard words.count == full.count, words != full, words.reduce(0, { $0 + $1.count }) >= 3 else { return false }
        return zip(words, full).allSatisfy { $1.hasPrefix($0) }
    }

    /// Optimal string alignment distance, or `limit + 1` once it is certainly above `limit`.
    static func editDistance(_ a: [Character], _ b: [Character], atMost limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, before[j - 2] + 1) }
                current[j] = d
                rowMinimum = min(rowMinimum, d)
            }
            if rowMinimum > limit { return limit + 1 }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }

    /// Completes the header's column map with the headers the table does not name,
    /// warning about each: taken as a field, ambiguous, a repeat, or unknown.
    static func resolveHeader(_ header: TableRow, _ map: inout [ContingentField: Int], _ columns: ColumnMap,
                              label: (Int) -> String) -> [ContingentWarning] {
        var warnings: [ContingentWarning] = []
        let exact = map
        func warn(_ j: Int, _ m: String) { warnings.append(ContingentWarning(line: header.line, column: label(j), m)) }
        for (j, cell) in header.cells.enumerated() {
            let name = text(cell).trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty || name.utf8.count > maxHeaderBytes { continue }
            if let f = columns.field(forHeader: name) {
                if let k = exact[f], k != j { warn(j, "column «\(name)» repeats column \(label(k)) (\(f.rawValue)); ignored") }
                continue
            }
            switch resemblance(name, columns) {
            case .field(let f):
                let usual = columns.usualHeader(f)
                if let k = map[f] {
                    warn(j, "column «\(name)» resembles «\(usual)», which column \(label(k)) already gives; ignored")
                } else {
                    map[f] = j
                    warn(j, "column «\(name)» is read as «\(usual)» (\(f.rawValue)); add the header to mappings/contingent/columns.tsv if that is right")
                }
            case .ambiguous(let names):
                warn(j, "column «\(name)» resembles \(names.map { "«\($0)»" }.joined(separator: " and ")); ignored rather than guessed: rename it")
            case .none:
                let known = ContingentField.allCases.map { "«\(columns.usualHeader($0))»" }.joined(separator: ", ")
                warn(j, "column «\(name)» is not a known column and is ignored (known: \(known); more in mappings/contingent/columns.tsv)")
            }
        }
        return warnings
    }

    /// A header longer than this is not a header (and is not compared at all).
    static let maxHeaderBytes = 256
}
