import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

/// The first week's sample list (cp1251 on disk) as lines of text: 1 title, 2 blank,
/// 3 header, 4–29 the 26 pupils (line 4 is 01-1001, line 29 is 09-1026), 30 «Итого: 26».
func week1Lines() throws -> [String] {
    let data = try Data(contentsOf: URL(fileURLWithPath: samples + "/contingent/list-2026-09-01.csv"))
    let text = try #require(String(data: data, encoding: .windowsCP1251))
    return text.components(separatedBy: "\r\n")
}

/// Writes lines as a Windows-1251 CSV with CRLF, as Excel on a Russian system saves it.
func writeCP1251(_ lines: [String], to path: String) throws {
    let data = try #require(lines.joined(separator: "\r\n").data(using: .windowsCP1251))
    try data.write(to: URL(fileURLWithPath: path))
}

/// A store with the first week's list imported (26 active pupils).
func week1Store(_ dir: TempDir) throws -> String {
    let store = emptyStore(dir)
    let r = cli(["import", "contingent", samples + "/contingent/list-2026-09-01.csv"], store: store)
    #expect(r.code == 0, "\(r.err)")
    return store
}

/// Row `line` of the first week's list with cell `column` (1-based) replaced.
func replacingCell(_ lines: [String], line: Int, column: Int, with value: String) -> [String] {
    var lines = lines
    var cells = lines[line - 1].components(separatedBy: ";")
    // Row 4's guardians cell is quoted and holds a `;`: rebuild the row from known cells.
    if line == 4 {
        cells = ["1", "01-1001", "Морозова", "Анна", "Игоревна", "15.04.2019", "1 А", "100-008-916 76", "ж",
                 "\"Морозова Екатерина Ивановна; Морозов Алексей Викторович\"", "8 (927) 368-89-13, +78467673948", "", ""]
    }
    cells[column - 1] = value
    lines[line - 1] = cells.joined(separator: ";")
    return lines
}

struct ContingentSafetyTests {
    // MARK: F3: no data rows

    @Test func listWithNoDataRowsIsRefusedAndWithdrawsNobody() throws {
        let dir = try TempDir()
        let store = try week1Store(dir)
        let seq = try JournalStore.open(at: store).lastSeq
        let lines = try week1Lines()
        let truncated = dir.path("truncated.csv")
        try writeCP1251(Array(lines[0..<3]) + ["Итого: 26;;;;;", ""], to: truncated)
        for extra in [[], ["--mode", "delta"], ["--dry-run", "--json"], ["--confirm-withdrawals"]] {
            let r = cli(["import", "contingent", truncated] + extra, store: store)
            #expect(r.code == 65, "\(extra): \(r.out)")
            #expect(r.err.contains("\(truncated): no data rows under the header (line 3); nothing was imported"), "\(r.err)")
        }
        let s = try JournalStore.open(at: store)
        #expect(s.lastSeq == seq, "nothing written")
        #expect(try s.records(.student).allSatisfy { $0["status"].text == "active" })
    }

    // MARK: The withdrawal brake

    /// The first week's list without the rows of 01-1002, 05-1010 and 09-1021 (3 of 26,
    /// 11.5%), 05-1007 moved to 5Б, and one new pupil.
    func listWithdrawingThree(_ dir: TempDir) throws -> String {
        var lines = try week1Lines()
        lines = lines.filter { !$0.contains(";01-1002;") && !$0.contains(";05-1010;") && !$0.contains(";09-1021;") }
        let i = try #require(lines.firstIndex { $0.contains(";05-1007;") })
        lines[i] = lines[i].replacingOccurrences(of: ";5А;", with: ";5Б;").replacingOccurrences(of: ";5 А;", with: ";5Б;")
            .replacingOccurrences(of: ";5-а;", with: ";5Б;").replacingOccurrences(of: ";5а;", with: ";5Б;")
        let footer = try #require(lines.firstIndex { $0.hasPrefix("Итого") })
        lines.insert("27;05-1201;Новенькая;Вера;Петровна;01.02.2015;5 А;;ж;;;;", at: footer)
        let path = dir.path("three-gone.csv")
        try writeCP1251(lines, to: path)
        return path
    }

