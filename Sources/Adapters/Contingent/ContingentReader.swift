import Foundation
import Formats
import JournalModel

/// Reads secretaries' class lists (CSV in any encoding, or .xlsx) into ``ContingentRow``s.
///
/// The header row is found by its column names (``ColumnMap``); title lines above it,
/// blank lines and «Итого» footers are skipped. Every problem is collected as
/// `FILE:LINE: column «Name»: message`; warnings carry their column too (``ContingentWarning``).
public enum ContingentReader {
    /// The most bytes (UTF-8) a cell of a list may hold: a name, a date, a few guardians.
    /// A longer cell is an error in its row, or a warning in the guardians column.
    public static let maxCellBytes = 4096
    /// A cell (or .xlsx shared string) longer than this (1 MiB) is not even read: the whole
    /// file is refused.
    public static let maxFileCellBytes = 1 << 20

    public static func read(path: String, columns: ColumnMap, sheet: String? = nil) throws -> ContingentList {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ContingentError(file: path, line: nil, "cannot read the file")
        }
        let rows: [TableRow]
        let xlsx = data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || path.lowercased().hasSuffix(".xlsx")
        do {
            if xlsx {
                rows = try XLSXWorkbook(data: data, maxCellBytes: maxFileCellBytes).rows(sheet: sheet)
            } else {
                if sheet != nil { throw ContingentError(file: path, line: nil, "--sheet applies to .xlsx files only") }
                rows = try CSVReader.read(data, maxFieldBytes: maxFileCellBytes).rows
            }
        } catch let e as ContingentError {
            throw e
        } catch let e as FormatError where !xlsx && e.line != nil && e.column != nil {
            // A CSV error in one field: FILE:LINE:COLUMN, the column counted from 1.
            throw ContingentError(file: path, line: e.line, column: String(e.column! + 1), e.message)
        } catch {
            throw ContingentError(file: path, line: nil, "\(error)")
        }
        let list = interpret(rows, file: path, columns: columns, letters: xlsx)
        if list.rows.isEmpty && list.errors.isEmpty {
            // A truncated export (title, header, «Итого») must not read as "nobody is left".
            throw ContingentError(file: path, line: nil, "no data rows under the header (line \(list.headerLine)); nothing was imported")
        }
        return list
    }

    /// Finds the header, then normalises each row below it.
    ///
    /// - Parameter letters: name columns by letter (.xlsx) rather than by number from 1 (CSV).
    public static func interpret(_ rows: [TableRow], file: String, columns: ColumnMap, letters: Bool = false) -> ContingentList {
        var list = ContingentList()
        func label(_ j: Int) -> String { letters ? columnLetter(j) : String(j + 1) }
        // U+0000 anywhere: refused (C strings and some portals would cut the text there).
        for row in rows {
            for (j, cell) in row.cells.enumerated() where text(cell).utf8.contains(0) {
                list.errors.append("\(file):\(row.line):\(label(j)): the cell holds U+0000 (a zero character), which no text in a list has: the file is damaged")
            }
        }
        guard list.errors.isEmpty else { return list }
        guard let (headerIndex, exactMap) = findHeader(rows, columns) else {
            list.errors.append("\(file): no header row found: a list needs columns for the student's name (ФИО, or Фамилия and Имя) and «Класс»; headers are matched through mappings/contingent/columns.tsv")
            return list
        }
        let header = rows[headerIndex]
        list.headerLine = header.line
        var map = exactMap
        list.warnings += resolveHeader(header, &map, columns, label: label)
        for (f, j) in map { list.columns[f] = (text(header.cells[j]), label(j)) }
        for row in rows[..<headerIndex] {
            for cell in row.cells {
                if case .text(let t) = cell, t.utf8.count <= maxCellBytes, let d = dateIn(t) { list.titleDate = d }
            }
        }
        func headerName(_ f: ContingentField) -> String { map[f].map { text(header.cells[$0]) } ?? f.rawValue }
        var fileLines: [String: Int] = [:]
        var snilsLines: [String: (line: Int, file: String?)] = [:]
        for row in rows[(headerIndex + 1)...] {
            let values = map.mapValues { $0 < row.cells.count ? row.cells[$0] : .empty }
            let meaningful = values.filter { $0.key != .rowNumber && !text($0.value).isEmpty }
            if meaningful.isEmpty { continue }
            if let first = row.cells.lazy.map(text).first(where: { !$0.isEmpty }).map({ $0.prefix(10).lowercased() }),
               first.hasPrefix("итого") || first.hasPrefix("всего") { continue }
            var errs: [String] = []
            func fail(_ f: ContingentField, _ m: String) {
                errs.append("\(file):\(row.line): column «\(headerName(f))»: \(m)")
            }
            func warn(_ f: ContingentField, _ m: String) {
                list.warnings.append(ContingentWarning(line: row.line, column: map[f].map(label), "column «\(headerName(f))»: \(m)"))
            }
            func oversized(_ f: ContingentField) -> Int? {
                let n = values[f].map { text($0).utf8.count } ?? 0
                return n > maxCellBytes ? n : nil
            }
            // A cell past the limit is not read at all: an error, except for guardians (below).
            for f in values.keys.sorted(by: { map[$0]! < map[$1]! }) where f != .guardians && f != .phone && f != .rowNumber {
                if let n = oversized(f) { fail(f, "the cell holds \(n) bytes, more than the \(maxCellBytes) a cell of a list may hold") }
            }
            guard errs.isEmpty else { list.errors += errs; continue }
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
                    if !Snils.checksumValid(d) { warn(.snils, "the СНИЛС checksum is wrong (kept as given; please check the number)") }
                } else {
                    warn(.snils, "«\(rawSnils)» is not an 11-digit СНИЛС (left empty)")
                }
            }

            var gender: String?
            let g = value(.gender).lowercased()
            if !g.isEmpty {
                if g.hasPrefix("м") || g == "m" { gender = "М" } else if g.hasPrefix("ж") || g == "f" || g == "w" { gender = "Ж" }
                else { warn(.gender, "«\(g)» is not М or Ж (left empty)") }
            }

            var guardians: [GuardianEntry]?
            if map[.guardians] != nil {
                // Unreadable is not empty: a cell that cannot be read leaves the guardians as they are.
                let kept = "guardians kept as they were; nothing from this cell was imported"
                if let n = oversized(.guardians) ?? oversized(.phone) {
                    warn(oversized(.guardians) != nil ? .guardians : .phone,
                         "the cell holds \(n) bytes, more than the \(maxCellBytes) a cell of a list may hold: not read; \(kept)")
                } else {
                    // Raw text: a line break inside the cell separates guardians too.
                    let raw = values[.guardians].map(text) ?? ""
                    let cell = parseGuardianCell(raw, phones: value(.phone))
                    if !cell.dropped.isEmpty {
                        warn(.guardians, "\(cell.dropped.map { "«\($0)»" }.joined(separator: ", ")) cannot be read as a guardian's surname and first name; \(kept)")
                    } else if cell.entries.isEmpty && !clean(raw).isEmpty {
                        warn(.guardians, "no guardian's name in the cell; \(kept)")
                    } else if !cell.entries.isEmpty {
                        // An empty cell erases nothing, as everywhere else.
                        guardians = cell.entries
                        for p in cell.problems { warn(.guardians, p) }
                    }
                }
            } else if map[.phone] != nil && !value(.phone).isEmpty {
                warn(.phone, "a phone without a guardians column is not imported")
            }

            let fileNumber = value(.fileNumber)
            if !fileNumber.isEmpty {
                // A personal-file number used twice in one file: name both lines.
                if let first = fileLines[fileNumber] {
                    errs.append("\(file):\(row.line): column «\(headerName(.fileNumber))»: personal file \(fileNumber) is used twice (lines \(first) and \(row.line))")
                } else { fileLines[fileNumber] = row.line }
            }
            if let snils {
                // One СНИЛС on two pupils: name both by personal file and line, never the number.
                if let first = snilsLines[snils] {
                    let this = fileNumber.isEmpty ? "the pupil on this line" : "personal file \(fileNumber)"
                    let other = first.file.map { "personal file \($0)" } ?? "the pupil"
                    warn(.snils, "\(this) has the same СНИЛС as \(other) on line \(first.line); one of them is wrong, please check both")
                } else { snilsLines[snils] = (row.line, fileNumber.isEmpty ? nil : fileNumber) }
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
            for (j, cell) in row.cells.enumerated() where text(cell).utf8.count <= maxHeaderBytes {
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
