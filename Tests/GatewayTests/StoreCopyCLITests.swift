import Foundation
import Testing
@testable import Gateway
import JournalModel
@testable import JournalStore
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `journal-gateway store copy` end to end: a school synced with the АСУ РСО emulator moves from
/// its SQLite file onto the test process's PostgreSQL cluster; the reading commands say the
/// same on both, and the next sync on the copy sends nothing again. A copy killed midway keeps
/// nothing; a changed row on the target is found.
struct StoreCopyCLITests {
    func serverSchool(_ school: String) throws -> (url: String, database: String) {
        let cluster = try PostgresCluster.shared()
        let db = try cluster.createDatabase()
        return (cluster.url(database: db, school: school), db)
    }

    /// Rows in every table of the school on the server.
    func rowsOnServer(_ url: String) throws -> Int {
        let pg = try PGConnection(PGLocation(parsing: url))
        guard try PGSchool.exists(on: pg, school: pg.location.school!) else { return 0 }
        try PGSchool.enter(pg)
        return try StoreSchema.current.tables.reduce(0) { $0 + (try pg.scalar("SELECT count(*) FROM " + pgIdentifier($1.name))?.int ?? 0) }
    }

    @Test func aSyncedSchoolMovesOntoTheServerAndSyncsOnWithNothingSentTwice() throws {
        let dir = try TempDir()
        let file = try ASURSOSyncE2ETests.freshStore(dir)
        let e = try PortalHarness.startASURSO()
        defer { e.stop() }
        let env = PortalHarness.asuRSO.env(e)
        let first = try runBinary(PortalHarness.asuRSO.syncArgs(e, store: file), environment: env)
        #expect(first.code == 0, "\(first.err)")
        let applied = try #require(e.stats()["operations_applied"]?.int)
        #expect(applied > 0, "the file's sync pushed its local mark")

        let (pg, _) = try serverSchool("63-0122")
        let dry = try runBinary(["store", "copy", "--from", file, "--to", pg, "--dry-run", "--json"])
        #expect(dry.code == 0, "\(dry.err)")
        #expect(try rowsOnServer(pg) == 0, "a dry run writes nothing")
        let copied = try runBinary(["store", "copy", "--from", file, "--to", pg, "--json"])
        #expect(copied.code == 0, "\(copied.err)")
        let report = try JSON.parse(copied.out)
        #expect(report["ok"] == .bool(true) && report["committed"] == .bool(true))
        let tables = report["tables"]?.array ?? []
        #expect(tables.count == StoreSchema.current.tables.count)
        #expect(tables.allSatisfy { $0["ok"] == .bool(true) && $0["source_sha256"] == $0["target_sha256"] && $0["source_rows"] == $0["target_rows"] })
        let rows = { (name: String) in tables.first { $0["table"]?.string == name }?["source_rows"]?.int ?? 0 }
        for name in ["change_log", "identity", "sync_base", "sync_run", "run_checkpoint", "sync_cursor", "outbox", "meta", "mark", "lesson"] {
            #expect(rows(name) > 0, "a synced store has \(name) rows to carry")
        }
        #expect(dry.out.contains("\"rows\": \(report["rows"]?.int ?? -1)"), "the dry run counted the same rows")

        // The reading commands say the same on both (status names its own store).
        let export = cli(["journal", "export"], store: file).out
        let markID = try #require(export.split(separator: "\n").first { $0.contains("\"type\":\"mark\"") || $0.contains("\"type\": \"mark\"") }.flatMap { JSONValueID.id(of: String($0)) })
        for args in [["journal", "export"], ["status", "--json"], ["status"], ["conflicts", "list", "--all", "--json"], ["conflicts", "--all"],
                     ["history", markID, "--json"], ["history", "mk-local-only"]] {
            let a = cli(args, store: file), b = cli(args, store: pg)
            #expect(a.code == 0 && b.code == 0, "\(args): \(a.err) \(b.err)")
            // The diary's oldest undelivered change has an age: the clock's, not the store's.
            let clock = { (line: Substring) in !line.contains("oldest undelivered") && !line.contains("diary_oldest_undelivered_age_s") }
            let expected = a.out.replacingOccurrences(of: file, with: pg).split(separator: "\n", omittingEmptySubsequences: false).filter(clock)
            let got = b.out.split(separator: "\n", omittingEmptySubsequences: false).filter(clock)
            let first = zip(expected, got).enumerated().first { $0.element.0 != $0.element.1 }
            #expect(!a.out.isEmpty && got == expected,
                    "\(args) differs on the copy: \(expected.count) vs \(got.count) lines; first at \(first.map { "\($0.offset): «\($0.element.0)» vs «\($0.element.1)»" } ?? "-")")
        }

