import Foundation
import Testing
@testable import Gateway
import JournalModel
@testable import JournalStore
import TestSupport

/// A store with nothing but the school.
func emptyStore(_ dir: TempDir, name: String = "journal.sqlite") -> String {
    let store = dir.path(name)
    #expect(cli(["init", "--school", "Школа № 122", "--timezone", "Europe/Samara"], store: store).code == 0)
    return store
}

struct ContingentImportTests {
    let week1 = samples + "/contingent/list-2026-09-01.csv"
    let week1xlsx = samples + "/contingent/list-2026-09-01.xlsx"
    let week2 = samples + "/contingent/list-2026-09-08.csv"

    @Test func cp1251ListWithTitleAndFooterBecomesStudentsClassesGuardians() throws {
        let dir = try TempDir()
        let store = emptyStore(dir)
        let r = cli(["import", "contingent", week1, "--json"], store: store)
        #expect(r.code == 0, "\(r.err)")
        let j = try JSON.parse(r.out)
        #expect(j["created"]?.int == 26)
        #expect(j["arrived"]?.array?.count == 26)
        #expect(j["withdrawn"]?.array?.isEmpty == true)
        #expect(j["date"]?.string == "2026-09-01", "the date comes from the title line")
        let warnings = j["warnings"]?.array ?? []
        #expect(warnings.count == 1, "one СНИЛС with a wrong checksum: \(warnings)")
        #expect(warnings.first?["message"]?.string?.contains("checksum") == true)
        let s = try JournalStore.open(at: store)
        #expect(try s.count(.student) == 26)
        #expect(try s.records(.classUnit).compactMap { $0["name"].text }.sorted() == ["1А", "5А", "5Б", "9А"])
        let st = try #require(s.record(.student, id: "stu-01-1004"))
        #expect(st["surname"] == .text("Соколов"), "stray spaces trimmed")
        #expect(st["gender"] == .text("М"))
        #expect(st["birth_date"] == .text("2018-08-14"))
        #expect(st["snils"].text?.count == 11)
        // Two guardians in one cell, each with a phone from the phone column.
        let links = try s.records(.guardianship, where: "student", equals: .text("stu-01-1001"))
        #expect(links.count == 2)
        let phones = links.compactMap { s.record(.guardian, id: $0["guardian"].text!)?["phone"].text }.sorted()
        #expect(phones.count == 2)
        #expect(phones.allSatisfy { $0.hasPrefix("+7") && $0.count == 12 })
        // Siblings share their mother (same name and phone): one guardian, two links.
        let mother = try #require(links.first.flatMap { s.record(.guardian, id: $0["guardian"].text!) })
        _ = mother
        let shared = try s.db.scalar("SELECT count(*) FROM (SELECT guardian FROM guardianship GROUP BY guardian HAVING count(*) > 1)")?.int
        #expect(shared == 1)
        #expect(try s.count(.movement) == 26)
    }

    @Test func xlsxAndCsvOfOneListGiveTheSameStore() throws {
        let dir = try TempDir()
        let a = emptyStore(dir, name: "a.sqlite"), b = emptyStore(dir, name: "b.sqlite")
        #expect(cli(["import", "contingent", week1], store: a).code == 0)
        let x = cli(["import", "contingent", week1xlsx], store: b)
        #expect(x.code == 0, "\(x.err)")
        let ea = cli(["journal", "export"], store: a).out, eb = cli(["journal", "export"], store: b).out
        #expect(ea.split(separator: "\n").count > 100)
        #expect(ea == eb)
    }

    @Test func nextWeeksListRecordsEveryKindOfMovement() throws {
        let dir = try TempDir()
        let store = emptyStore(dir)
        #expect(cli(["import", "contingent", week1], store: store).code == 0)
        let r = cli(["import", "contingent", week2, "--json"], store: store)
        #expect(r.code == 0, "\(r.err)")
        let j = try JSON.parse(r.out)
        #expect(j["date"]?.string == "2026-09-08")
        #expect(j["arrived"]?.array?.compactMap(\.string).sorted() == ["05-1101", "09-1102"])
        #expect(j["withdrawn"]?.array?.compactMap(\.string) == ["05-1011"])
        #expect(j["transferred"] == .array([.object([("file", .string("05-1007")), ("from", .string("5А")), ("to", .string("5Б"))])]))
        let renamed = try #require(j["renamed"]?.array?.first)
        #expect(renamed["file"]?.string == "01-1003")
        #expect(renamed["from"]?.string?.hasPrefix("Макарова ") == true)
        #expect(renamed["to"]?.string?.hasPrefix("Соколова ") == true)
        #expect(j["created"]?.int == 2)
        let s = try JournalStore.open(at: store)
        let gone = try #require(s.record(.student, id: "stu-05-1011"))
        #expect(gone["status"] == .text("withdrawn"), "withdrawn, not deleted")
        #expect(gone["class"] == .text("cls-5А"), "their class and journal stay")
        let kinds = try s.records(.movement, where: "student", equals: .text("stu-01-1003")).compactMap { $0["kind"].text }
        #expect(kinds.sorted() == ["arrival", "data_change"])
        let status = try JSON.parse(cli(["status", "--json"], store: store).out)
        #expect(status["recent_movements"]?.array?.contains { $0["kind"]?.string == "transfer" && $0["to"]?.string == "5Б" } == true)
        #expect(cli(["history", "stu-05-1007"], store: store).out.contains("class: cls-5А → cls-5Б"))
        // The same list again changes nothing.
        let seq = s.lastSeq
        let again = try JSON.parse(cli(["import", "contingent", week2, "--json"], store: store).out)
        #expect(again["created"]?.int == 0)
        #expect(again["updated"]?.int == 0)
        #expect(again["unchanged"]?.int == 27)
        #expect(try JournalStore.open(at: store).lastSeq == seq)
    }

