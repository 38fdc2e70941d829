import Foundation
import Testing
@testable import Formats

struct ExcelDateTests {
    @Test func serialsAroundTheLotusLeapDay() throws {
        #expect(CivilDate(excelSerial: 1) == (try date(1900, 1, 1)))
        #expect(CivilDate(excelSerial: 59) == (try date(1900, 2, 28)))
        #expect(CivilDate(excelSerial: 60) == nil)
        #expect(CivilDate(excelSerial: 61) == (try date(1900, 3, 1)))
        #expect(CivilDate(excelSerial: 45_000) == (try date(2023, 3, 15)))
        #expect(CivilDate(excelSerial: 0) == nil)
        #expect(excelSerial(of: try date(1900, 1, 1)) == 1)
        #expect(excelSerial(of: try date(1900, 2, 28)) == 59)
        #expect(excelSerial(of: try date(1900, 3, 1)) == 61)
        #expect(excelSerial(of: try date(2026, 9, 1)) == 46_266)
    }

    @Test func serialsRoundTripInBothSystems() throws {
        for serial in Array(1...800) + Array(stride(from: 800, through: 2_958_465, by: 997)) where serial != 60 {
            let day = try #require(CivilDate(excelSerial: serial))
            #expect(excelSerial(of: day) == serial)
        }
        for serial in stride(from: 0, through: 2_000_000, by: 1_009) {
            let day = try #require(CivilDate(excelSerial: serial, date1904: true))
            #expect(excelSerial(of: day, date1904: true) == serial)
        }
        #expect(CivilDate(excelSerial: 0, date1904: true) == (try date(1904, 1, 1)))
        #expect(CivilDate(excelSerial: 1462) == (try date(1904, 1, 1)))
    }

    @Test func builtInDateFormats() {
        let dates = (0...200).filter(XLSXStyles.isBuiltInDateFormat)
        #expect(dates == Array(14...22) + Array(27...36) + Array(45...47) + Array(50...58))
    }

    @Test func customFormatCodes() {
        for code in ["dd.mm.yyyy", "dd\\.mm\\.yyyy", "DD.MM.YYYY", "[$-419]d mmmm yyyy", "[Red]dd/mm/yy", "yyyy-mm-dd;@",
                     "d\\ mmm", "\"Дата: \"dd.mm.yyyy"] {
            #expect(XLSXStyles.isDateFormat(code: code), "\(code)")
        }
        for code in ["General", "0", "0.00", "# ##0\\ \"руб.\"", "[Red]0.00", "0\" дней\"", "#,##0 [$₽-419]",
                     "@", "0.00E+00", "_-* #,##0_-", "\\d0"] {
            #expect(!XLSXStyles.isDateFormat(code: code), "\(code)")
        }
    }

    @Test func columnLetters() {
        #expect(columnLetter(0) == "A")
        #expect(columnLetter(25) == "Z")
        #expect(columnLetter(26) == "AA")
        #expect(columnLetter(701) == "ZZ")
        #expect(columnLetter(702) == "AAA")
        #expect(columnLetter(16_383) == "XFD")
        for index in [0, 1, 25, 26, 27, 51, 52, 700, 701, 702, 16_383] {
            #expect(columnIndex(letters: Array(columnLetter(index).utf8)) == index)
        }
        #expect(columnIndex(letters: Array("XFE".utf8)) == nil)
        #expect(columnIndex(letters: Array("A1".utf8)) == nil)
        #expect(XLSXSheetParser.parseReference("E7")! == (4, 7))
        #expect(XLSXSheetParser.parseReference("e7") != nil)
        #expect(XLSXSheetParser.parseReference("E0") == nil)
        #expect(XLSXSheetParser.parseReference("7") == nil)
        #expect(XLSXSheetParser.parseReference("E7X") == nil)
    }

    @Test func ooxmlEscapes() {
        #expect(decodeOOXMLEscapes("a_x000D_b") == "a\rb")
        #expect(decodeOOXMLEscapes("_x005F_x000D_") == "_x000D_")
        #expect(decodeOOXMLEscapes("plain_x") == "plain_x")
        #expect(encodeOOXMLEscapes("_x000D_") == "_x005F_x000D_")
        #expect(decodeOOXMLEscapes(encodeOOXMLEscapes("a\u{1}b_x12AB_c")) == "a\u{1}b_x12AB_c")
    }
}
