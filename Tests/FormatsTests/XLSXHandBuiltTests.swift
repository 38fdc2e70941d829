import Foundation
import Testing
@testable import Formats

/// Workbooks written part by part, the way other producers (1С, LibreOffice, libraries) do.
struct XLSXHandBuiltTests {
    static let main = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
    static let rel = "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
    static let relType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static let rootRels = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        <Relationship Id="rId1" Type="\(relType)/officeDocument" Target="/xl/workbook.xml"/>
        </Relationships>
        """

    /// Prefixed elements (`x:`), absolute and `..` targets, two sheets.
    static func workbook(date1904: Bool = false) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \(rel)>
        <x:workbookPr\(date1904 ? " date1904=\"1\"" : "")/>
        <x:sheets><x:sheet name="Данные" sheetId="7" r:id="rId3"/><x:sheet name="Пустой" sheetId="8" r:id="rId4"/></x:sheets>
        </x:workbook>
        """
    }

    static let workbookRels = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        <Relationship Id="rId1" Type="\(relType)/sharedStrings" Target="sharedStrings.xml"/>
        <Relationship Id="rId2" Type="\(relType)/styles" Target="styles.xml"/>
        <Relationship Id="rId3" Type="\(relType)/worksheet" Target="/xl/worksheets/data.xml"/>
        <Relationship Id="rId4" Type="\(relType)/worksheet" Target="worksheets/../worksheets/empty.xml"/>
        <Relationship Id="rId9" Type="\(relType)/hyperlink" Target="http://example.invalid/" TargetMode="External"/>
        </Relationships>
        """

    static let sharedStrings = """
        <?xml version="1.0" encoding="UTF-8"?>
        <sst \(main) count="6" uniqueCount="6">
        <si><t>Фамилия</t></si>
        <si><r><rPr><b/></rPr><t>Ива</t></r><r><t xml:space="preserve">нов </t></r></si>
        <si><t>山田</t><rPh sb="0" eb="2"><t>ヤマダ</t></rPh><phoneticPr fontId="1"/></si>
        <si><t>строка 1_x000D_
        строка 2</t></si>
        <si><t/></si>
        <si><t xml:space="preserve">  Сидоров &amp; К° </t></si>
        </sst>
        """

    /// Style 0 general, 1 custom date, 2 built-in 14, 3 custom money, 4 built-in 2 (0.00).
    static let styles = """
        <?xml version="1.0" encoding="UTF-8"?>
        <styleSheet \(main)>
        <numFmts count="2"><numFmt numFmtId="165" formatCode="[$-419]dd\\.mm\\.yyyy;@"/>
        <numFmt numFmtId="166" formatCode="#,##0.00&quot; руб.&quot;"/></numFmts>
        <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
        <cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="165" applyNumberFormat="1"/><xf numFmtId="14"/>
        <xf numFmtId="166"/><xf numFmtId="2"/></cellXfs>
        </styleSheet>
        """

    static let dataSheet = """
        <?xml version="1.0" encoding="UTF-8"?>
        <worksheet \(main)><sheetData>
        <row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t xml:space="preserve"> Инлайн </t></is></c></row>
        <row r="4"><c r="B4" s="1"><v>41640</v></c><c s="2"><v>45000</v></c><c s="3"><v>1500.5</v></c><c s="4"><v>7</v></c></row>
        <row r="5"><c r="A5" t="s"><v>1</v></c><c r="B5" t="b"><v>1</v></c><c r="C5" t="e"><v>#N/A</v></c>
        <c r="D5" t="str"><f>CONCATENATE("а";"б")</f><v>аб</v></c><c r="E5" t="s"><v>2</v></c>
        <c r="F5" s="1"><v>60</v></c><c r="G5" t="d"><v>2024-02-29T00:00:00</v></c>
        <c r="H5" t="inlineStr"><is><r><t>Пет</t></r><r><t>ров</t></r></is></c></row>
        <row r="6" ht="20"><c r="A6" t="s"><v>4</v></c><c r="B6" s="3"/></row>
        <row><c t="s"><v>3</v></c><c r="C7" t="s"><v>5</v></c><c r="D7"><v>1E3</v></c></row>
        </sheetData></worksheet>
        """

    static func workbookData(sheet: String = dataSheet, date1904: Bool = false, strings: String = sharedStrings) throws -> Data {
        try zip([
            ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
            ("_rels/.rels", rootRels),
            ("xl/workbook.xml", workbook(date1904: date1904)),
            ("xl/_rels/workbook.xml.rels", workbookRels),
            ("xl/sharedStrings.xml", strings),
            ("xl/styles.xml", styles),
            ("xl/worksheets/data.xml", sheet),
            ("xl/worksheets/empty.xml", "<worksheet \(main)><sheetData/></worksheet>"),
        ])
    }

    @Test func sharedRichInlineStringsAndDateFormats() throws {
        let workbook = try XLSXWorkbook(data: try Self.workbookData())
        #expect(workbook.sheetNames == ["Данные", "Пустой"])
        let rows = try workbook.rows()
        #expect(rows.map(\.line) == [1, 4, 5, 7])
        #expect(rows[0].cells == [.text("Фамилия"), .empty, .text(" Инлайн ")])
        #expect(rows[1].cells == [.empty, .date(try date(2014, 1, 1)), .date(try date(2023, 3, 15)), .number(1500.5), .number(7)])
        #expect(rows[2].cells == [
            .text("Иванов "), .text("1"), .text("#N/A"), .text("аб"), .text("山田"),
            .number(60), .date(try date(2024, 2, 29)), .text("Петров"),
        ])
        #expect(rows[3].cells == [.text("строка 1\r\nстрока 2"), .empty, .text("  Сидоров & К° "), .number(1000)])
        #expect(try workbook.rows(sheet: "Пустой").isEmpty)
    }

    @Test func date1904System() throws {
        let workbook = try XLSXWorkbook(data: try Self.workbookData(date1904: true))
        #expect(workbook.usesDate1904)
        let rows = try workbook.rows()
        // 41640 is 01.01.2014 in the 1900 system and four years and a day later in the 1904 one.
        #expect(rows[1][1] == .date(try date(2018, 1, 2)))
        #expect(rows[1][2] == .date(try date(2027, 3, 16)))
        #expect(rows[2][5] == .date(try date(1904, 3, 1)))
    }

    @Test func missingSharedStringNamesTheCell() throws {
        let sheet = "<worksheet \(Self.main)><sheetData><row r=\"2\"><c r=\"B2\" t=\"s\"><v>99</v></c></row></sheetData></worksheet>"
        let workbook = try XLSXWorkbook(data: try Self.workbookData(sheet: sheet))
        let error = try #require(formatError { _ = try workbook.rows() })
        #expect(error.code == .invalidContent)
        #expect(error.description == "sheet «Данные», cell B2: shared string «99» does not exist (the workbook has 6)")
    }

    @Test func impossibleCellContentIsAnError() throws {
        let cases = [
            "<row r=\"3\"><c r=\"3B\"><v>1</v></c></row>": "cell reference «3B»",
            "<row r=\"3\"><c r=\"ZZZZ3\"><v>1</v></c></row>": "cell reference «ZZZZ3»",
            "<row r=\"0\"><c><v>1</v></c></row>": "row number «0»",
            "<row r=\"3\"><c r=\"C3\"><v>abc</v></c></row>": "«abc», which is not a number",
        ]
        for (rows, expected) in cases {
            let sheet = "<worksheet \(Self.main)><sheetData>\(rows)</sheetData></worksheet>"
            let workbook = try XLSXWorkbook(data: try Self.workbookData(sheet: sheet))
            let error = try #require(formatError { _ = try workbook.rows() })
            #expect(error.code == .invalidContent)
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    @Test func malformedXMLNamesThePart() throws {
        let workbook = try XLSXWorkbook(data: try Self.workbookData(sheet: "<worksheet>\n<sheetData>\n<row></sheetData>"))
        let error = try #require(formatError { _ = try workbook.rows() })
        #expect(error.code == .malformedXML)
        #expect(error.part == "xl/worksheets/data.xml")
        #expect(error.line != nil)
        let broken = try #require(formatError { _ = try XLSXWorkbook(data: try Self.workbookData(strings: "<sst><si>")) })
        #expect(broken.code == .malformedXML)
        #expect(broken.part == "xl/sharedStrings.xml")
    }

    @Test func doctypeIsRefused() throws {
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <sst><si><t>&lol2;</t></si></sst>
            """
        let error = try #require(formatError { _ = try XLSXWorkbook(data: try Self.workbookData(strings: laughs)) })
        #expect(error.code == .malformedXML)
        #expect(error.message.contains("DTD"))
    }

    @Test func missingPartsAreNamed() throws {
        let noWorkbook = try zip([("_rels/.rels", Self.rootRels), ("docProps/app.xml", "<x/>")])
        let error = try #require(formatError { _ = try XLSXWorkbook(data: noWorkbook) })
        #expect(error.code == .missingPart)
        #expect(error.message.contains("xl/workbook.xml"))

        let noSheet = try zip([
            ("_rels/.rels", Self.rootRels), ("xl/workbook.xml", Self.workbook()),
            ("xl/_rels/workbook.xml.rels", Self.workbookRels),
            ("xl/worksheets/data.xml", Self.dataSheet),
        ])
        let sheetError = try #require(formatError { _ = try XLSXWorkbook(data: noSheet) })
        #expect(sheetError.code == .missingPart)
        #expect(sheetError.message.contains("«Пустой»"))
        #expect(sheetError.message.contains("xl/worksheets/empty.xml"))
    }

    @Test func partsFoundWithoutRelationshipsAndStoredEntries() throws {
        // A bare-bones producer: no .rels at all, no styles, stored (uncompressed) entries.
        let data = try zip([
            ("xl/workbook.xml", "<workbook \(Self.main)><sheets><sheet name=\"Лист1\" sheetId=\"1\"/></sheets></workbook>"),
            ("xl/sharedStrings.xml", "<sst \(Self.main)><si><t>Иванов</t></si></sst>"),
            ("xl/worksheets/sheet1.xml", "<worksheet \(Self.main)><sheetData><row><c t=\"s\"><v>0</v></c><c><v>44000</v></c></row></sheetData></worksheet>"),
        ], compress: false)
        #expect(try ZipArchive(data: data).entries.allSatisfy { $0.method == 0 })
        let rows = try XLSXWorkbook(data: data).rows(sheet: "Лист1")
        #expect(rows == [TableRow(line: 1, cells: [.text("Иванов"), .number(44000)])])
    }
}

