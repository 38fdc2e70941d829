import Foundation

/// A value for ``XLSXWriter``.
public enum WriterCell: Sendable, Equatable {
    case empty
    case text(String)
    case number(Double)
    /// Written as a serial day number styled `dd.mm.yyyy`.
    case date(CivilDate)
}

/// Writes a minimal Excel workbook (.xlsx): one or more sheets of text, numbers and dates.
///
/// For tests, samples and data generators. Output opens in Excel and LibreOffice: content
/// types, relationships, a workbook, styles (a `dd.mm.yyyy` date format as custom numFmt 164),
/// shared strings, and one worksheet per sheet, each deflated with its CRC-32. Rows are numbered
/// from 1 in the order added; an empty row (or one of only `.empty`) is written as no row at
/// all, and `.empty` cells are not written, so readers see gaps in `r=` references.
public struct XLSXWriter: Sendable {
    struct Sheet: Sendable {
        var name: String
        var rows: [[WriterCell]] = []
        /// Per row, its style (nil: unstyled, as before styles existed) — XLSXWriter+Styles.swift.
        var rowStyles: [WriterRowStyle?] = []
        var layout: XLSXSheetLayout?
        /// Row heights in points, by row index (styled rows only).
        var rowHeights: [Int: Double] = [:]
    }

    var sheets: [Sheet]

    /// A workbook with one sheet, ready for rows.
    public init(sheetName: String = "Лист1") {
        sheets = [Sheet(name: sheetName)]
    }

    /// Starts another sheet; the rows added next go to it.
    public mutating func addSheet(_ name: String) {
        sheets.append(Sheet(name: name))
    }

    /// Adds a row at the bottom of the current (last) sheet.
    public mutating func addRow(_ cells: [WriterCell]) {
        sheets[sheets.count - 1].rows.append(cells)
        sheets[sheets.count - 1].rowStyles.append(nil)
    }

    /// The .xlsx file.
    ///
    /// - Throws: ``FormatError`` `.invalidWriterInput` for a sheet name Excel refuses (empty,
    ///   over 31 characters, one of `[]:*?/\`, a duplicate ignoring case), a non-finite number,
    ///   or a date before 01.01.1900.
    public func data() throws -> Data {
        try validateSheetNames()
        var strings = SharedStringTable()
        var sheetXML: [Data] = []
        for sheet in sheets {
            sheetXML.append(try worksheet(sheet, strings: &strings))
        }
        var zip = ZipWriter()
        try zip.add("[Content_Types].xml", Data(contentTypes().utf8))
        try zip.add("_rels/.rels", Data(XLSXTemplates.rootRelationships.utf8))
        try zip.add("xl/workbook.xml", Data(workbook().utf8))
        try zip.add("xl/_rels/workbook.xml.rels", Data(workbookRelationships().utf8))
        try zip.add("xl/styles.xml", Data((sheets.contains { $0.layout != nil || $0.rowStyles.contains { $0 != nil } } ? XLSXTemplates.reportStyles : XLSXTemplates.styles).utf8))
        try zip.add("xl/sharedStrings.xml", Data(strings.xml().utf8))
        for (index, xml) in sheetXML.enumerated() {
            try zip.add("xl/worksheets/sheet\(index + 1).xml", xml)
        }
        return zip.finish()
    }

    private func validateSheetNames() throws {
        var seen: Set<String> = []
        for sheet in sheets {
            let name = sheet.name
            guard !name.isEmpty, name.count <= 31, !name.contains(where: { "[]:*?/\\".contains($0) }),
                  !name.hasPrefix("'"), !name.hasSuffix("'") else {
                throw FormatError(.invalidWriterInput, "«\(name)» cannot be a sheet name: 1 to 31 characters, "
                                    + "none of [ ] : * ? / \\, not starting or ending with an apostrophe")
            }
            guard seen.insert(name.lowercased()).inserted else {
                throw FormatError(.invalidWriterInput, "two sheets are named «\(name)»")
            }
        }
    }

