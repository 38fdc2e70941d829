import Foundation
import Formats
import JournalModel

/// A guardian as a list names them.
public struct GuardianEntry: Sendable, Hashable {
    public var surname: String
    public var name: String
    public var patronymic: String?
    public var phone: String?

    public var fullName: String { [surname, name, patronymic].compactMap { $0 }.joined(separator: " ") }
}

/// One student's row of a class list, normalised.
public struct ContingentRow: Sendable {
    public let line: Int
    public var fileNumber: String?
    public var surname: String
    public var name: String
    public var patronymic: String?
    public var birthDate: CivilDate?
    public var snils: String?
    public var gender: String?
    public var className: String
    /// nil when the list has no guardians column (then guardians are left as they are).
    public var guardians: [GuardianEntry]?
}

/// A class list read and normalised: its rows, the date in its title, warnings, errors.
public struct ContingentList: Sendable {
    public var rows: [ContingentRow] = []
    public var titleDate: CivilDate?
    public var warnings: [(line: Int, message: String)] = []
    public var errors: [String] = []
    public var headerLine = 0
}

/// Reads secretaries' class lists (CSV in any encoding, or .xlsx) into ``ContingentRow``s.
///
/// The header row is found by its column names (``ColumnMap``); title lines above it,
/// blank lines and «Итого» footers are skipped. Every problem is collected as
/// `FILE:LINE: column «Name»: message`.
public enum ContingentReader {
    public static func read(path: String, columns: ColumnMap, sheet: String? = nil) throws -> ContingentList {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ContingentError(file: path, line: nil, "cannot read the file")
        }
        let rows: [TableRow]
        do {
            if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || path.lowercased().hasSuffix(".xlsx") {
                rows = try XLSXWorkbook(data: data).rows(sheet: sheet)
            } else {
                if sheet != nil { throw ContingentError(file: path, line: nil, "--sheet applies to .xlsx files only") }
                rows = try CSVReader.read(data).rows
            }
        } catch let e as ContingentError {
            throw e
        } catch {
            throw ContingentError(file: path, line: nil, "\(error)")
        }
        return interpret(rows, file: path, columns: columns)
    }

    /// Finds the header, then normalises each row below it.
    public static func interpret(_ rows: [TableRow], file: String, columns: ColumnMap) -> ContingentList {
        var list = ContingentList()
        guard let (headerIndex, map) = findHeader(rows, columns) else {
            list.errors.append("\(file): no header row found: a list needs columns for the student's name (ФИО, or Фамилия and Имя) and «Класс»; headers are matched through mappings/contingent/columns.tsv")
            return list
        }
        let header = rows[headerIndex]
        list.headerLine = header.line
        for row in rows[..<headerIndex] {
            for cell in row.cells { if case .text(let t) = cell, let d = dateIn(t) { list.titleDate = d } }
        }
        func headerName(_ f: ContingentField) -> String { map[f].map { text(header.cells[$0]) } ?? f.rawValue }
        var fileLines: [String: Int] = [:]
        for row in rows[(headerIndex + 1)...] {
            let values = map.mapValues { $0 < row.cells.count ? row.cells[$0] : .empty }
            let meaningful = values.filter { $0.key != .rowNumber && !text($0.value).isEmpty }
            if meaningful.isEmpty { continue }
            if let first = row.cells.lazy.map(text).first(where: { !$0.isEmpty }),
               first.lowercased().hasPrefix("итого") || first.lowercased().hasPrefix("всего") { continue }
            var errs: [String] = []
            func fail(_ f: ContingentField, _ m: String) { errs.append("\(file):\(row.line): column «\(headerName(f))»: \(m)") }
            func warn(_ m: String) { list.warnings.append((row.line, m)) }
            func value(_ f: ContingentField) -> String { values[f].map(text).map(clean) ?? "" }

            var surname = value(.surname), name = value(.name)
            var patronymic: String? = value(.patronymic)
            if map[.fullName] != nil && (surname.isEmpty || map[.surname] == nil) {
                let parts = value(.fullName).split(separator: " ").map(String.init)
                if parts.isEmpty { fail(.fullName, "the student's name is missing") }
                else if parts.count == 1 { fail(.fullName, "«\(parts[0])» has no first name") }
                else { surname = parts[0]; name = parts[1]; patronymic = parts.count > 2 ? parts[2...].joined(separator: " ") : nil }
            } else {
                if surname.isEmpty { fail(.surname, "the surname is missing") }
                if name.isEmpty { fail(.name, "the first name is missing") }
            }
            if patronymic?.isEmpty == true { patronymic = nil }

            var className = ""
            let rawClass = value(.className)
            if rawClass.isEmpty { fail(.className, "the class is missing") }
            else if let c = ClassName.normalize(rawClass) { className = c }
            else { fail(.className, "«\(rawClass)» is not a class name (expected e.g. 5А, 5 А, 5-а)") }

            var birth: CivilDate?
            if let cell = values[.birthDate] {
                switch cell {
                case .empty: break
                case .date(let d): birth = d
                case .number(let n):
                    birth = n == n.rounded() ? CivilDate(excelSerial: Int(n)) : nil
                    if birth == nil { fail(.birthDate, "\(n) is not a date") }
                case .text:
                    let t = clean(text(cell))
                    if !t.isEmpty {
                        birth = CivilDate(russian: t) ?? (t.count == 10 ? CivilDate(iso: t) : nil)
                        if birth == nil { fail(.birthDate, "\(t) is not a date (dd.mm.yyyy)") }
                    }
                }
            }

            var snils: String?
            let rawSnils = value(.snils)
            if !rawSnils.isEmpty {
                if let d = Snils.digits(rawSnils) {
                    snils = d
                    if !Snils.checksumValid(d) { warn("column «\(headerName(.snils))»: the СНИЛС checksum is wrong (kept as given; please check the number)") }
                } else {
                    warn("column «\(headerName(.snils))»: «\(rawSnils)» is not an 11-digit СНИЛС (left empty)")
                }
            }

            var gender: String?
            let g = value(.gender).lowercased()
            if !g.isEmpty {
                if g.hasPrefix("м") || g == "m" { gender = "М" } else if g.hasPrefix("ж") || g == "f" || g == "w" { gender = "Ж" }
                else { warn("column «\(headerName(.gender))»: «\(g)» is not М or Ж (left empty)") }
            }

            var guardians: [GuardianEntry]?
            if map[.guardians] != nil {
                // Raw text: a line break inside the cell separates guardians too.
                let (entries, problems) = parseGuardians(values[.guardians].map(text) ?? "", phones: value(.phone))
                guardians = entries
                for p in problems { warn("column «\(headerName(.guardians))»: \(p)") }
            } else if map[.phone] != nil && !value(.phone).isEmpty {
                warn("column «\(headerName(.phone))»: a phone without a guardians column is not imported")
            }

            let fileNumber = value(.fileNumber)
            if !fileNumber.isEmpty {
                // A personal-file number used twice in one file: name both lines.
                if let first = fileLines[fileNumber] {
                    errs.append("\(file):\(row.line): column «\(headerName(.fileNumber))»: personal file \(fileNumber) is used twice (lines \(first) and \(row.line))")
                } else { fileLines[fileNumber] = row.line }
            }
            if errs.isEmpty {
                list.rows.append(ContingentRow(line: row.line, fileNumber: fileNumber.isEmpty ? nil : fileNumber, surname: surname, name: name,
                                               patronymic: patronymic, birthDate: birth, snils: snils, gender: gender,
                                               className: className, guardians: guardians))
            }
            list.errors += errs
        }
        return list
    }

    /// The first row (of the first 50) naming a student column and the class column.
    static func findHeader(_ rows: [TableRow], _ columns: ColumnMap) -> (Int, [ContingentField: Int])? {
        for (i, row) in rows.prefix(50).enumerated() {
            var map: [ContingentField: Int] = [:]
            for (j, cell) in row.cells.enumerated() {
                if let f = columns.field(forHeader: text(cell)), map[f] == nil { map[f] = j }
            }
            let hasName = map[.fullName] != nil || (map[.surname] != nil && map[.name] != nil)
            if hasName && map[.className] != nil { return (i, map) }
        }
        return nil
    }

    static func text(_ c: Cell) -> String {
        switch c {
        case .empty: return ""
        case .text(let s): return s
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case .date(let d): return d.russian
        }
    }

    /// Trimmed, inner white space (incl. no-break spaces) collapsed to one space.
    static func clean(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func dateIn(_ s: String) -> CivilDate? {
        let chars = Array(s)
        guard chars.count >= 10 else { return nil }
        for i in 0...(chars.count - 10) {
            let cand = String(chars[i..<(i + 10)])
            if cand.allSatisfy({ $0.isNumber || $0 == "." }), let d = CivilDate(russian: cand) { return d }
        }
        return nil
    }
}
