import Foundation
import Testing
@testable import Formats

struct XLSXRoundTripTests {
    private func sampleWorkbook() throws -> XLSXWriter {
        var writer = XLSXWriter(sheetName: "5А")
        writer.addRow([.text("Список обучающихся 5А")])
        writer.addRow([])
        writer.addRow([.text("№"), .text("Фамилия"), .text("Имя"), .text("Дата рождения"), .text("Балл")])
        writer.addRow([.number(1), .text("Иванов"), .text("Иван"), .date(try date(2014, 2, 1)), .number(4.5)])
        writer.addRow([.number(2), .text("  Петров "), .empty, .date(try date(2013, 12, 31)), .number(-3)])
        writer.addRow([.number(3), .text("Сидоров & «Ко» <b>"), .text("Строка 1\nСтрока 2\r\n3"), .empty, .empty])
        writer.addSheet("Родители")
        writer.addRow([.text("Фамилия"), .text("Телефон")])
        writer.addRow([.text("Иванова"), .text("+7 900 000-00-00")])
        return writer
    }

    @Test func roundTripThroughAFile() throws {
        let directory = try TemporaryDirectory()
        let data = try directory.roundTrip(try sampleWorkbook().data(), name: "list.xlsx")
        let workbook = try XLSXWorkbook(data: data)
        #expect(workbook.sheetNames == ["5А", "Родители"])
        #expect(workbook.usesDate1904 == false)

        let rows = try workbook.rows()
        #expect(rows.map(\.line) == [1, 3, 4, 5, 6])
        #expect(rows[0].cells == [.text("Список обучающихся 5А")])
        #expect(rows[2].cells == [.number(1), .text("Иванов"), .text("Иван"), .date(try date(2014, 2, 1)), .number(4.5)])
        #expect(rows[3].cells == [.number(2), .text("  Петров "), .empty, .date(try date(2013, 12, 31)), .number(-3)])
        #expect(rows[4].cells == [.number(3), .text("Сидоров & «Ко» <b>"), .text("Строка 1\nСтрока 2\r\n3")])
    }

    @Test func secondSheetByName() throws {
        let workbook = try XLSXWorkbook(data: try sampleWorkbook().data())
        let rows = try workbook.rows(sheet: "Родители")
        #expect(rows.map(\.line) == [1, 2])
        #expect(rows[1].cells == [.text("Иванова"), .text("+7 900 000-00-00")])
        #expect(try workbook.rows(sheet: "родители") == rows)
    }

    @Test func unknownSheetListsTheNames() throws {
        let workbook = try XLSXWorkbook(data: try sampleWorkbook().data())
        let error = try #require(formatError { _ = try workbook.rows(sheet: "6Б") })
        #expect(error.code == .unknownSheet)
        #expect(error.description.contains("«6Б»"))
        #expect(error.description.contains("«5А», «Родители»"))
    }

    @Test func textThatLooksLikeAnEscapeSurvives() throws {
        var writer = XLSXWriter()
        writer.addRow([.text("_x000D_ stays"), .text("bell\u{7}")])
        let rows = try XLSXWorkbook(data: try writer.data()).rows()
        #expect(rows[0].cells == [.text("_x000D_ stays"), .text("bell\u{7}")])
    }

    @Test func manyRowsGoThroughTheStreamParser() throws {
        // Over 1 MB of sheet XML: XMLParser(data:) fails near that size on Linux.
        var writer = XLSXWriter()
        for index in 1...15_000 {
            writer.addRow([.number(Double(index)), .text("Фамилия\(index)"), .text("Имя Отчество"),
                           .date(try date(2010 + index % 8, 1 + index % 12, 1 + index % 28))])
        }
        let workbook = try XLSXWorkbook(data: try writer.data())
        let rows = try workbook.rows()
        #expect(rows.count == 15_000)
        #expect(rows[14_999].cells[1] == .text("Фамилия15000"))
        #expect(rows[14_999].cells[3] == .date(try date(2010 + 15_000 % 8, 1 + 15_000 % 12, 1 + 15_000 % 28)))
    }

    @Test func writerRefusesWhatExcelRefuses() throws {
        for name in ["", "a/b", "[x]", String(repeating: "я", count: 32), "'quoted'"] {
            var writer = XLSXWriter(sheetName: name)
            writer.addRow([.text("a")])
            #expect(formatError { _ = try writer.data() }?.code == .invalidWriterInput, "sheet name \(name)")
        }
        var duplicate = XLSXWriter(sheetName: "Лист")
        duplicate.addSheet("ЛИСТ")
        #expect(formatError { _ = try duplicate.data() }?.code == .invalidWriterInput)
        var nan = XLSXWriter()
        nan.addRow([.empty, .number(.nan)])
        let error = try #require(formatError { _ = try nan.data() })
        #expect(error.description.contains("cell B1"))
        var early = XLSXWriter()
        early.addRow([.date(try date(1899, 12, 31))])
        #expect(formatError { _ = try early.data() }?.code == .invalidWriterInput)
    }

    @Test func writerOutputIsAWellFormedZip() throws {
        let data = try sampleWorkbook().data()
        let archive = try ZipArchive(data: data)
        #expect(archive.entries.map(\.name) == [
            "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
            "xl/styles.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
        ])
        #expect(archive.entries.allSatisfy { $0.method == 8 })
        var extracted = 0
        let styles = try archive.extract(try #require(archive.entry(named: "xl/styles.xml")), extracted: &extracted)
        #expect(String(decoding: styles, as: UTF8.self).contains("formatCode=\"dd\\.mm\\.yyyy\""))
        // Same content, same bytes: no timestamps leak in.
        #expect(try sampleWorkbook().data() == data)
    }
}