    private func worksheet(_ sheet: Sheet, strings: inout SharedStringTable) throws -> Data {
        var xml = XLSXTemplates.header
            + "<worksheet xmlns=\"\(XLSXTemplates.mainNamespace)\" xmlns:r=\"\(XLSXTemplates.relationshipNamespace)\">"
            + (sheet.layout.map { layoutHead($0, sheet) } ?? "")
            + "<sheetData>"
        for (rowIndex, row) in sheet.rows.enumerated() where row.contains(where: { $0 != .empty }) || sheet.rowStyles[rowIndex] != nil {
            let rowNumber = rowIndex + 1
            let style = sheet.rowStyles[rowIndex]
            // A header row is tall enough for names wrapped over three lines.
            let height = style == .header ? 45 : sheet.rowHeights[rowIndex]
            xml += height.map { "<row r=\"\(rowNumber)\" ht=\"\(formatNumber($0))\" customHeight=\"1\">" } ?? "<row r=\"\(rowNumber)\">"
            for (column, cell) in row.enumerated() {
                let reference = "\(columnLetter(column))\(rowNumber)"
                let s = style.map { " s=\"\($0.styleIndex(for: cell, column: column))\"" } ?? ""
                switch cell {
                case .empty:
                    if !s.isEmpty { xml += "<c r=\"\(reference)\"\(s)/>" }
                    continue
                case .text(let text):
                    xml += "<c r=\"\(reference)\"\(s) t=\"s\"><v>\(strings.index(of: text))</v></c>"
                case .number(let number):
                    guard number.isFinite else {
                        throw FormatError(.invalidWriterInput, "\(number) cannot be written to a spreadsheet",
                                          line: rowNumber, column: column, part: "sheet «\(sheet.name)»")
                    }
                    xml += "<c r=\"\(reference)\"\(s)><v>\(formatNumber(number))</v></c>"
                case .date(let date):
                    let serial = excelSerial(of: date)
                    guard serial >= 1 else {
                        throw FormatError(.invalidWriterInput, "\(date.russian) is before 01.01.1900, the first day Excel knows",
                                          line: rowNumber, column: column, part: "sheet «\(sheet.name)»")
                    }
                    xml += "<c r=\"\(reference)\"\(s.isEmpty ? " s=\"1\"" : s)><v>\(serial)</v></c>"
                }
            }
            xml += "</row>"
        }
        xml += "</sheetData>" + (sheet.layout.map { layoutTail($0) } ?? "") + "</worksheet>"
        return Data(xml.utf8)
    }

    private func contentTypes() -> String {
        let sheetOverrides = sheets.indices.map {
            "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"\(XLSXTemplates.worksheetType)\"/>"
        }.joined()
        return XLSXTemplates.header
            + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"\(XLSXTemplates.spreadsheetML).sheet.main+xml\"/>"
            + sheetOverrides
            + "<Override PartName=\"/xl/styles.xml\" ContentType=\"\(XLSXTemplates.spreadsheetML).styles+xml\"/>"
            + "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"\(XLSXTemplates.spreadsheetML).sharedStrings+xml\"/>"
            + "</Types>"
    }

    private func workbook() -> String {
        let sheetElements = sheets.enumerated().map { index, sheet in
            "<sheet name=\"\(escapeXML(sheet.name))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }.joined()
        return XLSXTemplates.header
            + "<workbook xmlns=\"\(XLSXTemplates.mainNamespace)\" xmlns:r=\"\(XLSXTemplates.relationshipNamespace)\">"
            + "<bookViews><workbookView activeTab=\"0\"/></bookViews>"
            + "<sheets>\(sheetElements)</sheets>" + definedNames() + "</workbook>"
    }

    private func workbookRelationships() -> String {
        let base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        var links = sheets.indices.map {
            "<Relationship Id=\"rId\($0 + 1)\" Type=\"\(base)/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>"
        }
        links.append("<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"\(base)/styles\" Target=\"styles.xml\"/>")
        links.append("<Relationship Id=\"rId\(sheets.count + 2)\" Type=\"\(base)/sharedStrings\" Target=\"sharedStrings.xml\"/>")
        return XLSXTemplates.header
            + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + links.joined() + "</Relationships>"
    }
}

/// Shared strings in order of first use.
private struct SharedStringTable {
    private var indexes: [String: Int] = [:]
    private var strings: [String] = []
    private var uses = 0

    mutating func index(of text: String) -> Int {
        uses += 1
        if let index = indexes[text] { return index }
        indexes[text] = strings.count
        strings.append(text)
        return strings.count - 1
    }

    func xml() -> String {
        var xml = XLSXTemplates.header
            + "<sst xmlns=\"\(XLSXTemplates.mainNamespace)\" count=\"\(uses)\" uniqueCount=\"\(strings.count)\">"
        for text in strings {
            let escaped = escapeXML(encodeOOXMLEscapes(text))
            let preserve = text.first?.isWhitespace == true || text.last?.isWhitespace == true || text.contains("\n")
            xml += preserve ? "<si><t xml:space=\"preserve\">\(escaped)</t></si>" : "<si><t>\(escaped)</t></si>"
        }
        return xml + "</sst>"
    }
}

/// Escapes text for XML content and attribute values (CR as `&#13;` so it survives parsing).
func escapeXML(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "\r": result += "&#13;"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}

/// The fixed parts of a workbook.
enum XLSXTemplates {
    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let spreadsheetML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    static let worksheetType = "\(spreadsheetML).worksheet+xml"

    static let rootRelationships = header
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(relationshipNamespace)/officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "</Relationships>"

    /// Style 0 is the default; style 1 shows dates as `dd.mm.yyyy` (custom numFmt 164).
    static let styles = header
        + "<styleSheet xmlns=\"\(mainNamespace)\">"
        + "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"dd\\.mm\\.yyyy\"/></numFmts>"
        + "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>"
        + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
        + "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
        + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        + "<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>"
        + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        + "</styleSheet>"
}
