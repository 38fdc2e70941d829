import Foundation
import Testing
@testable import Gateway
import JournalModel
@testable import JournalStore
import TestSupport

/// Issue 13 (F5, F6, F8, F10) through the command line: what a file or a store that is
/// not what it should be gets as an answer, and that nothing is written.
struct StoreSafetyCLITests {
    /// The marks of a class's lessons, ascending.
    private func marksOf(_ classID: String, _ store: String) throws -> [String] {
        try JournalStore.open(at: store).db.rows("SELECT mark.id FROM mark JOIN lesson ON lesson.id = mark.lesson WHERE lesson.class = ? ORDER BY mark.id",
                                                 [.text(classID)]).compactMap { $0[0].text }
    }

    private func homeworkOf(_ classID: String, _ store: String) throws -> [String] {
        try JournalStore.open(at: store).db.rows("SELECT homework.id FROM homework JOIN lesson ON lesson.id = homework.lesson WHERE lesson.class = ? ORDER BY homework.id",
                                                 [.text(classID)]).compactMap { $0[0].text }
    }

    private func write(_ lines: [String], _ dir: TempDir, _ name: String = "in.jsonl") throws -> String {
        let path = dir.path(name)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    @Test func regradeOfAClassWithMarksToGradeOneIsRefused() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir)
        let seq = try JournalStore.open(at: store).lastSeq
        let marks = try marksOf("cls-5А", store)
        #expect(!marks.isEmpty)
        let file = try write([#"{"type":"class","id":"cls-5А","name":"5А","grade":1}"#], dir)
        let r = cli(["journal", "import", file], store: store)
        #expect(r.code == 65)
        #expect(r.err.contains("\(file):1: class cls-5А: R1: "), "\(r.err)")
        #expect(r.err.contains("\(marks.count) mark(s)"), "\(r.err)")
        #expect(r.err.contains(marks[0]), "\(r.err)")
        let after = try JournalStore.open(at: store)
        #expect(after.record(.classUnit, id: "cls-5А")?["grade"] == .int(5))
        #expect(after.lastSeq == seq)
    }

    @Test func regradeIsAcceptedWhenTheSameFileDeletesWhatStoodInTheWay() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir)
        let lines = [#"{"type":"class","id":"cls-5А","name":"5А","grade":1}"#]
            + (try marksOf("cls-5А", store)).map { #"{"type":"mark","id":"\#($0)","deleted":true}"# }
            + (try homeworkOf("cls-5А", store)).map { #"{"type":"homework","id":"\#($0)","deleted":true}"# }
        let r = cli(["journal", "import", try write(lines, dir)], store: store)
        #expect(r.code == 0, "\(r.err)")
        #expect(try JournalStore.open(at: store).record(.classUnit, id: "cls-5А")?["grade"] == .int(1))
    }

    @Test func marksBeforeTheirClassBecomesGradeOneInTheSameFileAreRefused() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir)
        let lines = [
            #"{"type":"lesson","id":"les-x","class":"cls-5Б","subject":"sub-math","date":"2026-09-05","number":3}"#,
            #"{"type":"mark","id":"mk-x","lesson":"les-x","student":"stu-05-1007","work_type":"wt-answer","value":"5"}"#,
            #"{"type":"class","id":"cls-5Б","name":"5Б","grade":1}"#,
        ]
        let file = try write(lines, dir)
        let r = cli(["journal", "import", file], store: store)
        #expect(r.code == 65, "\(r.err)")
        #expect(r.err.contains("\(file):3: class cls-5Б: R1: "), "\(r.err)")
        #expect(r.err.contains("\(try marksOf("cls-5Б", store).count + 1) mark(s)"), "the file's mark counts too: \(r.err)")
    }

