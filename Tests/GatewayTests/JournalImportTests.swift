import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

struct JournalImportTests {
    @Test func importsTheSampleWeekAndReimportChangesNothing() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir)
        let s = try JournalStore.open(at: store)
        #expect(try s.count(.lesson) == 80)
        #expect(try s.count(.mark) > 50)
        let seq = s.lastSeq
        let again = cli(["journal", "import", samples + "/journal/week.jsonl", "--json"], store: store)
        #expect(again.code == 0)
        let j = try JSON.parse(again.out)
        #expect(j["created"]?.int == 0)
        #expect(j["updated"]?.int == 0)
        #expect(j["unchanged"]?.int == j["records"]?.int)
        #expect(try JournalStore.open(at: store).lastSeq == seq, "no change-log entries on re-import")
    }

    @Test(arguments: [
        ("r1-grade1.jsonl", [2, 3], "R1"),
        ("r2-future.jsonl", [1], "R2"),
        ("r3-final.jsonl", [1, 2], "R3"),
    ])
    func ruleViolationsNameTheirLinesAndRules(file: String, lines: [Int], rule: String) throws {
        let dir = try TempDir()
        let store = try sampleStore(dir)
        let path = samples + "/journal/invalid/" + file
        let r = cli(["journal", "import", path], store: store)
        #expect(r.code == 65)
        for line in lines { #expect(r.err.contains("\(path):\(line): "), "line \(line) in \(r.err)") }
        #expect(r.err.components(separatedBy: "\(rule): ").count - 1 == lines.count, "\(r.err)")
    }

    @Test func badFileListsEveryErrorAndLeavesTheStoreByteIdentical() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir)
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        let path = samples + "/journal/invalid/mixed.jsonl"
        let r = cli(["journal", "import", path], store: store)
        #expect(r.code == 65)
        for line in 2...8 { #expect(r.err.contains("\(path):\(line): "), "line \(line)") }
        #expect(!r.err.contains("\(path):1: "), "line 1 is valid")
        #expect(r.err.contains("column 71"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: store + "-wal"))) ?? Data()
        #expect(wal.isEmpty, "no WAL left behind")
    }

    @Test func dryRunCountsButWritesNothing() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir, week: false)
        let seq = try JournalStore.open(at: store).lastSeq
        let r = cli(["journal", "import", samples + "/journal/week.jsonl", "--dry-run", "--json"], store: store)
        #expect(r.code == 0)
        let j = try JSON.parse(r.out)
        #expect(j["dry_run"] == .bool(true))
        #expect((j["created"]?.int ?? 0) + (j["updated"]?.int ?? 0) == j["records"]?.int)
        #expect((j["created"]?.int ?? 0) > 200)
        #expect(j["by_type"]?["class"]?["updated"]?.int == 4, "the week sets each class's homeroom teacher")
        let s = try JournalStore.open(at: store)
        #expect(s.lastSeq == seq)
        #expect(try s.count(.lesson) == 0)
    }

    @Test func exportImportRoundTripIsIdentical() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir)
        #expect(cli(["journal", "export", "--out", dir.path("a.jsonl")], store: store).code == 0)
        let other = dir.path("other.sqlite")
        #expect(cli(["init", "--school", "Копия", "--timezone", "Europe/Samara"], store: other).code == 0)
        let imp = cli(["journal", "import", dir.path("a.jsonl")], store: other)
        #expect(imp.code == 0, "\(imp.err)")
        #expect(cli(["journal", "export", "--out", dir.path("b.jsonl")], store: other).code == 0)
        let a = try String(contentsOfFile: dir.path("a.jsonl"), encoding: .utf8)
        let b = try String(contentsOfFile: dir.path("b.jsonl"), encoding: .utf8)
        #expect(a == b)
        #expect(a.split(separator: "\n").count > 350)
    }

    @Test func deletionsAndIncrementalExport() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir)
        let seq = try JournalStore.open(at: store).lastSeq
        try """
        {"type": "mark", "id": "mk-zach-1", "deleted": true}
        {"type": "attendance", "id": "at-late-1", "lesson": "les-5Б-2026-09-08-1", "student": "stu-05-1015", "kind": "absent", "reason": "Б"}
        """.write(toFile: dir.path("d.jsonl"), atomically: true, encoding: .utf8)
        let r = cli(["journal", "import", dir.path("d.jsonl"), "--json"], store: store)
        #expect(r.code == 0, "\(r.err)")
        #expect(try JSON.parse(r.out)["deleted"]?.int == 1)
        let inc = cli(["journal", "export", "--since", String(seq)], store: store)
        let lines = inc.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.contains(#"{"type":"mark","id":"mk-zach-1","deleted":true}"#))
        #expect(lines.contains { $0.contains("at-late-1") && $0.contains("\"reason\":\"Б\"") })
        // A deletion of a record something still refers to is refused.
        try #"{"type": "lesson", "id": "les-5А-2026-09-07-1", "deleted": true}"#.write(toFile: dir.path("e.jsonl"), atomically: true, encoding: .utf8)
        let refused = cli(["journal", "import", dir.path("e.jsonl")], store: store)
        #expect(refused.code == 65)
        #expect(refused.err.contains("cannot be deleted"))
    }

    @Test func oneSnilsOnTwoPupilsIsAWarningNamingBoth() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir, week: false)
        // A new pupil with the СНИЛС of stu-01-1001 (in the store), and two new ones sharing one.
        try [#"{"type": "student", "id": "stu-01-1090", "file_number": "01-1090", "surname": "Новикова", "name": "Ева", "snils": "10000891676", "class": "cls-1А", "status": "active"}"#,
             #"{"type": "student", "id": "stu-01-1091", "file_number": "01-1091", "surname": "Орлов", "name": "Лев", "snils": "11223344595", "class": "cls-1А", "status": "active"}"#,
             #"{"type": "student", "id": "stu-01-1092", "file_number": "01-1092", "surname": "Орлова", "name": "Ия", "snils": "11223344595", "class": "cls-1А", "status": "active"}"#]
            .joined(separator: "\n").write(toFile: dir.path("s.jsonl"), atomically: true, encoding: .utf8)
        let r = cli(["journal", "import", dir.path("s.jsonl"), "--json"], store: store)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("s.jsonl:1: student stu-01-1090 has the same СНИЛС as student stu-01-1001 in the store"), "\(r.err)")
        #expect(r.err.contains("s.jsonl:3: student stu-01-1092 has the same СНИЛС as student stu-01-1091 on line 2"), "\(r.err)")
        #expect(!r.err.contains("11223344595") && !r.err.contains("Орлов"))
        #expect(try JSON.parse(r.out)["warnings"]?.array?.count == 2)
        #expect(!r.out.contains("warning: "))
    }

    @Test func commandsTakeAPupilsFileNumberWhereTheyTakeAnID() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir)
        let byID = cli(["history", "stu-09-1026"], store: store)
        #expect(byID.code == 0 && byID.out.contains("create student stu-09-1026"))
        #expect(cli(["history", "09-1026"], store: store).out == byID.out)
        #expect(cli(["history", "no-such-thing"], store: store).out.contains("No changes recorded"))
        let out = dir.path("w.html")
        let extract = cli(["extract", "weekly", "--student", "09-1026", "--week", "2026-W37", "--out", out], store: store)
        #expect(extract.code == 0, "\(extract.err)")
        #expect(cli(["extract", "weekly", "--student", "99-9999", "--week", "2026-W37", "--out", out], store: store).code == 64)
    }

    @Test func statusCountsWhatASyncKeepsWithoutApplyingIt() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir, week: false)
        let s = try JournalStore.open(at: store)
        try s.transaction {
            // As the engine parks them (reasons as SyncEngine's UnmappedCode and DeletionBrake write them).
            try s.park(counterpart: "epos", .mark, externalID: "mk-1", record: .object([]), reason: "waits for a code-table line: «5+»", runID: nil)
            try s.park(counterpart: "epos", .mark, externalID: "mk-2", record: .object([]), reason: "waits for a code-table line: «5+»", runID: nil)
            try s.park(counterpart: "asu-rso", .lesson, externalID: "77", record: .object([]), reason: "held by the mass-deletion brake: …", runID: nil)
            try s.park(counterpart: "asu-rso", .mark, externalID: "9", record: .object([]), reason: "its lesson has not arrived yet", runID: nil)
        }
        let j = try JSON.parse(cli(["status", "--json"], store: store).out)
        #expect(j["parked"]?["waiting_for_code_lines"]?.int == 2)
        #expect(j["parked"]?["held_deletions"]?.int == 1)
        #expect(j["parked"]?["waiting_for_related_records"]?.int == 1)
        #expect(cli(["status"], store: store).out.contains("Kept, not applied: 2 item(s) waiting for a code-table line"))
    }

    @Test func historyShowsOldAndNewValues() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir)
        try #"{"type": "final_mark", "id": "fm-1", "student": "stu-09-1022", "subject": "sub-phys", "period": "p-2026-1", "value": "5"}"#
            .write(toFile: dir.path("f.jsonl"), atomically: true, encoding: .utf8)
        let fm = try #require(try JournalStore.open(at: store).record(.finalMark, id: "fm-1"))
        try JSON.object([("type", .string("final_mark")), ("id", .string("fm-1")), ("student", .string(fm["student"].text!)),
                         ("subject", .string("sub-phys")), ("period", .string("p-2026-1")), ("value", .string("5"))]).serialized()
            .write(toFile: dir.path("f.jsonl"), atomically: true, encoding: .utf8)
        #expect(cli(["journal", "import", dir.path("f.jsonl")], store: store).code == 0)
        let h = cli(["history", "fm-1"], store: store)
        #expect(h.out.contains("value: 4 → 5"), "\(h.out)")
        #expect(h.out.contains("create final_mark fm-1"))
    }
}

