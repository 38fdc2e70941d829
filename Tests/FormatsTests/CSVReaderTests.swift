import Foundation
import Testing
@testable import Formats

struct CSVReaderTests {
    @Test func windows1251SemicolonListWithTitleAndFooter() throws {
        // What Russian Excel saves: a title, an empty line, a header, rows, a footer; CRLF.
        let text = "Список обучающихся МАОУ «СОШ № 122» на 01.09.2026;;;;\r\n"
            + ";;;;\r\n"
            + "№ п/п;Фамилия;Имя;Класс;Дата рождения\r\n"
            + "1;Иванов;Иван;5А;01.02.2014\r\n"
            + "2;Ёлкина;Мария;5 А;31.12.2013\r\n"
            + "\r\n"
            + "Итого: 2;;;;\r\n"
        let document = try CSVReader.read(try cp1251(text))
        #expect(document.encoding == .windows1251)
        #expect(document.delimiter == ";")
        #expect(document.rows.map(\.line) == [1, 3, 4, 5, 7])
        #expect(texts(document.rows[0]) == ["Список обучающихся МАОУ «СОШ № 122» на 01.09.2026"])
        #expect(texts(document.rows[1]) == ["№ п/п", "Фамилия", "Имя", "Класс", "Дата рождения"])
        #expect(texts(document.rows[3]) == ["2", "Ёлкина", "Мария", "5 А", "31.12.2013"])
        #expect(texts(document.rows[4]) == ["Итого: 2"])
    }

    @Test func utf8BOMIsStripped() throws {
        let data = Data([0xEF, 0xBB, 0xBF] + Array("Фамилия;Имя\nИванов;Иван\n".utf8))
        let document = try CSVReader.read(data)
        #expect(document.encoding == .utf8BOM)
        #expect(document.rows[0].cells.first == .text("Фамилия"))
        #expect(document.rows.map(\.line) == [1, 2])
    }

    @Test func commaDelimiterWithQuotedCommas() throws {
        let text = "Список обучающихся, 5 класс\n"
            + "Фамилия,Имя,Класс,Родители\n"
            + "Иванов,Иван,5А,\"Иванова А.А., Иванов Б.Б.\"\n"
            + "Петров,Пётр,5А,Петрова В.В.\n"
        let document = try CSVReader.read(Data(text.utf8))
        #expect(document.encoding == .utf8)
        #expect(document.delimiter == ",")
        #expect(texts(document.rows[2]) == ["Иванов", "Иван", "5А", "Иванова А.А., Иванов Б.Б."])
        #expect(texts(document.rows[0]) == ["Список обучающихся", " 5 класс"])
    }

    @Test func tabDelimiter() throws {
        let text = "Фамилия\tИмя\tКласс\nИванов\tИван\t5А\nПетров\tПётр, младший\t5Б\n"
        let document = try CSVReader.read(Data(text.utf8))
        #expect(document.delimiter == "\t")
        #expect(texts(document.rows[2]) == ["Петров", "Пётр, младший", "5Б"])
    }

    @Test func semicolonWinsOverCommasInsideFields() throws {
        // Guardians separated by commas in some rows must not make `,` look like the delimiter.
        var text = "Фамилия;Имя;Родители;Телефон\n"
        for index in 0..<20 {
            text += "Фамилия\(index);Имя;Иванова А.А., Иванов Б.Б.\(index % 3 == 0 ? ", Петров В.В." : "");+7 900\n"
        }
        let document = try CSVReader.read(Data(text.utf8))
        #expect(document.delimiter == ";")
        #expect(document.rows.allSatisfy { $0.cells.count == 4 })
    }

