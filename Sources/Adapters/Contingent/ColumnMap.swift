import Foundation

/// What a column of a class list means.
public enum ContingentField: String, CaseIterable, Sendable {
    case rowNumber = "row_number"
    case fileNumber = "file_number"
    case surname, name, patronymic
    case fullName = "full_name"
    case birthDate = "birth_date"
    case className = "class"
    case snils, gender, guardians, phone
}

/// Column-name synonyms from `mappings/contingent/columns.tsv`, editable by a person.
public struct ColumnMap: Sendable {
    private var synonyms: [String: ContingentField] = [:]
    /// Every synonym as written, in file order (the first of a field is its usual name).
    private(set) var headers: [(header: String, field: ContingentField)] = []

    /// Reads the table; a bad line is an error naming `FILE:LINE`.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ContingentError(file: path, line: nil, "cannot read the column mapping")
        }
        try self.init(text: String(decoding: data, as: UTF8.self), file: path)
    }

    public init(text: String, file: String) throws {
        var sawHeader = false
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if !sawHeader {
                sawHeader = true
                if cols.first?.lowercased() == "field" { continue }
            }
            guard cols.count == 2, !cols[1].isEmpty else {
                throw ContingentError(file: file, line: i + 1, "expected two tab-separated columns: field and header")
            }
            guard let field = ContingentField(rawValue: cols[0]) else {
                let known = ContingentField.allCases.map(\.rawValue).joined(separator: ", ")
                throw ContingentError(file: file, line: i + 1, "unknown field «\(cols[0])» (known: \(known))")
            }
            let key = ColumnMap.key(cols[1])
            if let other = synonyms[key], other != field {
                throw ContingentError(file: file, line: i + 1, "header «\(cols[1])» is already mapped to \(other.rawValue)")
            }
            synonyms[key] = field
            headers.append((cols[1], field))
        }
    }

    /// The comparable form of a header: lower case, ё as е, letters, digits and № only.
    static func key(_ s: String) -> String {
        String(s.lowercased().replacingOccurrences(of: "ё", with: "е").unicodeScalars
            .filter { CharacterSet.letters.contains($0) || CharacterSet.decimalDigits.contains($0) || $0 == "№" }
            .map(Character.init))
    }

    /// The words of a header in comparable form: «Дата рожд.» → [дата, рожд].
    static func words(_ s: String) -> [String] {
        s.lowercased().replacingOccurrences(of: "ё", with: "е")
            .split(whereSeparator: { ch in !ch.unicodeScalars.allSatisfy { CharacterSet.letters.contains($0) || CharacterSet.decimalDigits.contains($0) || $0 == "№" } })
            .map(String.init)
    }

    /// The usual name of a field: its first synonym in the table.
    public func usualHeader(_ field: ContingentField) -> String {
        headers.first { $0.field == field }?.header ?? field.rawValue
    }

    /// The field a header names, if any. «Класс (группа)» also matches as «Класс».
    public func field(forHeader header: String) -> ContingentField? {
        if let f = synonyms[ColumnMap.key(header)] { return f }
        if let paren = header.firstIndex(of: "(") { return synonyms[ColumnMap.key(String(header[..<paren]))] }
        return nil
    }
}
