/// One cell as read from a file.
///
/// CSV files only produce `.empty` and `.text`: interpreting text as numbers or dates is
/// the caller's job (see `CivilDate(russian:)`). Excel files also produce
/// `.number` and `.date` (a number cell whose number format is a date format).
/// Empty strings are always reported as `.empty`; other text is kept as is, untrimmed.
public enum Cell: Sendable, Equatable {
    case empty
    case text(String)
    case number(Double)
    case date(CivilDate)

    /// True for `.empty`.
    public var isEmpty: Bool {
        if case .empty = self { return true }
        return false
    }

    /// The text of a `.text` cell, `nil` for every other kind.
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }
}

extension Cell: CustomStringConvertible {
    /// A short form for messages: text as is, numbers without a needless `.0`, dates as `dd.mm.yyyy`.
    public var description: String {
        switch self {
        case .empty: return ""
        case .text(let value): return value
        case .number(let value): return formatNumber(value)
        case .date(let date): return date.russian
        }
    }
}

/// One row of a table, with its position in the file for error messages.
///
/// Rows with no non-empty cell are never returned, and trailing empty cells are dropped, so
/// use ``subscript(_:)`` (which answers `.empty` past the end) rather than indexing `cells`
/// when a column may be absent.
public struct TableRow: Sendable, Equatable {
    /// CSV: the 1-based physical line where the record starts. XLSX: the row number (`r=`).
    public let line: Int
    /// The cells by column, 0-based (column A is index 0).
    public let cells: [Cell]

    public init(line: Int, cells: [Cell]) {
        self.line = line
        self.cells = cells
    }

    /// The cell in `column` (0-based), `.empty` past the end of the row.
    public subscript(_ column: Int) -> Cell {
        column >= 0 && column < cells.count ? cells[column] : .empty
    }
}

/// The spreadsheet letter of a 0-based column index: 0 → "A", 25 → "Z", 26 → "AA".
///
/// Negative indexes give an empty string.
public func columnLetter(_ index: Int) -> String {
    guard index >= 0 else { return "" }
    var letters: [UInt8] = []
    var rest = index + 1
    while rest > 0 {
        let remainder = (rest - 1) % 26
        letters.append(UInt8(ascii: "A") + UInt8(remainder))
        rest = (rest - 1) / 26
    }
    return String(decoding: letters.reversed(), as: UTF8.self)
}

/// The 0-based column index of spreadsheet letters ("A" → 0, "AA" → 26), case-insensitive.
///
/// Returns `nil` for an empty string, a non-letter, or a column past "XFD" (Excel's last).
func columnIndex<S: Sequence<UInt8>>(letters: S) -> Int? {
    var value = 0
    var count = 0
    for byte in letters {
        let upper = byte & 0xDF
        guard upper >= UInt8(ascii: "A") && upper <= UInt8(ascii: "Z") else { return nil }
        value = value * 26 + Int(upper - UInt8(ascii: "A")) + 1
        count += 1
        if count > 3 { return nil }
    }
    guard count > 0, value <= maxColumns else { return nil }
    return value - 1
}

/// Excel's limits, also used to refuse absurd cell references.
let maxColumns = 16_384
let maxRows = 1_048_576

/// A number without a needless fraction: 5 → "5", 2.5 → "2.5".
func formatNumber(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
        return String(Int64(value))
    }
    return String(value)
}
