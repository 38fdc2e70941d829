import Foundation

/// Reads the cells of one worksheet part into rows.
///
/// Cells are placed by their `r` reference (`E7`); a cell without one takes the column after
/// the previous cell, a row without `r` the number after the previous row. Cell types:
/// `s` shared string, `inlineStr` (`<is><t>`), `str` formula text, `b` boolean (text `1`/`0`),
/// `e` error (text such as `#N/A`), `d` ISO date, and numbers (`n` or no type), which become
/// `.date` when their style is a date format and the serial is a real day, else `.number`.
/// Formulas are ignored; their cached values are read. Rows with no non-empty cell are dropped.
final class XLSXSheetParser: XMLPartParser {
    private let sheetName: String
    private let sharedStrings: [String]
    private let styles: XLSXStyles
    private let date1904: Bool
    private let maxCellBytes: Int

    private(set) var rows: [TableRow] = []
    private var rowNumber = 0
    private var inRow = false
    private var rowNumberGiven = false
    private var firstCellInRow = false
    private var cells: [Cell] = []
    private var nextColumn = 0

    private var inCell = false
    private var column = 0
    private var type = "n"
    private var style = 0
    private var value = ""
    private var inlineText = ""
    private var collectingValue = false
    private var inInline = false
    private var collectingInline = false
    private var phoneticDepth = 0

    init(part: String, sheetName: String, sharedStrings: [String], styles: XLSXStyles, date1904: Bool, maxCellBytes: Int = .max) {
        self.maxCellBytes = maxCellBytes
        self.sheetName = sheetName
        self.sharedStrings = sharedStrings
        self.styles = styles
        self.date1904 = date1904
        super.init(part: part)
    }

    override func start(_ name: String, _ attributes: [String: String]) {
        switch name {
        case "row":
            if let text = attributes["r"] {
                guard let number = Int(text), number >= 1, number <= maxRows else {
                    return fail(contentError("the row number «\(text)» is not valid", row: nil, column: nil))
                }
                rowNumber = number
                rowNumberGiven = true
            } else {
                rowNumber += 1
                rowNumberGiven = false
            }
            firstCellInRow = true
            inRow = true
            cells = []
            nextColumn = 0
        case "c" where inRow:
            inCell = true
            column = nextColumn
            if let reference = attributes["r"] {
                guard let (referenceColumn, referenceRow) = XLSXSheetParser.parseReference(reference) else {
                    return fail(contentError("the cell reference «\(reference)» is not valid", row: rowNumber, column: nil))
                }
                column = referenceColumn
                if !rowNumberGiven && firstCellInRow { rowNumber = referenceRow }
            }
            firstCellInRow = false
            guard column < maxColumns else {
                return fail(contentError("the cell is past column XFD", row: rowNumber, column: nil))
            }
            type = attributes["t"] ?? "n"
            style = attributes["s"].flatMap { Int($0) } ?? 0
            value = ""
            inlineText = ""
        case "v" where inCell:
            collectingValue = true
        case "is" where inCell:
            inInline = true
        case "rPh" where inInline:
            phoneticDepth += 1
        case "t" where inInline:
            collectingInline = phoneticDepth == 0
        default:
            break
        }
    }

    override func end(_ name: String) {
        switch name {
        case "v":
            collectingValue = false
        case "t":
            collectingInline = false
        case "rPh" where inInline:
            phoneticDepth -= 1
        case "is":
            inInline = false
        case "c" where inCell:
            inCell = false
            nextColumn = column + 1
            guard let cell = makeCell() else { return }
            if cell.isEmpty { return }
            if cells.count <= column { cells.append(contentsOf: repeatElement(.empty, count: column + 1 - cells.count)) }
            cells[column] = cell
        case "row":
            inRow = false
            while let last = cells.last, last.isEmpty { cells.removeLast() }
            if !cells.isEmpty { rows.append(TableRow(line: rowNumber, cells: cells)) }
        case "sheetData":
            if zip(rows, rows.dropFirst()).contains(where: { $0.line > $1.line }) {
                rows.sort { $0.line < $1.line }
            }
        default:
            break
        }
    }

    override func text(_ string: String) {
        if collectingValue {
            value += string
        } else if collectingInline {
            inlineText += string
        } else {
            return
        }
        if value.utf8.count > maxCellBytes || inlineText.utf8.count > maxCellBytes {
            fail(FormatError(.cellTooLong, "the cell holds more than \(maxCellBytes) bytes, far more than any cell of a table needs",
                             line: rowNumber, column: column, part: "sheet «\(sheetName)»"))
        }
    }

    /// The cell just closed, or `nil` after reporting an error.
    private func makeCell() -> Cell? {
        switch type {
        case "s":
            let trimmed = value.trimmingASCIIWhitespace()
            if trimmed.isEmpty { return .empty }
            guard let index = Int(trimmed), index >= 0, index < sharedStrings.count else {
                fail(contentError("shared string «\(value)» does not exist (the workbook has \(sharedStrings.count))",
                                  row: rowNumber, column: column))
                return nil
            }
            return textCell(sharedStrings[index])
        case "inlineStr":
            return textCell(decodeOOXMLEscapes(inlineText.isEmpty ? value : inlineText))
        case "str", "e":
            return textCell(decodeOOXMLEscapes(value))
        case "b":
            return textCell(String(value.trimmingASCIIWhitespace()))
        case "d":
            let text = value.trimmingASCIIWhitespace()
            if let date = CivilDate(iso: String(text.prefix(10))) { return .date(date) }
            return textCell(String(text))
        default:
            let text = value.trimmingASCIIWhitespace()
            if text.isEmpty { return .empty }
            guard let number = Double(text), number.isFinite else {
                fail(contentError("the number cell holds «\(value)», which is not a number",
                                  row: rowNumber, column: column))
                return nil
            }
            if styles.isDate(style: style), number >= 0, number < 3_000_000,
               let date = CivilDate(excelSerial: Int(number.rounded(.down)), date1904: date1904), date.year <= 9999 {
                return .date(date)
            }
            return .number(number)
        }
    }

    private func textCell(_ text: String) -> Cell {
        text.isEmpty ? .empty : .text(text)
    }

    private func contentError(_ message: String, row: Int?, column: Int?) -> FormatError {
        FormatError(.invalidContent, message, line: row, column: column, part: "sheet «\(sheetName)»")
    }

    /// Splits `E7` into column 4 and row 7; `nil` unless it is letters then a valid row number.
    static func parseReference(_ reference: String) -> (column: Int, row: Int)? {
        let bytes = Array(reference.utf8)
        guard let firstDigit = bytes.firstIndex(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let column = columnIndex(letters: bytes[..<firstDigit]),
              let row = decimal(bytes[firstDigit...]), row >= 1, row <= maxRows else { return nil }
        return (column, row)
    }
}