        // The next sync runs on the copy and sends nothing again: outbox, keys and bases came along.
        let again = try runBinary(PortalHarness.asuRSO.syncArgs(e, store: pg), environment: env)
        #expect(again.code == 0, "\(again.err)")
        let summary = try JSON.parse(again.out)
        let pushed = (summary["entities"]?.pairs ?? []).reduce(0) { $0 + ($1.1["pushed"]?.int ?? 0) }
        #expect(pushed == 0, "nothing is sent twice")
        #expect(e.stats()["operations_applied"]?.int == applied)
        #expect(e.stats()["idempotent_replays"]?.int == 0)
        #expect(cli(["journal", "export"], store: pg).out == export)
        // A new local mark on the copy reaches the portal once, in a new change after the copied ones.
        let extra = dir.path("extra.jsonl")
        let pupil = try #require(export.split(separator: "\n").first { $0.contains("student") && $0.contains("cls-9А") && !$0.contains("stu-09-1026") && JSONValueID.id(of: String($0))?.hasPrefix("stu-") == true }
            .flatMap { JSONValueID.id(of: String($0)) })
        try (#"{"type": "mark", "id": "mk-after-move", "lesson": "les-9А-2026-09-07-1", "student": ""# + pupil + #"", "work_type": "wt-self", "value": "4", "weight": 1}"# + "\n")
            .write(toFile: extra, atomically: false, encoding: .utf8)
        let imported = cli(["journal", "import", extra], store: pg)
        #expect(imported.code == 0, "\(imported.out) \(imported.err)")
        let third = try runBinary(PortalHarness.asuRSO.syncArgs(e, store: pg), environment: env)
        #expect(third.code == 0, "\(third.err)")
        #expect(try JSON.parse(third.out)["entities"]?["mark"]?["pushed"]?.int == 1)
        #expect(e.stats()["operations_applied"]?.int == applied + 1)
        let history = cli(["history", "mk-after-move", "--json"], store: pg).out
        #expect(try JSON.parse(history).array?.first?["seq"]?.int ?? 0 > (try JSON.parse(copied.out)["marks"]?.array?.first { $0["table"]?.string == "change_log" }?["source"]?.int ?? .max))
    }

    @Test func aCopyKilledMidwayLeavesTheTargetEmpty() throws {
        let dir = try TempDir()
        let file = dir.path("journal.sqlite")
        for args in [["init", "--school", "Школа № 122", "--timezone", "Europe/Samara"], ["journal", "import", samples + "/journal/contingent.jsonl"],
                     ["journal", "import", samples + "/journal/week.jsonl"]] {
            #expect(cli(args, store: file).code == 0)
        }
        let (pg, database) = try serverSchool("63-0125")
        // The school's empty tables, and a lock that lets the copy read them but stops its COPY
        // into `teacher` (SHARE conflicts with COPY's ROW EXCLUSIVE, not with SELECT): the copy
        // stops there with every table before it loaded, uncommitted.
        _ = try PGSchool.open(PGLocation(parsing: pg), create: true)
        let holder = try PGConnection(PGLocation(parsing: PostgresCluster.shared().url(database: database)))
        try holder.exec(#"BEGIN; LOCK TABLE "school_63-0125".teacher IN SHARE MODE"#)
        let p = Process()
        p.executableURL = try gatewayBinary()
        p.arguments = ["store", "copy", "--from", file, "--to", pg]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        var waiting = false
        for _ in 0..<1200 where !waiting {
            waiting = try holder.scalar("""
                SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                WHERE NOT l.granted AND c.relname = 'teacher' AND l.mode = 'RowExclusiveLock'
                """)?.int == 1
            if !waiting { usleep(50_000) }
        }
        #expect(waiting, "the copy never reached the locked table")
        // Midway: the copy's transaction holds the tables it loaded.
        let loaded = try holder.scalar("""
            SELECT count(DISTINCT c.relname) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE l.granted AND l.mode = 'RowExclusiveLock' AND c.relname IN ('change_log', 'lesson', 'mark', 'student')
            """)?.int
        #expect(loaded == 4, "the tables before `teacher` were loaded")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        try holder.exec("ROLLBACK")
        // The server ends the killed client's transaction; nothing of it is visible, then or after.
        var gone = false
        for _ in 0..<1200 where !gone {
            gone = try holder.scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")?.int == 0
            if !gone { usleep(50_000) }
        }
        #expect(gone)
        #expect(try rowsOnServer(pg) == 0)
        let retried = cli(["store", "copy", "--from", file, "--to", pg], store: file)
        #expect(retried.code == 0, "\(retried.err)")
        #expect(try rowsOnServer(pg) > 0)
    }

    @Test func aChangedRowIsFoundAndExitCodesSayWhat() throws {
        let dir = try TempDir()
        let file = try sampleStore(dir)
        let (pg, database) = try serverSchool("63-0126")
        let copied = cli(["store", "copy", "--from", file, "--to", pg], store: file)
        #expect(copied.code == 0 && copied.out.contains("every table's row count and SHA-256 checksum agree"), "\(copied.out) \(copied.err)")
        #expect(cli(["store", "copy", "--from", file, "--to", pg, "--verify"], store: file).code == 0)
        // Again onto the same school: refused (64), nothing changed; --dry-run says so too.
        let twice = cli(["store", "copy", "--from", file, "--to", pg], store: file)
        #expect(twice.code == ExitCode.usage && twice.err.contains("--replace"), "\(twice.err)")
        // A mark changed on the server: --verify names the table, exit 65, ok false.
        try PostgresCluster.shared().psql(database, #"UPDATE "school_63-0126".mark SET value = '2' WHERE id = (SELECT min(id) FROM "school_63-0126".mark)"#)
        let verify = cli(["store", "copy", "--from", file, "--to", pg, "--verify", "--json"], store: file)
        #expect(verify.code == ExitCode.dataError)
        #expect(verify.err.contains("table mark differs"), "\(verify.err)")
        let j = try JSON.parse(verify.out)
        #expect(j["ok"] == .bool(false))
        #expect((j["tables"]?.array ?? []).filter { $0["ok"] == .bool(false) }.compactMap { $0["table"]?.string } == ["mark"])
        // --replace puts the file's rows back, verified.
        #expect(cli(["store", "copy", "--from", file, "--to", pg, "--replace"], store: file).code == 0)
        #expect(cli(["store", "copy", "--from", file, "--to", pg, "--verify"], store: file).code == 0)
        // No server there: temporary failure, as every store command (75).
        let absent = cli(["store", "copy", "--from", file, "--to", "postgresql:///region?host=\(dir.path("no-server"))&school=63-0126"], store: file)
        #expect(absent.code == ExitCode.tempFailure, "\(absent.err)")
        // And back: the server's school as a new SQLite file; an existing file is not overwritten.
        let back = dir.path("back.sqlite")
        #expect(cli(["store", "copy", "--from", pg, "--to", back], store: file).code == 0)
        #expect(cli(["journal", "export"], store: back).out == cli(["journal", "export"], store: file).out)
        #expect(cli(["store", "copy", "--from", pg, "--to", back], store: file).code == ExitCode.usage)
        #expect(cli(["store", "copy", "--from", pg, "--to", dir.path("other.sqlite"), "--replace"], store: file).code == ExitCode.usage)
        #expect(cli(["store", "copy", "--from", file, "--to", file], store: file).code == ExitCode.usage)
        #expect(!FileManager.default.fileExists(atPath: dir.path("other.sqlite")))
    }

    /// A password in a PostgreSQL `--store` never shows: messages, errors, status, JSON, copies.
    @Test func aPasswordInTheStoreURLIsNeverPrinted() throws {
        let dir = try TempDir()
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase()
        let secret = "s3cr3t-Pw"
        // Trust authentication ignores the password; libpq still takes it from both places.
        let url = "postgresql://jg:\(secret)@/\(database)?host=\(cluster.socketDirectory)&password=\(secret)&school=63-0127"
        var seen: [String] = []
        func run(_ args: [String], store: String? = url) -> CLIResult {
            let r = store.map { cli(args, store: $0) } ?? cli(args, store: dir.path("unused.sqlite"))
            seen.append(r.out + "\n" + r.err)
            return r
        }
        #expect(run(["init", "--school", "Школа", "--timezone", "Europe/Samara"]).code == 0)
        #expect(run(["init", "--school", "Школа", "--timezone", "Europe/Samara", "--json"]).code == ExitCode.usage)
        #expect(run(["journal", "import", samples + "/journal/contingent.jsonl"]).code == 0)
        #expect(run(["status"]).code == 0)
        #expect(run(["status", "--json"]).code == 0)
        #expect(run(["journal", "import", dir.path("missing.jsonl")]).code != 0)
        let lock = try RunLock(storePath: url, command: "sync asu-rso")
        #expect(run(["journal", "import", samples + "/journal/contingent.jsonl"]).code == ExitCode.tempFailure)
        lock.release()
        let file = dir.path("copy.sqlite")
        #expect(run(["store", "copy", "--from", url, "--to", file, "--json"], store: nil).code == 0)
        #expect(run(["store", "copy", "--from", url, "--to", file, "--verify"], store: nil).code == 0)
        #expect(run(["store", "copy", "--from", file, "--to", url], store: nil).code == ExitCode.usage)
        #expect(run(["store", "copy", "--from", file, "--to", url, "--dry-run", "--replace"], store: nil).code == 0)
        let unreachable = "postgresql://jg:\(secret)@/\(database)?host=\(dir.path("none"))&school=63-0127"
        #expect(run(["status"], store: unreachable).code == ExitCode.tempFailure)
        #expect(run(["journal", "import", samples + "/journal/contingent.jsonl"], store: unreachable).code == ExitCode.tempFailure)
        #expect(run(["store", "copy", "--from", file, "--to", unreachable], store: nil).code == ExitCode.tempFailure)
        try "[school]\nstore = \(url)\ntimezone = Europe/Samara\n".write(toFile: dir.path("school.conf"), atomically: false, encoding: .utf8)
        let (console, read) = Console.capturing()
        _ = CLI.run(["--config", dir.path("school.conf"), "config", "check"], console: console, environment: [:])
        seen.append(read().out + read().err)
        for (i, text) in seen.enumerated() {
            #expect(!text.contains(secret), "output \(i) shows the password: \(text.prefix(600))")
        }
        #expect(seen.contains { $0.contains("jg:***@") }, "the redacted form is what shows")
        // Nor is it kept in the store (run records, settings).
        let dump = try cluster.psql(database, #"SELECT string_agg(t::text, ' ') FROM "school_63-0127".sync_run t UNION ALL SELECT string_agg(m::text, ' ') FROM "school_63-0127".meta m"#)
        #expect(!dump.contains(secret) && dump.contains("journal import"), "\(dump.prefix(300))")
    }
}