/// A cell or shared string past the caller's limit is refused as soon as it passes it.
struct XLSXCellLimitTests {
    @Test func aLongInlineCellIsRefusedWithTheCell() throws {
        let long = String(repeating: "я", count: 600)  // 1,200 bytes
        let sheet = """
            <?xml version="1.0" encoding="UTF-8"?>
            <worksheet \(XLSXHandBuiltTests.main)><sheetData>
            <row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>b</t></is></c><c r="J3" t="inlineStr"><is><t>\(long)</t></is></c></row>
            </sheetData></worksheet>
            """
        let data = try XLSXHandBuiltTests.workbookData(sheet: sheet)
        let error = try #require(formatError { _ = try XLSXWorkbook(data: data, maxCellBytes: 1_000).rows(sheet: "Данные") })
        #expect(error.code == .cellTooLong)
        #expect(error.line == 3 && error.column == 9, "\(error)")
        #expect(try XLSXWorkbook(data: data, maxCellBytes: 2_000).rows(sheet: "Данные").count == 2)
    }

    @Test func aLongSharedStringIsRefused() throws {
        let strings = "<sst \(XLSXHandBuiltTests.main)><si><t>\(String(repeating: "я", count: 600))</t></si></sst>"
        let data = try XLSXHandBuiltTests.workbookData(strings: strings)
        let error = try #require(formatError { _ = try XLSXWorkbook(data: data, maxCellBytes: 1_000) })
        #expect(error.code == .cellTooLong)
        #expect(error.description.contains("sharedStrings"), "\(error)")
    }
}