    @Test func withdrawingMoreThanTenPercentIsHeldAndTheRestApplied() throws {
        let dir = try TempDir()
        let store = try week1Store(dir)
        let list = try listWithdrawingThree(dir)
        let r = cli(["import", "contingent", list, "--json"], store: store)
        #expect(r.code == 65, "\(r.err)")
        let j = try JSON.parse(r.out)
        for key in ["created", "updated", "unchanged", "arrived", "withdrawn", "transferred", "renamed", "warnings", "date", "mode", "dry_run"] {
            #expect(j[key] != nil, "the --json contract keeps «\(key)»")
        }
        #expect(j["withdrawn"]?.array?.isEmpty == true)
        #expect(j["withdrawals_held"]?.array?.compactMap(\.string).sorted() == ["01-1002", "05-1010", "09-1021"])
        #expect(j["arrived"]?.array?.compactMap(\.string) == ["05-1201"])
        #expect(j["transferred"]?.array?.count == 1)
        #expect(r.err.contains("3 of 26 active pupils"), "\(r.err)")
        #expect(r.err.contains("01-1002") && r.err.contains("--confirm-withdrawals"))
        #expect(!r.err.contains("Попов"), "no names in the explanation")
        let s = try JournalStore.open(at: store)
        #expect(try s.records(.student).filter { $0["status"].text == "withdrawn" }.isEmpty)
        #expect(try s.records(.movement).filter { $0["kind"].text == "withdrawal" }.isEmpty)
        #expect(s.record(.student, id: "stu-05-1007")?["class"] == .text("cls-5Б"), "the transfer is applied")
        #expect(s.record(.student, id: "stu-05-1201")?["status"] == .text("active"), "the arrival is applied")

        // Running it again after looking: the same list, confirmed.
        let yes = cli(["import", "contingent", list, "--confirm-withdrawals", "--json"], store: store)
        #expect(yes.code == 0, "\(yes.err)")
        let y = try JSON.parse(yes.out)
        #expect(y["withdrawn"]?.array?.compactMap(\.string).sorted() == ["01-1002", "05-1010", "09-1021"])
        #expect(y["withdrawals_held"]?.array?.isEmpty == true)
        #expect(try JournalStore.open(at: store).records(.student).filter { $0["status"].text == "withdrawn" }.count == 3)
    }

    @Test func dryRunShowsTheHeldWithdrawalsAndWritesNothing() throws {
        let dir = try TempDir()
        let store = try week1Store(dir)
        let list = try listWithdrawingThree(dir)
        let seq = try JournalStore.open(at: store).lastSeq
        let r = cli(["import", "contingent", list, "--dry-run"], store: store)
        #expect(r.code == 65)
        #expect(r.out.contains("Would import"))
        #expect(r.err.contains("would withdraw 3 of 26 active pupils"), "\(r.err)")
        let confirmed = cli(["import", "contingent", list, "--dry-run", "--confirm-withdrawals", "--json"], store: store)
        #expect(confirmed.code == 0)
        #expect(try JSON.parse(confirmed.out)["withdrawn"]?.array?.count == 3)
        #expect(try JournalStore.open(at: store).lastSeq == seq)
    }

    @Test func twoWithdrawalsOfTwentySixPassTheBrake() throws {
        let dir = try TempDir()
        let store = try week1Store(dir)
        let lines = try week1Lines().filter { !$0.contains(";01-1002;") && !$0.contains(";05-1010;") }
        try writeCP1251(lines, to: dir.path("two-gone.csv"))
        let r = cli(["import", "contingent", dir.path("two-gone.csv"), "--json"], store: store)
        #expect(r.code == 0, "\(r.err)")
        #expect(try JSON.parse(r.out)["withdrawn"]?.array?.count == 2)
    }

    // MARK: F4: unreadable guardian cells

    func guardianLinks(_ store: String, _ student: String) throws -> [String] {
        try JournalStore.open(at: store).records(.guardianship, where: "student", equals: .text(student))
            .compactMap { $0["guardian"].text }.sorted()
    }

