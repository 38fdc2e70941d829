import Foundation
import Testing
@testable import Gateway
import JournalStore
import TestSupport

/// The CLI with `--store postgresql://…?school=CODE`: the same commands, the same results as
/// on an SQLite file (the test process's own PostgreSQL cluster).
struct PostgresCLITests {
    /// `init`, the sample contingent and week, then what the reading commands print.
    func fill(_ store: String) -> [CLIResult] {
        [cli(["init", "--school", "Школа № 122", "--timezone", "Europe/Samara"], store: store),
         cli(["journal", "import", samples + "/journal/contingent.jsonl"], store: store),
         cli(["import", "contingent", samples + "/contingent/list-2026-09-01.csv"], store: store),
         cli(["journal", "import", samples + "/journal/week.jsonl"], store: store)]
    }

    @Test func theSameCommandsGiveTheSameJournal() throws {
        let dir = try TempDir()
        let cluster = try PostgresCluster.shared()
        let pg = cluster.url(database: try cluster.createDatabase(), school: "63-0122")
        let file = dir.path("journal.sqlite")
        let onPG = fill(pg), onFile = fill(file)
        #expect(onPG.map(\.code) == [0, 0, 0, 0], "\(onPG.map(\.err))")
        #expect(onFile.map(\.code) == [0, 0, 0, 0])
        // Import summaries say the same (created, updated, unchanged counts).
        #expect(onPG[1...].map(\.out) == onFile[1...].map { $0.out.replacingOccurrences(of: file, with: pg) })
        #expect(cli(["journal", "export", "--out", dir.path("pg.jsonl")], store: pg).code == 0)
        #expect(cli(["journal", "export", "--out", dir.path("file.jsonl")], store: file).code == 0)
        let exported = try String(contentsOfFile: dir.path("pg.jsonl"), encoding: .utf8)
        #expect(exported.split(separator: "\n").count > 300)
        #expect(exported == (try String(contentsOfFile: dir.path("file.jsonl"), encoding: .utf8)))
        // The change log of one record, and status's counts.
        let student = try #require(exported.split(separator: "\n").first { $0.hasPrefix("{\"type\":\"student\"") })
        let id = try #require(JSONValueID.id(of: String(student)))
        let hPG = cli(["history", id], store: pg), hFile = cli(["history", id], store: file)
        #expect(hPG.code == 0 && !hPG.out.isEmpty)
        #expect(hPG.out.split(separator: "\n").count == hFile.out.split(separator: "\n").count)
        let sPG = cli(["status"], store: pg), sFile = cli(["status"], store: file)
        let counts = { (s: String) in s.split(separator: "\n").first { $0.hasPrefix("Records:") }.map(String.init) }
        #expect(sPG.code == 0 && counts(sPG.out) != nil && counts(sPG.out) == counts(sFile.out))
    }

    @Test func initTwiceAndAWriterWhileAnotherHoldsTheSchool() throws {
        let cluster = try PostgresCluster.shared()
        let pg = cluster.url(database: try cluster.createDatabase(), school: "63-0123")
        #expect(cli(["init", "--school", "Школа", "--timezone", "Europe/Samara"], store: pg).code == 0)
        let again = cli(["init", "--school", "Школа", "--timezone", "Europe/Samara"], store: pg)
        #expect(again.code == ExitCode.usage && again.err.contains("already holds"), "\(again.err)")
        let lock = try RunLock(storePath: pg, command: "sync asu-rso")
        let refused = cli(["journal", "import", samples + "/journal/contingent.jsonl"], store: pg)
        #expect(refused.code == ExitCode.tempFailure && refused.err.contains("in use by journal-gateway sync asu-rso pid"), "\(refused.err)")
        lock.release()
        #expect(cli(["journal", "import", samples + "/journal/contingent.jsonl"], store: pg).code == 0)
        // A school with no store there: «run init first».
        let none = cli(["status"], store: cluster.url(database: try cluster.createDatabase(), school: "63-0999"))
        #expect(none.code == ExitCode.usage, "\(none.err)")
    }
}

extension PostgresCLITests {
    /// `store = postgresql://…` in school.conf is a URL, not a path under the file's folder.
    @Test func aConfigurationNamesAStoreOnTheServer() throws {
        let dir = try TempDir()
        let cluster = try PostgresCluster.shared()
        let pg = cluster.url(database: try cluster.createDatabase(), school: "63-0124")
        #expect(cli(["init", "--school", "Школа", "--timezone", "Europe/Samara"], store: pg).code == 0)
        try "[school]\nstore = \(pg)\ntimezone = Europe/Samara\n".write(toFile: dir.path("school.conf"), atomically: false, encoding: .utf8)
        let (console, read) = Console.capturing()
        let code = CLI.run(["--config", dir.path("school.conf"), "config", "check"], console: console, environment: [:])
        let out = read().out
        #expect(code == 0, "\(out)")
        #expect(out.contains("\(pg): Школа (Europe/Samara)"), "\(out)")
    }
}

/// The `id` of one JSON Lines record (a small parse, enough for the export's lines).
enum JSONValueID {
    static func id(of line: String) -> String? {
        guard let r = line.range(of: "\"id\": \"") ?? line.range(of: "\"id\":\"") else { return nil }
        return String(line[r.upperBound...].prefix { $0 != "\"" })
    }
}