struct CLITests {
    @Test func usageErrorsAndHelp() throws {
        let dir = try TempDir()
        #expect(cli(["frobnicate"], store: dir.path("x")).code == 64)
        #expect(cli(["journal", "import"], store: dir.path("x")).code == 64)
        #expect(cli(["status", "--bogus"], store: dir.path("x")).code == 64)
        let help = cli(["journal", "import", "--help"], store: dir.path("x"))
        #expect(help.code == 0)
        #expect(help.out.contains("journal import FILE"))
        let missing = cli(["status"], store: dir.path("none.sqlite"))
        #expect(missing.code == 64)
        #expect(missing.err.contains("journal-gateway init"))
    }

    @Test func statusJSONHasTheContractedShape() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir)
        let r = cli(["status", "--json"], store: store)
        let j = try JSON.parse(r.out)
        #expect(j["school"]?.string == "Школа № 122")
        for key in ["students", "guardians", "classes", "teachers", "lessons", "marks", "attendance", "homework", "final_marks", "movements"] {
            #expect(j["counts"]?[key]?.int != nil, "\(key)")
        }
        #expect(j["counts"]?["students"]?.int == 26)
        #expect(j["conflicts_open"]?.int == 0)
        #expect(j["outbox_pending"]?.int == 0)
        #expect(j["last_runs"]?.array?.count == 2)
    }

    @Test func aSecondWritingProcessIsRefusedNamingTheHolder() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir, week: false)
        let lock = try RunLock(storePath: store, command: "sync asu-rso")
        let r = try runBinary(["--store", store, "journal", "import", samples + "/journal/week.jsonl"])
        #expect(r.code == 75)
        #expect(r.err.contains("pid \(getpid())"), "\(r.err)")
        #expect(r.err.contains("sync asu-rso"))
        lock.release()
        let ok = try runBinary(["--store", store, "journal", "import", samples + "/journal/week.jsonl"])
        #expect(ok.code == 0, "\(ok.err)")
    }
}
