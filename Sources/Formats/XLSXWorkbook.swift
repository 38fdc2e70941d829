import Foundation

/// An Excel workbook (.xlsx) read from memory.
///
/// The initializer checks the ZIP, decompresses every part it needs (workbook, relationships,
/// shared strings, styles, and all worksheets) within ``ZipLimits``, and reads everything but
/// the cells; ``rows(sheet:)`` parses one worksheet's cells. Parts are found as Excel finds
/// them, through `_rels/.rels` and the workbook's relationships, with the usual paths as a
/// fallback. Numbers with a date format become ``Cell/date(_:)``, in the 1900 date system or,
/// when `workbookPr date1904` says so, the 1904 one.
public struct XLSXWorkbook: Sendable {
    private struct Sheet: Sendable {
        let name: String
        let part: String?
        /// The decompressed XML, `nil` for a chart sheet or a dialog sheet.
        let xml: Data?
    }

    /// The sheet names, in workbook order.
    public let sheetNames: [String]
    /// True when the workbook uses the 1904 date system (old Mac Excel).
    public let usesDate1904: Bool
    private let sheets: [Sheet]
    private let sharedStrings: [String]
    private let styles: XLSXStyles
    private let maxCellBytes: Int

    /// Reads a workbook.
    ///
    /// - Parameters:
    ///   - data: The bytes of the .xlsx file.
    ///   - limits: Bounds on decompression (ZIP bombs are refused).
    ///   - maxCellBytes: The most bytes (UTF-8) a shared string or a cell's text may hold; a
    ///     longer one is refused with `.cellTooLong` (here for shared strings, in ``rows(sheet:)``
    ///     for cells) as soon as it passes the limit.
    /// - Throws: ``FormatError``: `.notZip` (a CSV or an old .xls renamed, random bytes),
    ///   `.corruptZip`, `.unsupportedZip`, `.zipLimit`, `.missingPart`, `.malformedXML`, `.cellTooLong`.
    public init(data: Data, limits: ZipLimits = .default, maxCellBytes: Int = .max) throws {
        self.maxCellBytes = maxCellBytes
        let zip = try ZipArchive(data: data, limits: limits)
        var extracted = 0
        func part(_ path: String) throws -> Data? {
            guard let entry = zip.entry(named: path) else { return nil }
            return try zip.extract(entry, extracted: &extracted)
        }
        func relationships(of owner: String) throws -> [Relationship] {
            let path = PartPath.relationships(of: owner)
            return try part(path).map { try RelationshipsParser.parse($0, part: path) } ?? []
        }

        let rootTarget = try relationships(of: "").first { $0.type.hasSuffix("/officeDocument") && !$0.external }
        let workbookPath = rootTarget.map { PartPath.resolve($0.target, from: "") }
            .flatMap { zip.entry(named: $0) != nil ? $0 : nil } ?? "xl/workbook.xml"
        guard let workbookXML = try part(workbookPath) else {
            throw FormatError(.missingPart, "the file is a ZIP archive but not an Excel workbook (it has no xl/workbook.xml)")
        }
        let workbook = try WorkbookParser.parse(workbookXML, part: workbookPath)
        let links = try relationships(of: workbookPath).filter { !$0.external }
        func target(ofType suffix: String, fallback: String) -> String {
            links.first { $0.type.hasSuffix(suffix) }.map { PartPath.resolve($0.target, from: workbookPath) } ?? fallback
        }

        let stringsPath = target(ofType: "/sharedStrings", fallback: "xl/sharedStrings.xml")
        sharedStrings = try part(stringsPath).map { try SharedStringsParser.parse($0, part: stringsPath, maxBytes: maxCellBytes) } ?? []
        let stylesPath = target(ofType: "/styles", fallback: "xl/styles.xml")
        styles = try part(stylesPath).map { try XLSXStyles.parse($0, part: stylesPath) } ?? .empty

        var sheets: [Sheet] = []
        for (position, listed) in workbook.sheets.enumerated() {
            let link = listed.relationshipID.flatMap { id in links.first { $0.id == id } }
            let path = link.map { PartPath.resolve($0.target, from: workbookPath) }
                ?? (listed.relationshipID == nil ? "xl/worksheets/sheet\(position + 1).xml" : nil)
            guard let path else {
                throw FormatError(.missingPart, "sheet «\(listed.name)» points to relationship «\(listed.relationshipID ?? "")», "
                                    + "which \(PartPath.relationships(of: workbookPath)) does not have")
            }
            if let link, !link.type.hasSuffix("/worksheet") {
                sheets.append(Sheet(name: listed.name, part: path, xml: nil))
                continue
            }
            guard let xml = try part(path) else {
                throw FormatError(.missingPart, "sheet «\(listed.name)» is missing: the workbook has no \(path)")
            }
            sheets.append(Sheet(name: listed.name, part: path, xml: xml))
        }
        self.sheets = sheets
        self.sheetNames = sheets.map(\.name)
        self.usesDate1904 = workbook.date1904
    }

    /// The non-empty rows of a worksheet, each with its row number.
    ///
    /// Cells are placed by their `r` reference (`E7`), so missing cells are `.empty` and
    /// missing rows are absent. Cell types: shared (`s`) and inline (`inlineStr`) strings and
    /// formula text (`str`) become `.text` (rich text runs joined, spaces kept, `_x000D_`
    /// decoded); booleans (`b`) become `.text("1")` / `.text("0")`; errors (`e`) their text
    /// (`#N/A`); ISO dates (`d`) `.date`; numbers `.date` when their style is a date format
    /// and the serial is a real day (not Lotus's serial 60), else `.number`. Formulas are not
    /// evaluated: their cached values are read.
    ///
    /// - Parameter name: The sheet's name (exact, else ignoring case), or `nil` for the first
    ///   worksheet.
    /// - Throws: ``FormatError`` `.unknownSheet` listing the sheet names, `.malformedXML`,
    ///   `.invalidContent` with the cell (a bad reference, a missing shared string),
    ///   `.cellTooLong` with the cell.
    public func rows(sheet name: String? = nil) throws -> [TableRow] {
        let sheet: Sheet
        if let name {
            guard let found = sheets.first(where: { $0.name == name })
                ?? sheets.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                let names = sheetNames.map { "«\($0)»" }.joined(separator: ", ")
                throw FormatError(.unknownSheet, "the workbook has no sheet «\(name)»; its sheets are: \(names)")
            }
            sheet = found
        } else {
            guard let first = sheets.first(where: { $0.xml != nil }) else {
                throw FormatError(.missingPart, "the workbook has no worksheet")
            }
            sheet = first
        }
        guard let xml = sheet.xml, let part = sheet.part else {
            throw FormatError(.unknownSheet, "sheet «\(sheet.name)» is a chart, not a table of cells")
        }
        let parser = XLSXSheetParser(part: part, sheetName: sheet.name, sharedStrings: sharedStrings,
                                     styles: styles, date1904: usesDate1904, maxCellBytes: maxCellBytes)
        try parser.parse(xml)
        return parser.rows
    }
}