    @Test func deltaModeChangesOnlyTheRowsGiven() throws {
        let dir = try TempDir()
        let store = emptyStore(dir)
        #expect(cli(["import", "contingent", week1], store: store).code == 0)
        try "Фамилия;Имя;Класс;№ личного дела\nИванова;Мария;5 Б;05-1007\n".write(toFile: dir.path("d.csv"), atomically: true, encoding: .utf8)
        let j = try JSON.parse(cli(["import", "contingent", dir.path("d.csv"), "--mode", "delta", "--date", "2026-09-15", "--json"], store: store).out)
        #expect(j["withdrawn"]?.array?.isEmpty == true)
        #expect(j["transferred"]?.array?.count == 1)
        #expect(j["date"]?.string == "2026-09-15")
        let s = try JournalStore.open(at: store)
        #expect(try s.records(.student).filter { $0["status"].text == "withdrawn" }.isEmpty)
        #expect(s.record(.student, id: "stu-05-1007")?["birth_date"].text != nil, "an absent column erases nothing")
    }

    @Test func dryRunPrintsTheSameAndWritesNothing() throws {
        let dir = try TempDir()
        let store = emptyStore(dir)
        #expect(cli(["import", "contingent", week1], store: store).code == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        let dry = cli(["import", "contingent", week2, "--dry-run", "--json"], store: store)
        #expect(dry.code == 0)
        #expect(try JSON.parse(dry.out)["withdrawn"]?.array?.count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
    }

    @Test func everyBadRowIsListedAndNothingIsWritten() throws {
        let dir = try TempDir()
        let store = emptyStore(dir)
        #expect(cli(["import", "contingent", week1], store: store).code == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        let bad = samples + "/contingent/broken/bad-rows.csv"
        let r = cli(["import", "contingent", bad], store: store)
        #expect(r.code == 65)
        #expect(r.err.contains("\(bad):3: column «Дата рождения»: 31.02.2014 is not a date"), "\(r.err)")
        #expect(r.err.contains("\(bad):4: column «Фамилия»: the surname is missing"))
        #expect(r.err.contains("\(bad):5: column «Класс»: the class is missing"))
        #expect(r.err.contains("\(bad):6: column «Класс»: «5АБ» is not a class name"))
        #expect(r.err.contains("\(bad):7: column «№ личного дела»: personal file 05-2001 is used twice (lines 3 and 7)"))
        #expect(!r.err.contains("\(bad):8:"), "line 8 is fine")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
    }

    @Test func duplicateFileNumbersNameBothLines() throws {
        let dir = try TempDir()
        let store = emptyStore(dir)
        try "Фамилия;Имя;Класс;№ личного дела\nИванова;Мария;5А;05-1\nПетров;Иван;5А;05-2\nОрлов;Егор;5А;05-1\n"
            .write(toFile: dir.path("dup.csv"), atomically: true, encoding: .utf8)
        let r = cli(["import", "contingent", dir.path("dup.csv")], store: store)
        #expect(r.code == 65)
        #expect(r.err.contains("dup.csv:4: column «№ личного дела»: personal file 05-1 is used twice (lines 2 and 4)"), "\(r.err)")
        #expect(try JournalStore.open(at: store).count(.student) == 0)
    }

