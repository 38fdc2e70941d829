import Foundation

/// A code table a person edits in a spreadsheet: tab-separated, a header line naming the
/// columns, `#` comments. Used to map a counterpart's codes to the journal's.
public struct CodeTable: Sendable {
    public let path: String
    public let columns: [String]
    public let rows: [[String: String]]
    /// The table as reports name it, relative to the mappings directory
    /// (`epos/mark_values.tsv`): set by the code sets; by default the folder and file.
    public var name: String
    /// Per column: folded value → the indices of its rows, in file order (lookups run once
    /// per mark or absence a portal sends: a year's sync maps hundreds of thousands).
    private let index: [String: [String: [Int]]]

    /// Reads a table that must have at least `required` columns.
    /// - Throws: ``CodeTableError`` naming `FILE:LINE`.
    public init(path: String, required: [String]) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CodeTableError(message: "\(path): cannot read the code table")
        }
        try self.init(text: String(decoding: data, as: UTF8.self), path: path, required: required)
    }

    /// Reads a table that reports call `name` (`epos/mark_values.tsv`), wherever it lies.
    public init(path: String, required: [String], name: String) throws {
        try self.init(path: path, required: required)
        self.name = name
    }

    public init(text: String, path: String, required: [String]) throws {
        self.path = path
        name = path.split(separator: "/").suffix(2).joined(separator: "/")
        var header: [String]?
        var rows: [[String: String]] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if line.isEmpty || line.hasPrefix("#") || line.allSatisfy({ $0 == "\t" || $0 == " " }) { continue }
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let h = header else {
                let missing = required.filter { !cells.contains($0) }
                guard missing.isEmpty else {
                    throw CodeTableError(message: "\(path):\(i + 1): the header needs the columns \(required.joined(separator: ", ")); missing \(missing.joined(separator: ", "))")
                }
                header = cells
                continue
            }
            guard cells.count <= h.count else {
                throw CodeTableError(message: "\(path):\(i + 1): \(cells.count) columns, the header has \(h.count)")
            }
            var row: [String: String] = [:]
            for (k, name) in h.enumerated() { row[name] = k < cells.count ? cells[k] : "" }
            for name in required where (row[name] ?? "").isEmpty && name == required.first {
                throw CodeTableError(message: "\(path):\(i + 1): column «\(name)» is empty")
            }
            rows.append(row)
        }
        guard let h = header else { throw CodeTableError(message: "\(path): the table is empty") }
        columns = h
        self.rows = rows
        var index: [String: [String: [Int]]] = [:]
        for name in h {
            var byValue: [String: [Int]] = [:]
            for (i, row) in rows.enumerated() { byValue[CodeTable.fold(row[name] ?? ""), default: []].append(i) }
            index[name] = byValue
        }
        self.index = index
    }

    /// The rows whose `column` equals `value` (compared ignoring case and ё/е).
    public func rows(where column: String, is value: String) -> [[String: String]] {
        (index[column]?[CodeTable.fold(value)] ?? []).map { rows[$0] }
    }

    /// The rows whose `column` is exactly `value` (case matters: abbreviations such as «Пр»
    /// and «ПР» are different work).
    public func rows(where column: String, exactly value: String) -> [[String: String]] {
        rows(where: column, is: value).filter { ($0[column] ?? "") == value }
    }

    /// The value of `target` in the first row whose `column` is `value`; nil when there is
    /// none (or it is empty).
    public func lookup(_ value: String, from column: String, to target: String) -> String? {
        guard let v = rows(where: column, is: value).first?[target], !v.isEmpty else { return nil }
        return v
    }


    /// A line for this table in its header's column order: the given columns filled, `…`
    /// in the others (what a person must choose).
    public func line(_ values: [String: String]) -> String {
        columns.map { values[$0] ?? "…" }.joined(separator: "\t")
    }

    /// A name folded for matching the journal's records: lower case, ё as е, only letters and
    /// digits (spaces and punctuation dropped): «Зачёт», «зачет» and «За-чёт.» fold alike.
    public static func looseFold(_ s: String) -> String {
        String(String.UnicodeScalarView(fold(s).unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }))
    }

    /// The value of `target` in the one row whose `column` is `value`, or an error naming
    /// the code and this table (never a silent default).
    public func map(_ value: String, from column: String, to target: String, what: String) throws -> String {
        guard let row = rows(where: column, is: value).first, let v = row[target] else {
            throw CodeTableError(message: "unmapped \(what) «\(value)»: add a line for it to \(path)")
        }
        return v
    }

    static func fold(_ s: String) -> String {
        let lower = s.lowercased()
        // "ё" is U+0451: UTF-8 D1 91.
        guard lower.utf8.contains(0x91) else { return lower }
        return String(String.UnicodeScalarView(lower.unicodeScalars.map { $0 == "ё" ? "е" : $0 }))
    }
}

/// A code with no line in its table, or a table that cannot be read.
public struct CodeTableError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
