import Foundation
import Testing
import JournalModel
@testable import JournalStore
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The PostgreSQL backend's foundation on a real server: the test process's throwaway cluster
/// (``PostgresCluster``), a database of its own per test.
@Suite struct PostgresTests {
    /// A fresh database on the shared cluster and a connection for `school` in it (created, migrated).
    func school(_ code: String = "63-0002", database: String? = nil) throws -> (db: String, conn: PGConnection) {
        let cluster = try PostgresCluster.shared()
        let db = try database ?? cluster.createDatabase()
        let conn = try PGSchool.open(PGLocation(parsing: cluster.url(database: db, school: code)), create: true)
        return (db, conn)
    }

    /// A connection to a fresh database (no school): for statements on scratch tables.
    func scratch() throws -> PGConnection {
        let cluster = try PostgresCluster.shared()
        return try PGConnection(PGLocation(parsing: cluster.url(database: try cluster.createDatabase())))
    }

    func failure(_ body: () throws -> Void) -> StoreFailure? {
        do { try body(); return nil } catch let f as StoreFailure { return f } catch { Issue.record("not a StoreFailure: \(error)"); return nil }
    }

    /// Whether `pid` is a live process (a zombie waiting to be reaped is not).
    func running(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(close, offsetBy: 2)] != "Z"
    }

    @Test func aClusterOfItsOwnStartsAndStops() throws {
        let cluster = try PostgresCluster.start()
        #expect(cluster.isRunning)
        let pidFile = cluster.directory + "/data/postmaster.pid"
        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).split(separator: "\n").first.map(String.init) ?? ""))
        #expect(running(pid))
        if getuid() == 0 { #expect(cluster.serverUser != nil) }
        let db = try cluster.createDatabase()
        #expect(try cluster.psql(db, "SELECT current_setting('server_encoding') || ' ' || current_setting('listen_addresses')") == "UTF8 \n")
        cluster.stop()
        // pg_ctl stop -w returns once the postmaster removed its pid file; it exits right after.
        var waited = 0
        while running(pid) && waited < 100 { usleep(100_000); waited += 1 }
        #expect(!running(pid), "the postmaster \(pid) is still alive after stop")
        #expect(!FileManager.default.fileExists(atPath: cluster.directory))
    }

    @Test func locations() throws {
        let l = try PGLocation(parsing: "postgresql://gw:secret@db.region.local:5433/region?school=63-0002&sslmode=require")
        #expect(l.school == "63-0002")
        #expect(l.conninfo == "postgresql://gw:secret@db.region.local:5433/region?sslmode=require")
        #expect(l.schema == "school_63-0002" && l.role == "jg_school_63-0002")
        #expect(!l.redacted.contains("secret") && l.redacted.contains("school=63-0002"))
        let socket = try PGLocation(parsing: "postgresql:///region?host=/var/run/postgresql&school=63-0101")
        #expect(socket.conninfo == "postgresql:///region?host=/var/run/postgresql" && socket.school == "63-0101")
        let escaped = try PGLocation(parsing: "postgres://%2Fvar%2Frun%2Fpostgresql/region?school=63%2D0003")
        #expect(escaped.school == "63-0003" && escaped.conninfo == "postgres://%2Fvar%2Frun%2Fpostgresql/region")
        #expect(PGLocation.redacted("postgresql:///r?user=a&password=p&school=1") == "postgresql:///r?user=a&password=***&school=1")
        #expect(PGLocation.redacted("postgresql://u:p@h/r?sslpassword=k&password=p") == "postgresql://u:***@h/r?sslpassword=***&password=***")
        #expect(PGLocation.redacted("postgresql://h:5432/r?options=a@b:c") == "postgresql://h:5432/r?options=a@b:c", "no userinfo: nothing to hide")
        #expect(JournalStore.printable("postgresql://gw:secret@h/r?school=63-0002") == "postgresql://gw:***@h/r?school=63-0002")
        #expect(JournalStore.printable("/var/lib/journal-gateway/journal.sqlite") == "/var/lib/journal-gateway/journal.sqlite")
        for bad in ["postgresql:///r?school=", "postgresql:///r?school=a\"b", "postgresql:///r?school=1&school=2", "/var/lib/school.sqlite",
                    "postgresql:///r?school=" + String(repeating: "x", count: 41)] {
            #expect(throws: StoreError.self, "\(bad)") { try PGLocation(parsing: bad) }
        }
    }

    @Test func aServerThatIsNotThereIsUnavailable() throws {
        let dir = try TempDir(prefix: "jg-nopg")
        let f = failure { _ = try PGConnection(PGLocation(parsing: "postgresql:///x?host=\(dir.path)&connect_timeout=2&school=1")) }
        #expect(f?.category == .busy && f?.isRetryable == true)
        #expect(f?.message.contains("cannot connect") == true)
    }

    @Test func theSchemaMigratesAsSQLitesDoes() throws {
        let (db, conn) = try school()
        #expect(PGMigrations.latest == Migrations.latest)
        #expect(try PGSchool.version(conn) == Migrations.latest)
        // Migrating again changes nothing; a second connection finds the school at the latest version.
        try PGSchool.migrate(conn)
        let again = try PGSchool.open(PGLocation(parsing: try PostgresCluster.shared().url(database: db, school: "63-0002")))
        #expect(try PGSchool.version(again) == Migrations.latest)

        // The same tables with the same columns in the same order as a new SQLite store's.
        let dir = try TempDir(prefix: "jg-pg-schema")
        let sqlite = try JournalStore.create(at: dir.path("s.sqlite"), school: "63-0002", timeZone: "Europe/Samara")
        var expected: [String: [String]] = [:]
        for row in try sqlite.db.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
            let table = row[0].text!
            expected[table] = try sqlite.db.rows("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(table)]).map { $0[0].text! }
        }
        var actual: [String: [String]] = [:]
        try conn.forEach("""
            SELECT table_name::text, column_name::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name <> 'store_version' AND column_name <> 'rowid' ORDER BY table_name, ordinal_position
            """) { actual[$0[0].text!, default: []].append($0[1].text!) }
        #expect(expected.count >= 25)
        #expect(actual == expected)
        // The compact change log: a blob column, the sequence an identity.
        #expect(try conn.scalar("SELECT data_type::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'change_log' AND column_name = 'changes'") == .text("bytea"))
        try conn.run("INSERT INTO change_log (entity, record_id, op, changes, source, at) VALUES ($1, $2, 'create', $3, 'test', '2026-12-03T10:00:00Z')",
                     [.text("mark"), .text("m1"), .blob([1, 3, 0, 2, 1, 0x35])])
        #expect(try conn.rows("SELECT seq, changes FROM change_log") == [[.int(1), .blob([1, 3, 0, 2, 1, 0x35])]])
    }

    @Test func everyValueShapeRoundTrips() throws {
        let conn = try scratch()
        try conn.exec("CREATE TABLE rt (n integer PRIMARY KEY, i bigint, d double precision, t text, b bytea)")
        let texts = ["", "Ковалёва Наталья Петровна", "ЁЖИК ёжик — «кавычки» №5", "tab\there\nnew line\r\\back\\slash 'q' \"dq\"",
                     "\\N", "😀 emoji 𝔸", String(repeating: "Щ", count: 10_000)]
        let ints: [Int64] = [0, 1, -1, Int64.max, Int64.min, 1 << 40]
        let doubles: [Double] = [0, 0.1, -2.5, 1e300, -1e-300, .pi, .infinity, -.infinity, Double.leastNonzeroMagnitude]
        let blobs: [[UInt8]] = [[], [0], Array(0...255), Array(repeating: 0xff, count: 70_000)]
        var rows: [[SQLValue]] = []
        for k in 0..<max(texts.count, ints.count, doubles.count, blobs.count) {
            rows.append([.int(Int64(k)),
                         k < ints.count ? .int(ints[k]) : .null,
                         k < doubles.count ? .double(doubles[k]) : .null,
                         k < texts.count ? .text(texts[k]) : .null,
                         k < blobs.count ? .blob(blobs[k]) : .null])
        }
        for row in rows { try conn.run("INSERT INTO rt (n, i, d, t, b) VALUES ($1, $2, $3, $4, $5)", row) }
        #expect(try conn.rows("SELECT n, i, d, t, b FROM rt ORDER BY n") == rows)
        // Parameters compared on the server, not only stored and read back.
        #expect(try conn.scalar("SELECT count(*) FROM rt WHERE t = $1", [.text("Ковалёва Наталья Петровна")]) == .int(1))
        #expect(try conn.scalar("SELECT length(t) FROM rt WHERE n = 1") == .int(25))
        #expect(try conn.scalar("SELECT octet_length(b) FROM rt WHERE b = $1", [.blob(Array(0...255))]) == .int(256))
        #expect(try conn.scalar("SELECT count(*) FROM rt WHERE i > $1", [.int(0)]) == .int(3))
        // numeric (sum of bigint) comes back as an integer when it is one, as SQLite's sum does.
        #expect(try conn.scalar("SELECT sum(i) FROM rt WHERE i BETWEEN $1 AND $2", [.int(-1), .int(1 << 41)]) == .int(1 << 40))
        #expect(try conn.scalar("SELECT avg(n) FROM rt WHERE n < 2") == .double(0.5))
        #expect(try conn.scalar("SELECT $1::bigint + 1", [.int(41)]) == .int(42))
        #expect(try conn.scalar("SELECT true") == .int(1))
        #expect(try conn.scalar("SELECT NULL::text") == .null)
        #expect(try conn.scalar("SELECT t FROM rt WHERE n = 99") == nil)
        // The same statement ran on one prepared statement.
        let before = conn.preparedCount
        for _ in 0..<3 { _ = try conn.scalar("SELECT count(*) FROM rt WHERE n < $1", [.int(3)]) }
        #expect(conn.preparedCount == before + 1)
        // PostgreSQL's text cannot hold U+0000 (SQLite's can): refused, not cut.
        let nul = failure { try conn.run("INSERT INTO rt (n, t) VALUES (100, $1)", [.text("a\u{0}b")]) }
        #expect(nul?.message.contains("U+0000") == true)
        #expect(try conn.scalar("SELECT count(*) FROM rt WHERE n = 100") == .int(0))
        let nulCopy = failure { try conn.copy(into: "rt", columns: ["n", "t"], rows: [[.int(100), .text("a")], [.int(101), .text("a\u{0}b")]]) }
        #expect(nulCopy?.message.contains("U+0000") == true)
        #expect(try conn.scalar("SELECT count(*) FROM rt WHERE n >= 100") == .int(0))
    }

    /// Rows that stress COPY's text format: every escape, NULL against the text `\N`, blobs.
    func copyRows(_ n: Int) -> [[SQLValue]] {
        (0..<n).map { k in
            let t: SQLValue = switch k % 5 {
            case 0: .text("Ученик \(k)\tтаб")
            case 1: .text("строка\nперевод\r\\N")
            case 2: .null
            case 3: .text("")
            default: .text("«\(k)» \\ ё")
            }
            return [.int(Int64(k)), k % 7 == 0 ? .null : .int(Int64(k) * 1_000_003 - 500), .double(Double(k) / 3), t,
                    k % 3 == 0 ? .null : .blob((0..<(k % 40)).map { UInt8(($0 * 37 + k) & 0xff) })]
        }
    }

    @Test func copyLoadsWhatPreparedInsertsLoad() throws {
        let conn = try scratch()
        try conn.exec("CREATE TABLE a (n bigint PRIMARY KEY, i bigint, d double precision, t text, b bytea); CREATE TABLE b (LIKE a INCLUDING ALL)")
        let rows = copyRows(5_000)
        let copied = try conn.transaction { try conn.copy(into: "a", columns: ["n", "i", "d", "t", "b"], rows: rows) }
        #expect(copied == rows.count)
        try conn.transaction { for r in rows { try conn.run("INSERT INTO b (n, i, d, t, b) VALUES ($1, $2, $3, $4, $5)", r) } }
        let fromCopy = try conn.rows("SELECT n, i, d, t, b FROM a ORDER BY n")
        #expect(fromCopy == rows)
        #expect(try conn.rows("SELECT n, i, d, t, b FROM b ORDER BY n") == fromCopy)
        #expect(try conn.scalar("SELECT count(*) FROM a WHERE t IS NULL") == .int(1_000))
        #expect(try conn.scalar("SELECT count(*) FROM a WHERE t = $1", [.text("строка\nперевод\r\\N")]) == .int(1_000))

        // A bad row (a duplicate key) fails the whole COPY: nothing of it is kept.
        let dup = [[SQLValue.int(900_000), .null, .null, .null, .null], [.int(0), .null, .null, .null, .null]]
        let f = failure { try conn.copy(into: "a", columns: ["n", "i", "d", "t", "b"], rows: dup) }
        #expect(f?.category == .constraint)
        #expect(try conn.scalar("SELECT count(*) FROM a") == .int(Int64(rows.count)))
        // A row of the wrong width is refused before the server sees it, and nothing is kept.
        let short = failure { try conn.copy(into: "a", columns: ["n", "i", "d", "t", "b"], rows: [[.int(900_001), .null, .null, .null, .null], [.int(900_002)]]) }
        #expect(short?.message.contains("row 2 has 1 values for 5 columns") == true)
        #expect(try conn.scalar("SELECT count(*) FROM a WHERE n >= 900000") == .int(0))
        // The connection is usable after both.
        #expect(try conn.scalar("SELECT 1") == .int(1))
    }

    @Test func constraintsMapToTheStoresCategories() throws {
        let (_, conn) = try school("63-0010")
        try conn.run("INSERT INTO academic_year (id, name, start_date, end_date) VALUES ($1, $2, $3, $4)",
                     [.text("y"), .text("2026/2027"), .text("2026-09-01"), .text("2027-05-31")])
        let unique = failure { try conn.run("INSERT INTO academic_year (id, name, start_date, end_date) VALUES ('y2', '2026/2027', 'a', 'b')") }
        #expect(unique?.category == .constraint && unique?.isForeignKeyViolation == false && unique?.isRuleViolation == false)
        #expect(unique?.message.hasPrefix("PostgreSQL 23505:") == true)
        let foreign = failure { try conn.run("INSERT INTO study_period (id, year, name, start_date, end_date) VALUES ('p', 'nope', '1', 'a', 'b')") }
        #expect(foreign?.category == .constraint && foreign?.isForeignKeyViolation == true)
        let check = failure { try conn.run("INSERT INTO student (id, surname, name, status) VALUES ('s', 'Иванов', 'Иван', 'expelled')") }
        #expect(check?.category == .constraint && check?.isRuleViolation == true)
        let notNull = failure { try conn.run("INSERT INTO subject (id, name) VALUES ($1, $2)", [.text("x"), .null]) }
        #expect(notNull?.category == .constraint)
        // Deferred foreign keys (the store's deferForeignKeyChecks): checked at COMMIT, not per statement.
        try conn.transaction {
            try conn.exec("SET CONSTRAINTS ALL DEFERRED")
            try conn.run("INSERT INTO study_period (id, year, name, start_date, end_date) VALUES ('p1', 'y9', '1', 'a', 'b')")
            try conn.run("INSERT INTO academic_year (id, name, start_date, end_date) VALUES ('y9', '2027/2028', 'a', 'b')")
        }
        let atCommit = failure { try conn.transaction {
            try conn.exec("SET CONSTRAINTS ALL DEFERRED")
            try conn.run("INSERT INTO study_period (id, year, name, start_date, end_date) VALUES ('p2', 'missing', '2', 'a', 'b')")
        } }
        #expect(atCommit?.isForeignKeyViolation == true)
        #expect(try conn.scalar("SELECT count(*) FROM study_period") == .int(1))
    }

    @Test func aSerializationFailureIsRetryable() throws {
        let cluster = try PostgresCluster.shared()
        let url = cluster.url(database: try cluster.createDatabase())
        let a = try PGConnection(PGLocation(parsing: url)), b = try PGConnection(PGLocation(parsing: url))
        try a.exec("CREATE TABLE duty (name text PRIMARY KEY, on_call boolean NOT NULL); INSERT INTO duty VALUES ('A', true), ('B', true)")
        // Write skew: each takes the other off call after seeing two on call. SERIALIZABLE refuses one.
        try a.exec("BEGIN ISOLATION LEVEL SERIALIZABLE"); try b.exec("BEGIN ISOLATION LEVEL SERIALIZABLE")
        #expect(try a.scalar("SELECT count(*) FROM duty WHERE on_call") == .int(2))
        #expect(try b.scalar("SELECT count(*) FROM duty WHERE on_call") == .int(2))
        try a.run("UPDATE duty SET on_call = false WHERE name = 'A'")
        try b.run("UPDATE duty SET on_call = false WHERE name = 'B'")
        try a.exec("COMMIT")
        let f = failure { try b.exec("COMMIT") }
        #expect(f?.message.hasPrefix("PostgreSQL 40001:") == true)
        #expect(f?.isRetryable == true && f?.category == .busy)
        #expect(try b.scalar("SELECT count(*) FROM duty WHERE on_call") == .int(1))
        // retryingTransaction runs it again and then sees A's commit.
        var attempts = 0
        try b.retryingTransaction { attempts += 1; if try b.scalar("SELECT count(*) FROM duty WHERE on_call") == .int(2) { try b.run("UPDATE duty SET on_call = false WHERE name = 'B'") } }
        #expect(attempts == 1)
        #expect(try a.scalar("SELECT count(*) FROM duty WHERE on_call") == .int(1))
    }

    @Test func savepointsUndoOnlyTheirBody() throws {
        let conn = try scratch()
        try conn.exec("CREATE TABLE t (k integer PRIMARY KEY)")
        try conn.transaction {
            try conn.run("INSERT INTO t VALUES (1)")
            let f = failure { try conn.savepoint { try conn.run("INSERT INTO t VALUES (2)"); try conn.run("INSERT INTO t VALUES (1)") } }
            #expect(f?.category == .constraint)
            try conn.savepoint { try conn.savepoint { try conn.run("INSERT INTO t VALUES (3)") } }
            try conn.run("INSERT INTO t VALUES (4)")
        }
        #expect(try conn.rows("SELECT k FROM t ORDER BY k") == [[.int(1)], [.int(3)], [.int(4)]])
        #expect(!conn.inTransaction)
        // A throw rolls the whole transaction back.
        struct Stop: Error {}
        #expect(throws: Stop.self) { try conn.transaction { try conn.run("INSERT INTO t VALUES (5)"); throw Stop() } }
        #expect(try conn.scalar("SELECT count(*) FROM t") == .int(3))
    }

    @Test func theRunLockIsAnAdvisoryLockPerKey() throws {
        let cluster = try PostgresCluster.shared()
        let url = cluster.url(database: try cluster.createDatabase())
        let a = try PGConnection(PGLocation(parsing: url)), b = try PGConnection(PGLocation(parsing: url))
        #expect(try a.tryAdvisoryLock("run 63-0002"))
        #expect(try !b.tryAdvisoryLock("run 63-0002"))
        #expect(try b.tryAdvisoryLock("run 63-0003"))
        #expect(try a.advisoryUnlock("run 63-0002"))
        #expect(try b.tryAdvisoryLock("run 63-0002"))
        #expect(try !a.advisoryUnlock("run 63-0002"))
    }

    @Test func oneSchoolCannotReadOrWriteAnothers() throws {
        let (db, a) = try school("63-0101")
        let (_, b) = try school("63-0102", database: db)
        try a.run("INSERT INTO meta (key, value) VALUES ($1, $2)", [.text("school"), .text("Школа А")])
        try b.run("INSERT INTO meta (key, value) VALUES ($1, $2)", [.text("school"), .text("Школа Б")])
        // Unqualified names are the connection's own school's.
        #expect(try a.rows("SELECT value FROM meta") == [[.text("Школа А")]])
        #expect(try b.rows("SELECT value FROM meta") == [[.text("Школа Б")]])
        // Naming the other school's schema: refused, reading and writing.
        let other = pgIdentifier("school_63-0101")
        let attempts = [
            "SELECT value FROM \(other).meta",
            "INSERT INTO \(other).meta (key, value) VALUES ('x', 'y')",
            "UPDATE \(other).meta SET value = 'взлом'",
            "DELETE FROM \(other).meta",
            "CREATE TABLE \(other).intruder (k text)",
            "SELECT count(*) FROM \(other).change_log",
        ]
        for sql in attempts {
            let f = failure { try b.run(sql) }
            #expect(f?.message.hasPrefix("PostgreSQL 42501:") == true, "\(sql): \(f.map(\.message) ?? "allowed")")
        }
        // Pointing the search path at it does not help: the schema is not visible to B's role.
        try b.exec("SET search_path = \(other)")
        #expect(failure { try b.run("SELECT value FROM meta") } != nil)
        #expect(try b.scalar("SELECT current_user") == .text("jg_school_63-0102"))
        // A's data is as A left it.
        #expect(try a.rows("SELECT key, value FROM meta") == [[.text("school"), .text("Школа А")]])
        #expect(try a.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'school_63-0101' AND tablename = 'intruder'") == .int(0))
        // Every table of the school belongs to its role, none to the administrator.
        #expect(try a.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'school_63-0101' AND tableowner <> 'jg_school_63-0101'") == .int(0))
    }

    @Test func enteringASchoolWithoutAStoreIsRefused() throws {
        let cluster = try PostgresCluster.shared()
        let loc = try PGLocation(parsing: cluster.url(database: try cluster.createDatabase(), school: "63-0999"))
        #expect(throws: StoreError.self) { try PGSchool.open(loc) }
        let noSchool = try PGLocation(parsing: cluster.url(database: "postgres"))
        #expect(throws: StoreError.self) { try PGSchool.open(noSchool) }
    }
}