    @Test func unreadableFilesAndMappingsAreClearErrors() throws {
        let dir = try TempDir()
        let store = emptyStore(dir)
        let notZip = cli(["import", "contingent", samples + "/contingent/broken/not-a-workbook.xlsx"], store: store)
        #expect(notZip.code == 65)
        #expect(notZip.err.contains("not-a-workbook.xlsx"))
        let noHeader = cli(["import", "contingent", samples + "/contingent/broken/no-header.csv"], store: store)
        #expect(noHeader.code == 65)
        #expect(noHeader.err.contains("no header row"))
        let badMap = samples + "/contingent/broken/columns-bad.tsv"
        let m = cli(["import", "contingent", week1, "--columns", badMap], store: store)
        #expect(m.code == 65)
        #expect(m.err.contains("\(badMap):3: "), "\(m.err)")
        #expect(cli(["import", "contingent", week1xlsx, "--sheet", "Нет такого"], store: store).code == 65)
    }
}

/// Issue 15, case 4: the secretary's list is merged like any counterpart, against its own
/// base — an unchanged row never reverts a correction made elsewhere.
struct ContingentAsCounterpartTests {
    let week1 = samples + "/contingent/list-2026-09-01.csv"

    /// The sample list with `from` replaced by `to`, written cp1251 as the secretary's Excel does.
    func edited(_ dir: TempDir, _ name: String, _ from: String, _ to: String) throws -> String {
        let text = try #require(String(data: try Data(contentsOf: URL(fileURLWithPath: week1)), encoding: .windowsCP1251))
        #expect(text.contains(from))
        let path = dir.path(name)
        try #require(text.replacingOccurrences(of: from, with: to).data(using: .windowsCP1251)).write(to: URL(fileURLWithPath: path))
        return path
    }

    func correctOnThePortal(_ store: String, snils: String) throws {
        let s = try JournalStore.open(at: store)
        var r = try #require(s.record(.student, id: "stu-01-1001"))
        r["snils"] = .text(snils)
        try s.transaction { _ = try s.write(r, origin: Origin(source: "sync:asu-rso")) }
    }

    @Test func anUnchangedRowKeepsAPortalsCorrection() throws {
        let dir = try TempDir()
        let store = emptyStore(dir)
        #expect(cli(["import", "contingent", week1], store: store).code == 0)
        try correctOnThePortal(store, snils: "11223344595")
        let again = cli(["import", "contingent", week1, "--json"], store: store)
        #expect(again.code == 0, "\(again.err)")
        let j = try JSON.parse(again.out)
        #expect(j["updated"]?.int == 0 && j["conflicts"]?.int == 0, "\(again.out)")
        #expect(try JournalStore.open(at: store).record(.student, id: "stu-01-1001")?["snils"] == .text("11223344595"))
    }

    @Test func aFieldTheSecretaryChangedFlows() throws {
        let dir = try TempDir()
        let store = emptyStore(dir)
        #expect(cli(["import", "contingent", week1], store: store).code == 0)
        let list = try edited(dir, "surname.csv", "01-1001;Морозова;Анна", "01-1001;Морозова-Белова;Анна")
        let r = cli(["import", "contingent", list, "--json"], store: store)
        #expect(r.code == 0, "\(r.err)")
        #expect(try JSON.parse(r.out)["updated"]?.int == 1)
        #expect(try JournalStore.open(at: store).record(.student, id: "stu-01-1001")?["surname"] == .text("Морозова-Белова"))
    }

    @Test func bothChangedDifferentlyIsQueuedNeverReverted() throws {
        let dir = try TempDir()
        let store = emptyStore(dir)
        #expect(cli(["import", "contingent", week1], store: store).code == 0)
        try correctOnThePortal(store, snils: "11223344595")
        let list = try edited(dir, "snils.csv", "100-008-916 76", "246-141-641 48")
        let r = cli(["import", "contingent", list, "--json"], store: store)
        #expect(r.code == 0, "\(r.err)")
        #expect(try JSON.parse(r.out)["conflicts"]?.int == 1, "\(r.out)")
        #expect(try JournalStore.open(at: store).record(.student, id: "stu-01-1001")?["snils"] == .text("11223344595"))
        let queue = cli(["conflicts", "list"], store: store)
        #expect(queue.out.contains("contingent  pupil Морозова Анна Игоревна (1А, file 01-1001)  snils"), "\(queue.out)")
        #expect(!queue.out.contains("11223344595") && !queue.out.contains("24614164148"), "never a whole СНИЛС beside a name")
        // Importing the same list again queues nothing twice.
        #expect(try JSON.parse(cli(["import", "contingent", list, "--json"], store: store).out)["conflicts"]?.int == 0)
        // A person decides for the list.
        let id = try #require(try JSON.parse(cli(["conflicts", "list", "--json"], store: store).out).array?.first?["id"]?.int)
        #expect(cli(["conflicts", "resolve", String(id), "--take", "remote"], store: store).code == 0)
        #expect(try JournalStore.open(at: store).record(.student, id: "stu-01-1001")?["snils"] == .text("24614164148"))
    }
}