    @Test func u0000InAJournalFileIsRefusedWithLineAndColumn() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir, week: false)
        let seq = try JournalStore.open(at: store).lastSeq
        let nul = #"{"type": "subject", "id": "sub-nul", "name": "a\u0000b"}"#
        let file = try write([#"{"type": "subject", "id": "sub-ok", "name": "Черчение"}"#, nul], dir)
        let r = cli(["journal", "import", file], store: store)
        #expect(r.code == 65)
        let column = nul.distance(from: nul.startIndex, to: nul.range(of: #"\u0000"#)!.lowerBound) + 1
        #expect(r.err.contains("\(file):2:\(column): "), "\(r.err)")
        #expect(r.err.contains("U+0000"))
        let after = try JournalStore.open(at: store)
        #expect(after.record(.subject, id: "sub-ok") == nil, "nothing imported")
        #expect(after.lastSeq == seq)
    }

    @Test func invalidUTF8IsAnErrorWithLineAndColumn() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir, week: false)
        let path = dir.path("cp1251.jsonl")
        var bytes = Array(#"{"type": "subject", "id": "sub-ok", "name": "Черчение"}"#.utf8) + [0x0A]
        let prefix = #"{"type": "subject", "id": "sub-1251", "name": ""#
        bytes += Array(prefix.utf8) + [0xD7, 0xE5, 0xF0, 0xF7, 0xE5, 0xED, 0xE8, 0xE5] + Array("\"}\n".utf8)   // «Черчение» in cp1251
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let r = cli(["journal", "import", path], store: store)
        #expect(r.code == 65)
        #expect(r.err.contains("\(path):2:\(prefix.count + 1): invalid UTF-8"), "\(r.err)")
        #expect(try JournalStore.open(at: store).record(.subject, id: "sub-ok") == nil)
    }

    @Test func lessonNumbersOutsideOneToTwelveAreRefused() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir)
        let file = try write([
            #"{"type":"lesson","id":"les-0","class":"cls-5А","subject":"sub-math","date":"2026-09-05","number":0}"#,
            #"{"type":"lesson","id":"les-99","class":"cls-5А","subject":"sub-math","date":"2026-09-05","number":99}"#,
            #"{"type":"lesson","id":"les-12","class":"cls-5А","subject":"sub-math","date":"2026-09-05","number":12}"#,
        ], dir)
        let r = cli(["journal", "import", file], store: store)
        #expect(r.code == 65)
        #expect(r.err.contains("\(file):1: ") && r.err.contains("\(file):2: "), "\(r.err)")
        #expect(!r.err.contains("\(file):3: "))
        #expect(r.err.contains("1–12"))
    }

    @Test func readingCommandsLeaveAnEmptyFileEmpty() throws {
        let dir = try TempDir()
        let path = dir.path("empty.sqlite")
        FileManager.default.createFile(atPath: path, contents: Data())
        for args in [["status"], ["history", "x"], ["conflicts", "list"], ["journal", "export"]] {
            let r = cli(args, store: path)
            #expect(r.code == 64, "\(args): \(r.err)")
            #expect(r.err.contains("not an initialised journal store"), "\(r.err)")
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 0, "\(args)")
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func aFileThatIsNotAStoreGetsASentence() throws {
        let dir = try TempDir()
        let path = dir.path("notes.sqlite")
        let text = Data(String(repeating: "Список класса 5А; Иванов Иван\n", count: 200).utf8)
        try text.write(to: URL(fileURLWithPath: path))
        for args in [["status"], ["journal", "import", samples + "/journal/contingent.jsonl"]] {
            let r = cli(args, store: path)
            #expect(r.code == 65, "\(args): \(r.err)")
            #expect(r.err.contains("\(path) is not a Journal Gateway store (not an SQLite database)"), "\(r.err)")
            #expect(!r.err.contains("SQLite error"), "\(r.err)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == text)
    }

    @Test func initInAMissingDirectoryNamesIt() throws {
        let dir = try TempDir()
        let r = cli(["init", "--school", "Школа", "--timezone", "Europe/Samara"], store: dir.path("missing/journal.sqlite"))
        #expect(r.code == 64)
        #expect(r.err.contains("the directory \(dir.path("missing")) does not exist"), "\(r.err)")
        #expect(!r.err.contains("SQLite"), "\(r.err)")
    }

    /// On read-only media: a directory 0555 with the store 0444. As root chmod stops
    /// nothing, so there this shows only that reading writes nothing into the store; the
    /// immutable open is tested in StoreOpeningTests, and for real as another user below.
    @Test func aStoreOnReadOnlyMediaCanBeRead() throws {
        let dir = try TempDir()
        let sub = dir.path("media")
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
        let store = sub + "/journal.sqlite"
        #expect(cli(["init", "--school", "Школа № 122", "--timezone", "Europe/Samara"], store: store).code == 0)
        #expect(cli(["journal", "import", samples + "/journal/contingent.jsonl"], store: store).code == 0)
        for s in ["-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: store + s) }
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        chmod(store, 0o444)
        chmod(sub, 0o555)
        defer { chmod(sub, 0o755); chmod(store, 0o644) }
        let status = cli(["status", "--json"], store: store)
        #expect(status.code == 0, "\(status.err)")
        #expect(try JSON.parse(status.out)["counts"]?["students"]?.int == 26)
        let export = cli(["journal", "export"], store: store)
        #expect(export.code == 0, "\(export.err)")
        #expect(export.out.contains(#""id":"cls-5А""#))
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
        if getuid() != 0 {
            let write = cli(["journal", "import", samples + "/journal/week.jsonl"], store: store)
            #expect(write.code == 73, "\(write.err)")
        }
    }

    /// Read-only media for real: as root, the binary runs as `nobody` (setpriv), for whom
    /// chmod holds; otherwise as this user. Reading works (immutable: nothing created
    /// beside the store), a writing command exits 73, not 75.
    @Test(.enabled(if: getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func readOnlyMediaForAnotherUserReadsAndRefusesWrites() throws {
        let dir = try TempDir()
        let sub = dir.path("media")
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
        let store = sub + "/journal.sqlite"
        #expect(cli(["init", "--school", "Школа № 122", "--timezone", "Europe/Samara"], store: store).code == 0)
        #expect(cli(["journal", "import", samples + "/journal/contingent.jsonl"], store: store).code == 0)
        for s in ["-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: store + s) }
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        chmod(dir.url.path, 0o755)
        chmod(store, 0o444)
        chmod(sub, 0o555)
        defer { chmod(sub, 0o755); chmod(store, 0o644) }
        // As root, chmod stops nothing: run the binary as nobody.
        let launcher = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
        func run(_ args: [String]) throws -> CLIResult {
            try runBinary(["--store", store] + args, environment: ProcessInfo.processInfo.environment, launcher: launcher)
        }
        let status = try run(["status", "--json"])
        #expect(status.code == 0, "\(status.err)")
        #expect((try? JSON.parse(status.out))?["counts"]?["students"]?.int == 26, "\(status.out)")
        let export = try run(["journal", "export"])
        #expect(export.code == 0, "\(export.err)")
        #expect(export.out.split(separator: "\n").count == 111)
        let write = try run(["journal", "import", samples + "/journal/week.jsonl"])
        #expect(write.code == 73, "\(write.err)")
        #expect(write.err.contains(store), "\(write.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sub) == ["journal.sqlite"], "nothing created beside the store")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
    }

    @Test func readingCommandsDoNotMigrateAnOlderStore() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir, week: false)
        do { let s = try JournalStore.open(at: store); try s.db.exec("DROP TABLE diary_forecast; DROP TABLE diary_event; DROP TABLE diary_feed; ALTER TABLE sync_base DROP COLUMN agreed_seq; PRAGMA user_version = 2; PRAGMA wal_checkpoint(TRUNCATE)") }
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        for args in [["status"], ["history", "cls-5А"], ["journal", "export"]] {
            let r = cli(args, store: store)
            #expect(r.code == 64, "\(args): \(r.err)")
            #expect(r.err.contains("schema version 2"), "\(r.err)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before, "not migrated, not touched")
        // A writing command upgrades it.
        #expect(cli(["journal", "import", samples + "/journal/contingent.jsonl"], store: store).code == 0)
        #expect(cli(["status"], store: store).code == 0)
    }

    @Test func exportToAMissingDirectoryExits73() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir, week: false)
        let r = cli(["journal", "export", "--out", dir.path("missing/out.jsonl")], store: store)
        #expect(r.code == 73, "\(r.err)")
        #expect(r.err.contains(dir.path("missing/out.jsonl")), "\(r.err)")
    }

    /// A full disk, for real: the file size limit (`ulimit -f`, SIGXFSZ ignored) makes
    /// every write past 50 KB fail as a full disk does (EFBIG; ENOSPC is mapped alike).
    @Test func aStoreThatCannotBeWrittenExits73NotTryLater() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir, week: false)
        _ = try JournalStore.open(at: store).checkpoint()
        let seq = try JournalStore.open(at: store).lastSeq
        let bin = try gatewayBinary().path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", #"trap '' XFSZ; ulimit -f 100; exec "$0" "$@""#, bin, "--store", store, "journal", "import", samples + "/journal/week.jsonl"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 73, "\(e)")
        #expect(e.contains("cannot write the store \(store)"), "\(e)")
        #expect(e.contains("disk is not full"), "\(e)")
        #expect(try JournalStore.open(at: store).lastSeq == seq)
    }
}