    @Test(arguments: ["Морозова", String(repeating: "Морозова Екатерина Ивановна, ", count: 200), ""])
    func unreadableOrEmptyGuardianCellKeepsTheGuardians(cell: String) throws {
        let dir = try TempDir()
        let store = try week1Store(dir)
        let links = try guardianLinks(store, "stu-01-1001")
        #expect(links.count == 2)
        let seq = try JournalStore.open(at: store).lastSeq
        let path = dir.path("guardians.csv")
        try writeCP1251(replacingCell(try week1Lines(), line: 4, column: 10, with: cell), to: path)
        let r = cli(["import", "contingent", path], store: store)
        #expect(r.code == 0, "\(r.err)")
        #expect(try guardianLinks(store, "stu-01-1001") == links, "both parents keep the diary")
        #expect(try JournalStore.open(at: store).lastSeq == seq, "nothing changed")
        #expect(r.out.contains("26 unchanged"))
        if !cell.isEmpty {
            #expect(r.err.contains("warning: \(path):4:10: column «Родитель (законный представитель)»: "), "\(r.err)")
            #expect(r.err.contains("guardians kept as they were"))
        }
    }

    @Test func aLongGuardianCellIsAWarningNotABlowUp() throws {
        let dir = try TempDir()
        let store = try week1Store(dir)
        let links = try guardianLinks(store, "stu-01-1001")
        let path = dir.path("huge.csv")
        let huge = "\"" + String(repeating: "Морозова Екатерина Ивановна; ", count: 9_000) + "\""  // ~520 KB in UTF-8: past 4 KB, under 1 MiB
        try writeCP1251(replacingCell(try week1Lines(), line: 4, column: 10, with: huge), to: path)
        let r = cli(["import", "contingent", path], store: store)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("warning: \(path):4:10: "), "\(r.err.prefix(500))")
        #expect(r.err.count < 2_000, "the warning does not repeat the cell")
        #expect(try guardianLinks(store, "stu-01-1001") == links)
    }

    // MARK: U+0000, invalid UTF-8

    @Test func aZeroCharacterIsRefusedWithLineAndColumn() throws {
        let dir = try TempDir()
        let store = emptyStore(dir)
        let path = dir.path("nul.csv")
        try writeCP1251(replacingCell(try week1Lines(), line: 6, column: 3, with: "Мака\u{0}рова"), to: path)
        let r = cli(["import", "contingent", path], store: store)
        #expect(r.code == 65)
        #expect(r.err.contains("\(path):6:3: "), "\(r.err)")
        #expect(r.err.contains("U+0000"))
        #expect(try JournalStore.open(at: store).count(.student) == 0)
    }

    @Test func brokenUTF8IsAnErrorNotDroppedBytes() throws {
        let dir = try TempDir()
        let store = emptyStore(dir)
        var data = Data("Фамилия;Имя;Класс\nИванова;Мария;5А\nПетров;Иван;5А\nОрлов;Егор;5А\nСидоров;Пётр;5А\n".utf8)
        data.insert(0xD0, at: data.count - 12)  // a lone lead byte inside line 5
        try data.write(to: URL(fileURLWithPath: dir.path("broken.csv")))
        let r = cli(["import", "contingent", dir.path("broken.csv")], store: store)
        #expect(r.code == 65)
        #expect(r.err.contains("line 5"), "\(r.err)")
        #expect(try JournalStore.open(at: store).count(.student) == 0)
    }

    // MARK: One СНИЛС on two pupils

    @Test func oneSnilsOnTwoRowsOrARowAndAStoredPupilIsAWarning() throws {
        let dir = try TempDir()
        let store = try week1Store(dir)
        // Line 7 (01-1004) gets line 5's (01-1002) СНИЛС.
        try writeCP1251(replacingCell(try week1Lines(), line: 7, column: 8, with: "100-016-234 54"), to: dir.path("snils.csv"))
        let r = cli(["import", "contingent", dir.path("snils.csv")], store: store)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.split(separator: "\n").contains { $0.contains("snils.csv:7:8: ") && $0.contains("01-1004") && $0.contains("01-1002")
            && $0.contains("line 5") && $0.contains("same СНИЛС") }, "\(r.err)")
        // A delta row given the СНИЛС of a pupil in the store who is not in the list.
        try writeCP1251(["№ личного дела;Фамилия;Имя;Класс;СНИЛС", "01-1005;Новиков;Тимофей;1А;100-023-797 77", ""], to: dir.path("d.csv"))
        let d = cli(["import", "contingent", dir.path("d.csv"), "--mode", "delta"], store: store)
        #expect(d.code == 0, "\(d.err)")
        #expect(d.err.split(separator: "\n").contains { $0.contains("d.csv:2:5: ") && $0.contains("01-1005") && $0.contains("01-1003")
            && $0.contains("same СНИЛС") }, "\(d.err)")
        for err in [r.err, d.err] {
            #expect(!err.contains("100-016-234") && !err.contains("10001623454") && !err.contains("10002379777"), "the number is not printed")
            #expect(!err.contains("Соколов") && !err.contains("Новиков") && !err.contains("Попов"), "nor a name")
        }
    }

    // MARK: Warnings on stderr

    @Test func warningsGoToStandardErrorWithTheirColumn() throws {
        let dir = try TempDir()
        let store = emptyStore(dir)
        let week1 = samples + "/contingent/list-2026-09-01.csv"
        let r = cli(["import", "contingent", week1, "--dry-run"], store: store)
        #expect(r.code == 0)
        #expect(!r.out.contains("warning:"), "stdout keeps the summary only")
        #expect(r.out.contains("26 created"))
        #expect(r.err.contains("warning: \(week1):"), "\(r.err)")
        #expect(r.err.contains(":8: column «СНИЛС»: the СНИЛС checksum is wrong"), "\(r.err)")
        let j = cli(["import", "contingent", week1, "--json"], store: store)
        #expect(try JSON.parse(j.out)["warnings"]?.array?.count == 1)
        #expect(j.err.contains("warning: \(week1):"))
    }

    // MARK: Optional headers that resemble a known one

    @Test func aMisspeltOptionalHeaderIsUsedWithAWarning() throws {
        let dir = try TempDir()
        let store = emptyStore(dir)
        let text = "Фамилия;Имя;Класс;Дата рожден.;СНИСЛ;Примечание\nИванова;Мария;5А;01.02.2015;246-141-641 48;\n"
        try writeCP1251([text], to: dir.path("h.csv"))
        let r = cli(["import", "contingent", dir.path("h.csv")], store: store)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("h.csv:1:4: column «Дата рожден.» is read as «Дата рождения»"), "\(r.err)")
        #expect(r.err.contains("h.csv:1:5: column «СНИСЛ» is read as «СНИЛС»"), "\(r.err)")
        #expect(r.err.contains("h.csv:1:6: column «Примечание» is not a known column"), "\(r.err)")
        let s = try JournalStore.open(at: store).records(.student)
        #expect(s.first?["birth_date"] == .text("2015-02-01"))
        #expect(s.first?["snils"] == .text("24614164148"))
    }
}

/// A cell past 1 MiB: the whole file is refused before the cell is read.
struct ContingentHugeCellTests {
    @Test func aCellPastOneMebibyteRefusesTheFile() throws {
        let dir = try TempDir()
        let store = try week1Store(dir)
        let seq = try JournalStore.open(at: store).lastSeq
        let path = dir.path("huge.csv")
        let huge = "\"" + String(repeating: "Морозова Екатерина Ивановна; ", count: 40_000) + "\""  // ~2 MB in UTF-8
        try writeCP1251(replacingCell(try week1Lines(), line: 4, column: 10, with: huge), to: path)
        let r = cli(["import", "contingent", path], store: store)
        #expect(r.code == 65)
        #expect(r.err.contains("\(path):4:10: "), "\(r.err.prefix(500))")
        #expect(r.err.contains("1048576 bytes"))
        #expect(try JournalStore.open(at: store).lastSeq == seq)
    }
}