/// The run lock of a PostgreSQL store: an advisory lock per school, naming its holder.
@Suite struct PostgresRunLockTests {
    @Test func aSecondWriterOfTheSameSchoolIsRefusedAndAnotherSchoolIsNot() throws {
        let cluster = try PostgresCluster.shared()
        let db = try cluster.createDatabase()
        let a = cluster.url(database: db, school: "63-0201"), b = cluster.url(database: db, school: "63-0202")
        _ = try JournalStore.create(at: a, school: "Школа 1", timeZone: "Europe/Samara")
        _ = try JournalStore.create(at: b, school: "Школа 2", timeZone: "Europe/Samara")
        let first = try RunLock(storePath: a, command: "sync")
        do {
            _ = try RunLock(storePath: a, command: "journal import")
            Issue.record("a second run lock on the same school was granted")
        } catch let e as StoreError {
            #expect(e.kind == .locked)
            #expect(e.message.contains("in use by journal-gateway sync pid \(getpid()), since 20"), "\(e.message)")
            #expect(!e.message.contains("password"))
        }
        let other = try RunLock(storePath: b, command: "sync")
        first.release()
        let again = try RunLock(storePath: a, command: "journal import")
        again.release(); other.release()
    }
}

/// A PostgreSQL store's SQLite copy (what a dry run works on).
@Suite struct PostgresCopyTests {
    @Test func theCopyHoldsEveryRecordAndTheWholeChangeLog() throws {
        let dir = try TempDir()
        let origin = Origin(source: "test", runID: "run-1", account: "admin")
        let store = try JournalStore.create(at: try storeLocation(.postgresql, dir), school: "Школа", timeZone: "Europe/Samara")
        try store.transaction { for r in sampleRecords() { try store.write(r, origin: origin) } }
        #expect(try store.transaction { try store.delete(.attendance, id: "a1", origin: origin) })
        try store.setMeta("diary_school_id", "63-0002")
        try store.copy(to: dir.path("copy.sqlite"))
        let copy = try JournalStore.open(at: dir.path("copy.sqlite"))
        #expect(copy.backend == .sqlite)
        for r in sampleRecords() where r.kind != .attendance {
            #expect(copy.record(r.kind, id: r.id) == store.record(r.kind, id: r.id), "\(r.kind)")
        }
        #expect(copy.record(.attendance, id: "a1") == nil)
        #expect(try copy.isTombstoned(.attendance, id: "a1"))
        #expect(copy.lastSeq == store.lastSeq && copy.lastSeq == sampleRecords().count + 1)
        let described = { (e: [ChangeEntry]) in e.map { "\($0.seq) \($0.entity) \($0.recordID) \($0.op) \($0.changes) \($0.origin) \($0.at)" } }
        let copied = try copy.changes(since: 0), original = try store.changes(since: 0)
        #expect(copied.count == sampleRecords().count + 1)
        #expect(described(copied) == described(original))
        #expect(try copy.meta("diary_school_id") == "63-0002")
        #expect(copy.school.name == "Школа")
        // The copy goes on from the same seq: a new entry follows the last one.
        try copy.transaction { _ = try copy.write(Record(.subject, id: "rus", ["name": .text("Русский язык")]), origin: origin) }
        #expect(copy.lastSeq == store.lastSeq + 1)
    }
}