    @Test func quotedDelimiterDoubledQuotesAndLineBreaks() throws {
        let text = "Фамилия;Примечание;Класс\n"                       // line 1
            + "Иванов;\"переведён; см. приказ\";5А\n"               // line 2
            + "Петров;\"школа \"\"Радуга\"\"\";5Б\n"                // line 3
            + "Сидоров;\"первая строка\r\nвторая\nтретья\";5В\n"   // lines 4-6
            + "Кузнецов;\"\";5Г\n"                                  // line 7
            + "Смирнов;\"ab\"c;5Д\n"                                // line 8
        let document = try CSVReader.read(Data(text.utf8))
        #expect(document.rows.map(\.line) == [1, 2, 3, 4, 7, 8])
        #expect(document.rows[1][1] == .text("переведён; см. приказ"))
        #expect(document.rows[2][1] == .text("школа \"Радуга\""))
        #expect(document.rows[3][1] == .text("первая строка\nвторая\nтретья"))
        #expect(document.rows[3][2] == .text("5В"))
        #expect(document.rows[4][1] == .empty)
        #expect(document.rows[4][2] == .text("5Г"))
        #expect(document.rows[5][1] == .text("abc"))
    }

    @Test func quoteInsideUnquotedFieldIsOrdinary() throws {
        let document = try CSVReader.read(Data("ООО \"Ромашка\";1\nb;2\n".utf8))
        #expect(document.rows[0][0] == .text("ООО \"Ромашка\""))
    }

    @Test func crlfLfAndLoneCRGiveTheSameRows() throws {
        let lines = ["Фамилия;Имя", "Иванов;\"Иван", "Иванович\"", "", "Петров;Пётр"]
        var results: [[TableRow]] = []
        for ending in ["\r\n", "\n", "\r"] {
            let document = try CSVReader.read(Data((lines.joined(separator: ending) + ending).utf8))
            results.append(document.rows)
        }
        #expect(results[0].map(\.line) == [1, 2, 5])
        #expect(results[0][1][1] == .text("Иван\nИванович"))
        #expect(results[1] == results[0])
        #expect(results[2] == results[0])
    }

    @Test func noFinalLineBreak() throws {
        let document = try CSVReader.read(Data("a;b\nc;d".utf8))
        #expect(document.rows.map(texts) == [["a", "b"], ["c", "d"]])
    }

    @Test func emptyTrailingColumnsAreDropped() throws {
        let document = try CSVReader.read(Data("Фамилия;Имя;;;\nИванов;;;;\n;Иван;;;\n".utf8))
        #expect(texts(document.rows[0]) == ["Фамилия", "Имя"])
        #expect(texts(document.rows[1]) == ["Иванов"])
        #expect(document.rows[1][1] == .empty)
        #expect(document.rows[1][40] == .empty)
        #expect(texts(document.rows[2]) == ["", "Иван"])
    }

    @Test func unquotedFieldsKeepTheirSpaces() throws {
        let document = try CSVReader.read(Data(" Иванов ;  5А\n".utf8))
        #expect(texts(document.rows[0]) == [" Иванов ", "  5А"])
    }

    @Test func blankLinesAreSkippedAndLaterLinesStayRight() throws {
        let document = try CSVReader.read(Data("\n\na;b\n\n;;\n   \nc;d\n\n".utf8))
        #expect(document.rows.map(\.line) == [3, 6, 7])
        #expect(texts(document.rows[1]) == ["   "])
    }

    @Test func unterminatedQuoteNamesTheLineWhereItOpens() throws {
        let text = "Фамилия;Имя\nИванов;Иван\nПетров;\"Пётр\nСидоров;Сидор\nКузнецов;Кузьма\n"
        let error = try #require(formatError { _ = try CSVReader.read(Data(text.utf8)) })
        #expect(error.code == .unterminatedQuote)
        #expect(error.line == 3)
        #expect(error.description.hasPrefix("line 3: "))
    }

    @Test func forcedDelimiter() throws {
        let document = try CSVReader.read(Data("a,b;c\n".utf8), delimiter: ",")
        #expect(document.delimiter == ",")
        #expect(texts(document.rows[0]) == ["a", "b;c"])
        #expect(formatError { _ = try CSVReader.read(Data("a".utf8), delimiter: "\"") }?.code == .unreadableText)
    }

    @Test func excelSeparatorHint() throws {
        let document = try CSVReader.read(Data("sep=,\r\nФамилия;Имя,Класс\r\nИванов;Иван,5А\r\n".utf8))
        #expect(document.delimiter == ",")
        #expect(document.rows.map(\.line) == [2, 3])
        #expect(texts(document.rows[1]) == ["Иванов;Иван", "5А"])
    }

