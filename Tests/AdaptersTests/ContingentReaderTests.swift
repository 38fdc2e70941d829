import Foundation
import Testing
@testable import Adapters
import JournalModel

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func columns() throws -> ColumnMap { try ColumnMap(path: packageRoot.path + "/mappings/contingent/columns.tsv") }

/// Writes `text` in `encoding` to a temporary file and reads it as a list.
func readList(_ text: String, encoding: String.Encoding = .utf8, bom: Bool = false) throws -> ContingentList {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("list-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: url) }
    var data = Data(bom ? [0xEF, 0xBB, 0xBF] : [])
    data.append(try #require(text.data(using: encoding)))
    try data.write(to: url)
    return try ContingentReader.read(path: url.path, columns: try columns())
}

struct ContingentReaderTests {
    @Test func cp1251SemicolonWithTitleFooterAndTrailingColumns() throws {
        let text = "Список обучающихся МАОУ «СОШ № 122» на 01.09.2026;;;\r\n\r\n№ п/п;Фамилия;Имя;Отчество;Класс;Дата рождения;;\r\n1;Зайцева;Мария;Сергеевна;5 А;29.08.2015;;\r\n2;Ёлкин;Пётр;;5-а;01.01.2015;;\r\nИтого: 2;;;;;;;\r\n"
        let list = try readList(text, encoding: .windowsCP1251)
        #expect(list.errors.isEmpty, "\(list.errors)")
        #expect(list.titleDate?.description == "2026-09-01")
        #expect(list.rows.map(\.surname) == ["Зайцева", "Ёлкин"], "ё kept as written")
        #expect(list.rows.map(\.className) == ["5А", "5А"])
        #expect(list.rows[1].patronymic == nil)
        #expect(list.rows.map(\.line) == [4, 5])
    }

    @Test func utf8BomCommaAndOneFullNameColumn() throws {
        let text = "ФИО,Д.р.,Класс (группа)\nРимская-Корсакова   Алиса  Андреевна,14.03.2015,11 б\nАлиев Рустам Ахмед оглы,02.02.2011,9а\n"
        let list = try readList(text, bom: true)
        #expect(list.errors.isEmpty, "\(list.errors)")
        #expect(list.rows[0].surname == "Римская-Корсакова")
        #expect(list.rows[0].name == "Алиса")
        #expect(list.rows[0].patronymic == "Андреевна")
        #expect(list.rows[0].className == "11Б")
        #expect(list.rows[1].patronymic == "Ахмед оглы")
    }

    @Test func tabsQuotesAndLineBreaksInsideQuotes() throws {
        let text = "Фамилия\tИмя\tКласс\tРодители\tТелефон\nИванов\tИван\t5А\t\"Иванова Анна Петровна\nИванов Пётр Ильич\"\t\"8 (927) 123-45-67; +7 846 765 43 21\"\nПетрова\tОльга\t5Б\t\"Петрова \"\"Оля\"\" Ивановна\"\t\n"
        let list = try readList(text)
        #expect(list.errors.isEmpty, "\(list.errors)")
        #expect(list.rows.count == 2)
        #expect(list.rows[1].line == 4, "the record after a quoted line break starts on physical line 4")
        let g = try #require(list.rows[0].guardians)
        #expect(g.map(\.fullName) == ["Иванова Анна Петровна", "Иванов Пётр Ильич"])
        #expect(g.map(\.phone) == ["+79271234567", "+78467654321"])
    }

    @Test func guardiansWithPhonesInsideTheCell() throws {
        let (entries, problems) = ContingentReader.parseGuardians("Зайцева Ульяна Юрьевна, 8-927-111-22-33, Зайцев Сергей (отец) +7 (927) 444-55-66", phones: "")
        #expect(problems.isEmpty)
        #expect(entries.map(\.fullName) == ["Зайцева Ульяна Юрьевна", "Зайцев Сергей"])
        #expect(entries.map(\.phone) == ["+79271112233", "+79274445566"])
        let (_, bad) = ContingentReader.parseGuardians("Иванова Анна", phones: "12345678")
        #expect(bad.count == 1)
    }

    @Test(arguments: [("8 (927) 123-45-67", "+79271234567"), ("+7 927 1234567", "+79271234567"), ("9271234567", "+79271234567"),
                      ("8-846-765-43-21", "+78467654321")])
    func phonesNormalize(raw: String, expected: String) {
        #expect(ContingentReader.normalizePhone(raw) == expected)
    }

    @Test func snilsWarningsAreNotErrors() throws {
        let text = "Фамилия;Имя;Класс;СНИЛС\nИванов;Иван;5А;246-141-641 49\nПетров;Пётр;5А;246-141-641\nСидоров;Иван;5А;246-141-641 48\n"
        let list = try readList(text)
        #expect(list.errors.isEmpty)
        #expect(list.rows.count == 3)
        #expect(list.warnings.map(\.line) == [2, 3])
        #expect(list.rows[0].snils == "24614164149", "a wrong checksum is kept, with a warning")
        #expect(list.rows[1].snils == nil)
        #expect(list.rows[2].snils == "24614164148")
    }

    @Test func mappingFileErrorsNameTheirLine() {
        #expect(throws: ContingentError.self) { try ColumnMap(text: "field\theader\nsurnam\tФамилия\n", file: "m.tsv") }
        do {
            _ = try ColumnMap(text: "field\theader\nsurname\tФамилия\nname\tФамилия\n", file: "m.tsv")
            Issue.record("expected an error")
        } catch let e as ContingentError {
            #expect(e.description.hasPrefix("m.tsv:3: "))
        } catch { Issue.record("\(error)") }
    }

    @Test func headerSynonymsIgnoreCaseYoAndPunctuation() throws {
        let c = try columns()
        #expect(c.field(forHeader: "Д. р.") == .birthDate)
        #expect(c.field(forHeader: "ДАТА РОЖДЕНИЯ") == .birthDate)
        #expect(c.field(forHeader: "Фамилия обучающегося") == .surname)
        #expect(c.field(forHeader: "Класс (группа)") == .className)
        #expect(c.field(forHeader: "Класс (параллель)") == .className)
        #expect(c.field(forHeader: "Примечание") == nil)
    }

    @Test func excelSerialDates() {
        #expect(CivilDate(excelSerial: 1)?.description == "1900-01-01")
        #expect(CivilDate(excelSerial: 59)?.description == "1900-02-28")
        #expect(CivilDate(excelSerial: 60) == nil)
        #expect(CivilDate(excelSerial: 61)?.description == "1900-03-01")
        #expect(CivilDate(excelSerial: 42244)?.description == "2015-08-28")
        #expect(CivilDate(excelSerial: 0, date1904: true)?.description == "1904-01-01")
    }
}
