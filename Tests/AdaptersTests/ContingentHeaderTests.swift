import Foundation
import Testing
@testable import Adapters
import Formats
import JournalModel

/// Headers that resemble a known one, unknown headers, oversized and U+0000 cells.
struct ContingentHeaderTests {
    func interpret(_ rows: [[String]], columns map: ColumnMap? = nil, xlsx: Bool = false) throws -> ContingentList {
        let table = rows.enumerated().map { TableRow(line: $0.offset + 1, cells: $0.element.map { $0.isEmpty ? Cell.empty : .text($0) }) }
        return ContingentReader.interpret(table, file: "l.csv", columns: try map ?? columns(), letters: xlsx)
    }

    @Test(arguments: [("Дата рожден.", ContingentField.birthDate), ("Д. рожд.", .birthDate), ("Дата раждения", .birthDate),
                      ("СНИСЛ", .snils), ("Отч.", .patronymic), ("Телефн", .phone), ("Родитеи", .guardians), ("№ личн. дела", .fileNumber)])
    func aHeaderNearAKnownOneIsUsedWithAWarning(header: String, field: ContingentField) throws {
        let list = try interpret([["Фамилия", "Имя", "Класс", header], ["Иванова", "Мария", "5А", "x"]])
        let taken = list.warnings.filter { $0.message.contains("is read as") }
        #expect(taken.count == 1, "\(list.warnings)")
        #expect(taken.first?.column == "4")
        #expect(taken.first?.message.contains("«\(header)»") == true)
        #expect(ContingentReader.resemblance(header, try columns()) == .field(field))
    }

    @Test(arguments: ["Примечание", "Адрес", "Дата зачисления", "Место рождения", "Гражданство", "П", "Пл"])
    func anUnknownHeaderIsReportedWithTheKnownNames(header: String) throws {
        let list = try interpret([["Фамилия", "Имя", "Класс", header], ["Иванова", "Мария", "5А", "x"]])
        #expect(list.errors.isEmpty)
        let w = try #require(list.warnings.first { $0.message.contains("not a known column") }, "\(list.warnings)")
        #expect(w.line == 1 && w.column == "4")
        #expect(w.message.contains("«Дата рождения»") && w.message.contains("«СНИЛС»"))
    }

    @Test func twoCandidatesAreNeverGuessedBetween() throws {
        let map = try ColumnMap(text: "field\theader\nsurname\tФамилия\nname\tИмя\nclass\tКласс\nsnils\tКлюч1\ngender\tКлюч2\n", file: "m.tsv")
        let list = try interpret([["Фамилия", "Имя", "Класс", "Ключ3"], ["Иванова", "Мария", "5А", "ж"]], columns: map)
        let w = try #require(list.warnings.first, "\(list.warnings)")
        #expect(w.message.contains("«Ключ1»") && w.message.contains("«Ключ2»"), "\(w.message)")
        #expect(w.message.contains("ignored"))
        #expect(list.rows.first?.gender == nil && list.rows.first?.snils == nil)
    }

    @Test func aKnownColumnGivenTwiceIsNotTakenAgain() throws {
        let list = try interpret([["Фамилия", "Имя", "Класс", "СНИЛС", "СНИСЛ"], ["Иванова", "Мария", "5А", "246-141-641 48", "1"]])
        #expect(list.rows.first?.snils == "24614164148")
        #expect(list.warnings.contains { $0.column == "5" && $0.message.contains("«СНИЛС»") && $0.message.contains("ignored") }, "\(list.warnings)")
    }

    @Test func xlsxColumnsAreLetters() throws {
        let list = try interpret([["Фамилия", "Имя", "Класс", "Примечание"], ["Иванова", "Мария", "5А", ""]], xlsx: true)
        #expect(list.warnings.first?.column == "D")
    }

    @Test func aZeroCharacterInAWorkbookIsAnErrorWithTheCell() throws {
        var writer = XLSXWriter()
        writer.addRow([.text("Фамилия"), .text("Имя"), .text("Класс")])
        writer.addRow([.text("Иванова"), .text("Ма\u{0}рия"), .text("5А")])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nul-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        try writer.data().write(to: url)
        let list = try ContingentReader.read(path: url.path, columns: try columns())
        #expect(list.rows.isEmpty)
        #expect(list.errors.contains { $0.hasPrefix("\(url.path):2:B: ") && $0.contains("U+0000") }, "\(list.errors)")
    }

    @Test func anOversizedCellIsAnErrorOutsideTheGuardians() throws {
        let long = String(repeating: "Иванова", count: 1000)
        let list = try interpret([["Фамилия", "Имя", "Класс"], [long, "Мария", "5А"]])
        #expect(list.rows.isEmpty)
        #expect(list.errors.contains { $0.hasPrefix("l.csv:2: column «Фамилия»: ") && $0.contains("4096") }, "\(list.errors)")
        #expect(!(list.errors.first ?? "").contains("ИвановаИванова"), "the cell is not repeated")
    }

    @Test func anUnreadableGuardianCellGivesNoGuardiansAndAWarning() throws {
        let list = try interpret([["Фамилия", "Имя", "Класс", "Родители"], ["Иванова", "Мария", "5А", "Иванова; Иванов Пётр"],
                                  ["Петрова", "Ольга", "5А", ""], ["Орлов", "Егор", "5А", "Орлова Анна"]])
        #expect(list.rows.map { $0.guardians == nil } == [true, true, false], "unreadable or empty: leave the guardians as they are")
        #expect(list.warnings.contains { $0.line == 2 && $0.column == "4" && $0.message.contains("guardians kept as they were") }, "\(list.warnings)")
    }
}