    @Test func oneColumnAndEmptyFiles() throws {
        let single = try CSVReader.read(Data("Иванов\nПетров\n".utf8))
        #expect(single.delimiter == ";")
        #expect(single.rows.map(texts) == [["Иванов"], ["Петров"]])
        let empty = try CSVReader.read(Data())
        #expect(empty.rows.isEmpty)
    }

    @Test func xlsxGivenAsCSVIsRefused() throws {
        var writer = XLSXWriter()
        writer.addRow([.text("a")])
        let error = try #require(formatError { _ = try CSVReader.read(try writer.data()) })
        #expect(error.code == .unreadableText)
        #expect(error.message.contains(".xlsx"))
    }

    @Test func readsAFileFromDisk() throws {
        let directory = try TemporaryDirectory()
        let data = try directory.roundTrip(try cp1251("Фамилия;Класс\r\nИванов;5А\r\n"), name: "list.csv")
        let document = try CSVReader.read(data)
        #expect(document.rows[1][0] == .text("Иванов"))
    }

    @Test func twoThousandRowsWithTitleAndFooterKeepTheirLineNumbers() throws {
        var text = "Список обучающихся МАОУ «СОШ № 122» на 01.09.2026;;;;;;;\r\n"
            + "№ п/п;Фамилия;Имя;Отчество;Дата рождения;Класс;СНИЛС;Родитель (законный представитель)\r\n"
        for index in 1...2000 {
            text += "\(index);Фамилия\(index);Имя;Отчество;01.02.2014;\(5 + index % 7)А;123-456-789 01;"
                + "\"Иванова Анна Петровна, +7 900 000-00-00\"\r\n"
        }
        text += "Итого: 2000;;;;;;;\r\n"
        let data = try cp1251(text)
        // Its speed is measured by gateway-bench (stage contingent-csv), not here.
        let document = try CSVReader.read(data)
        #expect(document.rows.count == 2003)
        #expect(document.rows.last?.line == 2003)
    }
}

/// U+0000 in a CSV file: refused with the line and the field, in every encoding.
struct CSVZeroCharacterTests {
    @Test(arguments: [String.Encoding.utf8, .windowsCP1251, .utf16LittleEndian])
    func aZeroCharacterIsRefusedWithLineAndColumn(encoding: String.Encoding) throws {
        var data = Data(encoding == .utf16LittleEndian ? [0xFF, 0xFE] : [])
        data.append(try #require("Фамилия;Имя;Класс\r\nИванова;Мария;5А\r\n\"Петров\";Ив\u{0}ан;5А\r\n".data(using: encoding)))
        let error = try #require(formatError { _ = try CSVReader.read(data) })
        #expect(error.code == .unreadableText)
        #expect(error.line == 3)
        #expect(error.column == 1, "0-based: the second field")
        #expect(error.message.contains("U+0000"))
    }
}

/// A field past the caller's limit: refused with its line and field, never built.
struct CSVFieldLimitTests {
    @Test(arguments: [true, false])
    func aFieldPastTheLimitIsRefused(quoted: Bool) throws {
        let big = String(repeating: "а", count: 600)  // 1,200 bytes
        let field = quoted ? "\"\(big);\r\n\(big)\"" : big
        let data = try #require("a;b;c\r\n1;2;3\r\n4;\(field);6\r\n7;8;9\r\n".data(using: .utf8))
        let error = try #require(formatError { _ = try CSVReader.read(data, maxFieldBytes: 1_000) })
        #expect(error.code == .cellTooLong)
        #expect(error.line == 3)
        #expect(error.column == 1)
        let fits = try CSVReader.read(data, maxFieldBytes: 5_000)
        #expect(fits.rows.count == 4)
        #expect(fits.rows[2].cells[1].text?.utf8.count == (quoted ? 2_402 : 1_200))
        #expect(fits.rows[3].line == (quoted ? 5 : 4))
    }
}
