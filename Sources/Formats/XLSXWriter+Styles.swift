import Foundation

/// How a styled row looks (reports: title lines, a bold boxed header, boxed body, bold totals).
/// Rows added with ``XLSXWriter/addRow(_:)`` stay unstyled, exactly as before.
public enum WriterRowStyle: Sendable, Equatable {
    /// A heading line above the table: bold, no border.
    case title
    /// Plain text below the table (definitions, signatures): no border.
    case note
    /// The table's header: bold, boxed, grey, wrapped, centred.
    case header
    /// A table row: boxed; numbers in `decimalColumns` shown with one decimal.
    case body(decimalColumns: Set<Int> = [])
    /// A totals row: bold and boxed.
    case total(decimalColumns: Set<Int> = [])

    /// The `cellXfs` index for a cell of this row (``XLSXTemplates/reportStyles``).
    func styleIndex(for cell: WriterCell, column: Int) -> Int {
        switch self {
        case .title: return 2
        case .note: return 0
        case .header: return 3
        case .body(let d): return Self.boxed(cell, decimal: d.contains(column), base: 4)
        case .total(let d): return Self.boxed(cell, decimal: d.contains(column), base: 8)
        }
    }

    private static func boxed(_ cell: WriterCell, decimal: Bool, base: Int) -> Int {
        switch cell {
        case .number: return base + (decimal ? 2 : 1)
        case .date: return base + 3
        default: return base
        }
    }
}

/// A sheet's page and view: column widths (characters), rows frozen at the top (and repeated
/// on every printed page), A4 landscape fitted to the page's width, a print area.
public struct XLSXSheetLayout: Sendable, Equatable {
    public var columnWidths: [Double]
    /// Rows 1…`frozenRows` stay in view when scrolling (the header's last row is `frozenRows`).
    public var frozenRows: Int
    /// The header row repeated at the top of every printed page (1-based), if any.
    public var repeatRow: Int?
    public var landscape: Bool
    public init(columnWidths: [Double], frozenRows: Int = 0, repeatRow: Int? = nil, landscape: Bool = true) {
        self.columnWidths = columnWidths; self.frozenRows = frozenRows; self.repeatRow = repeatRow; self.landscape = landscape
    }
}

extension XLSXWriter {
    /// Adds a styled row at the bottom of the current sheet.
    /// `height` in points (nil: the reader's default) — for text wrapped over several lines.
    public mutating func addRow(_ cells: [WriterCell], style: WriterRowStyle, height: Double? = nil) {
        sheets[sheets.count - 1].rows.append(cells)
        sheets[sheets.count - 1].rowStyles.append(style)
        if let height { sheets[sheets.count - 1].rowHeights[sheets[sheets.count - 1].rows.count - 1] = height }
    }

    /// Sets the current sheet's layout (widths, frozen header, print setup).
    public mutating func setLayout(_ layout: XLSXSheetLayout) {
        sheets[sheets.count - 1].layout = layout
    }

    /// `sheetPr`, `sheetViews` and `cols`: what comes before `sheetData`.
    func layoutHead(_ l: XLSXSheetLayout, _ sheet: Sheet) -> String {
        var x = "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>"
        x += "<sheetViews><sheetView workbookViewId=\"0\">"
        if l.frozenRows > 0 {
            x += "<pane ySplit=\"\(l.frozenRows)\" topLeftCell=\"A\(l.frozenRows + 1)\" activePane=\"bottomLeft\" state=\"frozen\"/>"
            x += "<selection pane=\"bottomLeft\" activeCell=\"A\(l.frozenRows + 1)\" sqref=\"A\(l.frozenRows + 1)\"/>"
        }
        x += "</sheetView></sheetViews>"
        if !l.columnWidths.isEmpty {
            x += "<cols>" + l.columnWidths.enumerated().map { i, w in
                "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(formatNumber(w))\" customWidth=\"1\"/>"
            }.joined() + "</cols>"
        }
        return x
    }

    /// Margins and A4 page setup: what comes after `sheetData`.
    func layoutTail(_ l: XLSXSheetLayout) -> String {
        "<printOptions gridLines=\"0\"/>"
            + "<pageMargins left=\"0.4\" right=\"0.4\" top=\"0.5\" bottom=\"0.5\" header=\"0.3\" footer=\"0.3\"/>"
            + "<pageSetup paperSize=\"9\" orientation=\"\(l.landscape ? "landscape" : "portrait")\" fitToWidth=\"1\" fitToHeight=\"0\"/>"
    }

    /// The print areas and repeated header rows of the sheets that have a layout.
    func definedNames() -> String {
        var names: [String] = []
        for (i, s) in sheets.enumerated() {
            guard let l = s.layout else { continue }
            let quoted = "'" + s.name.replacingOccurrences(of: "'", with: "''") + "'"
            let width = max(l.columnWidths.count, s.rows.map(\.count).max() ?? 1)
            names.append("<definedName name=\"_xlnm.Print_Area\" localSheetId=\"\(i)\">\(escapeXML(quoted))!$A$1:$\(columnLetter(max(0, width - 1)))$\(max(1, s.rows.count))</definedName>")
            if let r = l.repeatRow {
                names.append("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"\(i)\">\(escapeXML(quoted))!$\(r):$\(r)</definedName>")
            }
        }
        return names.isEmpty ? "" : "<definedNames>" + names.joined() + "</definedNames>"
    }
}

extension XLSXTemplates {
    /// ``styles`` (indexes 0 and 1 unchanged) plus the report styles: 2 title, 3 header,
    /// 4–7 boxed text/number/one-decimal/date, 8–11 the same bold (totals).
    static let reportStyles = header
        + "<styleSheet xmlns=\"\(mainNamespace)\">"
        + "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"dd\\.mm\\.yyyy\"/><numFmt numFmtId=\"165\" formatCode=\"0.0\"/></numFmts>"
        + "<fonts count=\"3\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        + "<font><b/><sz val=\"12\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        + "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>"
        + "<fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill>"
        + "<fill><patternFill patternType=\"gray125\"/></fill>"
        + "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFE7E6E6\"/><bgColor indexed=\"64\"/></patternFill></fill></fills>"
        + "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>"
        + "<border><left style=\"thin\"><color auto=\"1\"/></left><right style=\"thin\"><color auto=\"1\"/></right>"
        + "<top style=\"thin\"><color auto=\"1\"/></top><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border></borders>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        + "<cellXfs count=\"12\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
        + "<xf numFmtId=\"0\" fontId=\"2\" fillId=\"2\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\" applyBorder=\"1\" applyAlignment=\"1\">"
        + "<alignment horizontal=\"center\" vertical=\"center\" wrapText=\"1\"/></xf>"
        + boxed(font: 0) + boxed(font: 2)
        + "</cellXfs>"
        + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        + "</styleSheet>"

    /// Text, number, one-decimal number and date, boxed, in font `font`.
    private static func boxed(font: Int) -> String {
        // Text wraps within its column (a long finding stays readable on paper); numbers do not.
        [0, 1, 165, 164].map { fmt in
            "<xf numFmtId=\"\(fmt)\" fontId=\"\(font)\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" applyBorder=\"1\""
                + (fmt == 0 ? " applyAlignment=\"1\"><alignment vertical=\"top\" wrapText=\"1\"/></xf>" : " applyNumberFormat=\"1\"/>")
        }.joined()
    }
}
