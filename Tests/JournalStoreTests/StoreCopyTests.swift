import Foundation
import Testing
import JournalModel
@testable import JournalStore
import TestSupport

/// `store copy` on the store's own level: an SQLite file onto a school on the test process's
/// PostgreSQL cluster and back, every table verified by rows and checksum; what must leave the
/// target untouched (a bad row, a row changed on the way, a target that holds rows).
@Suite struct StoreCopyTests {
    let origin = Origin(source: "test", runID: "run-1", account: "admin")

    /// An SQLite store with every kind, a deletion, a setting, a conflict, outbox rows, a run
    /// with checkpoints, and subjects written out of key order (insertion order matters there).
    func filledFile(_ dir: TempDir, name: String = "school.sqlite") throws -> JournalStore {
        let store = try JournalStore.create(at: dir.path(name), school: "Школа № 5", timeZone: "Europe/Samara")
        try store.transaction { for r in sampleRecords() { try store.write(r, origin: origin) } }
        #expect(try store.transaction { try store.delete(.attendance, id: "a1", origin: origin) })
        try store.transaction {
            for (id, subject) in [("rus", "Русский язык"), ("alg", "Алгебра"), ("bio", "Биология\tи\nэкология \\N")] {
                _ = try store.write(Record(.subject, id: id, ["name": .text(subject)]), origin: origin)
            }
        }
        try store.setMeta("diary_school_id", "63-0005")
        try store.db.run("INSERT INTO sync_run (id, counterpart, command, started_at, status) VALUES ('run-1', 'asu-rso', 'sync', '2026-09-07T18:00:00Z', 'done')")
        try store.db.run("INSERT INTO run_checkpoint (run_id, seq, kind, detail, at) VALUES ('run-1', 1, 'page', '{}', '2026-09-07T18:00:01Z')")
        for (key, status) in [("k-b", "pending"), ("k-a", "applied")] {
            try store.db.run("INSERT INTO outbox (key, counterpart, entity, local_id, op, payload, status, created_at) VALUES (?, 'asu-rso', 'mark', 'm1', 'upsert', '{}', ?, '2026-09-07T18:00:02Z')",
                             [.text(key), .text(status)])
        }
        for field in ["value", "weight"] {
            try store.db.run("INSERT INTO conflict (counterpart, entity, local_id, field, local, remote, policy, created_at) VALUES ('asu-rso', 'mark', 'm1', ?, '5', '4', 'ask', '2026-09-07T18:00:03Z')", [.text(field)])
        }
        // A conflict row removed again: the AUTOINCREMENT mark is past the largest id left.
        try store.db.run("INSERT INTO conflict (counterpart, entity, local_id, field, policy, created_at) VALUES ('asu-rso', 'mark', 'm1', 'point', 'ask', '2026-09-07T18:00:04Z')")
        try store.db.run("DELETE FROM conflict WHERE field = 'point'")
        return store
    }

    func server(_ school: String = "63-0005") throws -> (url: String, database: String) {
        let cluster = try PostgresCluster.shared()
        let db = try cluster.createDatabase()
        return (cluster.url(database: db, school: school), db)
    }

    /// Rows in every table of the school on the server (0 when its schema is not there).
    func rowsOnServer(_ url: String) throws -> Int {
        let pg = try PGConnection(PGLocation(parsing: url))
        guard try PGSchool.exists(on: pg, school: pg.location.school!) else { return 0 }
        try PGSchool.enter(pg)
        return try StoreSchema.current.tables.reduce(0) { $0 + (try pg.scalar("SELECT count(*) FROM " + pgIdentifier($1.name))?.int ?? 0) }
    }

    @Test func aFileOntoTheServerAndBackKeepsEveryRowSeqAndOrder() throws {
        let dir = try TempDir()
        let file = try filledFile(dir)
        let (url, _) = try server()
        let report = try StoreCopy.run(from: file.path, to: url)
        #expect(report.ok && report.committed, "\(report.mismatched)")
        #expect(report.tables.map(\.name) == StoreSchema.current.tables.map(\.name))
        #expect(report.tables.count >= 30, "every table of the schema")
        let expectedRows = try StoreSchema.current.tables.map { try StoreCopy.count(file.db, $0) }
        #expect(report.tables.map(\.sourceRows) == expectedRows)
        #expect(report.tables.allSatisfy { $0.targetRows == $0.sourceRows && $0.targetChecksum == $0.sourceChecksum && $0.sourceChecksum?.count == 64 })
        #expect(report.marks.first { $0.table == "conflict" }?.source == 3, "the deleted conflict's id stays used")

        let copy = try JournalStore.open(at: url)
        #expect(copy.backend == .postgresql && copy.school.name == "Школа № 5")
        for r in sampleRecords() where r.kind != .attendance { #expect(copy.record(r.kind, id: r.id) == file.record(r.kind, id: r.id), "\(r.kind)") }
        #expect(try copy.isTombstoned(.attendance, id: "a1"))
        #expect(try copy.meta("diary_school_id") == "63-0005")
        let described = { (e: [ChangeEntry]) in e.map { "\($0.seq) \($0.entity) \($0.recordID) \($0.op) \($0.changes) \($0.origin) \($0.at)" } }
        #expect(described(try copy.changes(since: 0)) == described(try file.changes(since: 0)))
        // Insertion order (subjects, outbox) as in the file, not the keys' order.
        let order = "SELECT id FROM subject ORDER BY rowid"
        #expect(try copy.db.rows(order).map { $0[0] } == (try file.db.rows(order).map { $0[0] }))
        #expect(try copy.db.rows("SELECT key FROM outbox ORDER BY rowid").map { $0[0].text } == ["k-b", "k-a"])
        // New rows continue after the copied ones: seq, conflict id, rowid.
        let lastSeq = copy.lastSeq
        try copy.transaction { _ = try copy.write(Record(.subject, id: "geo", ["name": .text("География")]), origin: origin) }
        #expect(copy.lastSeq == lastSeq + 1)
        #expect(try copy.db.rows(order).last?[0].text == "geo")
        try copy.db.run("INSERT INTO conflict (counterpart, entity, local_id, field, policy, created_at) VALUES ('asu-rso', 'mark', 'm1', 'x', 'ask', 'now')")
        #expect(copy.db.lastInsertRowID == 4)

        // And back: the server's school as a new SQLite file equals the original, table by table.
        let back = dir.path("back.sqlite")
        let original = try StoreCopy.run(from: file.path, to: url, options: .init(mode: .verify))
        #expect(!original.ok && original.mismatched.contains("subject") && original.mismatched.contains("change_log"), "the copy has moved on: \(original.mismatched)")
        let returned = try StoreCopy.run(from: url, to: back)
        #expect(returned.ok && returned.committed)
        #expect(try StoreCopy.run(from: url, to: back, options: .init(mode: .verify)).ok)
        let reopened = try JournalStore.open(at: back)
        #expect(reopened.lastSeq == copy.lastSeq)
        #expect(try reopened.db.rows(order).map { $0[0] } == (try copy.db.rows(order).map { $0[0] }))
        try reopened.db.run("INSERT INTO conflict (counterpart, entity, local_id, field, policy, created_at) VALUES ('asu-rso', 'mark', 'm1', 'y', 'ask', 'now')")
        #expect(reopened.db.lastInsertRowID == 5)
        #expect(!FileManager.default.fileExists(atPath: back + ".copy-\(getpid())"))
    }

    @Test func aTargetThatHoldsRowsIsRefusedUnlessReplaced() throws {
        let dir = try TempDir()
        let file = try filledFile(dir)
        let (url, _) = try server()
        #expect(try StoreCopy.run(from: file.path, to: url).committed)
        let before = try rowsOnServer(url)
        do {
            _ = try StoreCopy.run(from: file.path, to: url)
            Issue.record("a second copy onto the same school was not refused")
        } catch let e as StoreError {
            #expect(e.kind == .alreadyInitialized && e.message.contains("--replace"), "\(e)")
        }
        #expect(try rowsOnServer(url) == before)
        // The school moved on meanwhile: --replace puts the file's state back, verified.
        let moved = try JournalStore.open(at: url)
        try moved.transaction { _ = try moved.write(Record(.subject, id: "geo", ["name": .text("География")]), origin: origin) }
        let replaced = try StoreCopy.run(from: file.path, to: url, options: .init(replace: true))
        #expect(replaced.ok && replaced.committed)
        #expect(try JournalStore.open(at: url).record(.subject, id: "geo") == nil)
        // A dry run counts and writes nothing; onto a school with rows it says it would be refused.
        let (other, _) = try server("63-0006")
        let dry = try StoreCopy.run(from: file.path, to: other, options: .init(mode: .dryRun))
        #expect(!dry.committed && dry.tables.allSatisfy { $0.targetRows == nil && $0.sourceChecksum == nil })
        #expect(dry.sourceRows == replaced.sourceRows)
        #expect(try rowsOnServer(other) == 0)
        #expect(throws: StoreError.self) { try StoreCopy.run(from: file.path, to: url, options: .init(mode: .dryRun)) }
    }

    @Test func aRowTheServerCannotHoldLeavesTheTargetEmpty() throws {
        let dir = try TempDir()
        let file = try filledFile(dir)
        // SQLite's text may hold U+0000; PostgreSQL's cannot: the copy fails at that row.
        try file.db.run("INSERT INTO work_type (id, name) VALUES ('wt-nul', ?)", [.text("Кон\u{0}трольная")])
        let (url, _) = try server()
        do {
            _ = try StoreCopy.run(from: file.path, to: url)
            Issue.record("a row with U+0000 was copied")
        } catch let e as StoreError {
            #expect(e.kind == .invalid && e.message.contains("work_type") && e.message.contains("U+0000"), "\(e)")
        }
        #expect(try rowsOnServer(url) == 0, "nothing of the tables copied before it is kept")
        try file.db.run("DELETE FROM work_type WHERE id = 'wt-nul'")
        #expect(try StoreCopy.run(from: file.path, to: url).committed, "the school takes the copy afterwards")
    }

    @Test func aRowChangedOnTheWayIsCaughtAndNothingIsCommitted() throws {
        let dir = try TempDir()
        let file = try filledFile(dir)
        let (url, database) = try server()
        // The school's empty tables, and a trigger that changes one mark as the COPY writes it.
        _ = try PGSchool.open(PGLocation(parsing: url), create: true)
        try PostgresCluster.shared().psql(database, """
            CREATE FUNCTION "school_63-0005".tamper() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.value := '2'; RETURN NEW; END $$;
            CREATE TRIGGER tamper BEFORE INSERT ON "school_63-0005".mark FOR EACH ROW EXECUTE FUNCTION "school_63-0005".tamper();
            """)
        let report = try StoreCopy.run(from: file.path, to: url)
        #expect(!report.ok && !report.committed)
        #expect(report.mismatched == ["mark"])
        let mark = try #require(report.tables.first { $0.name == "mark" })
        #expect(mark.sourceRows == mark.targetRows && mark.sourceChecksum != mark.targetChecksum)
        #expect(try rowsOnServer(url) == 0)
    }

    @Test func aTamperedCopyIsFoundByVerify() throws {
        let dir = try TempDir()
        let file = try filledFile(dir)
        let (url, database) = try server()
        #expect(try StoreCopy.run(from: file.path, to: url).committed)
        #expect(try StoreCopy.run(from: file.path, to: url, options: .init(mode: .verify)).ok)
        try PostgresCluster.shared().psql(database, #"UPDATE "school_63-0005".guardian SET phone = '+79000000000'"#)
        let verify = try StoreCopy.run(from: file.path, to: url, options: .init(mode: .verify))
        #expect(!verify.ok && verify.mismatched == ["guardian"])
        // A row removed: its count differs too.
        try PostgresCluster.shared().psql(database, #"DELETE FROM "school_63-0005".tombstone"#)
        let again = try StoreCopy.run(from: file.path, to: url, options: .init(mode: .verify))
        #expect(again.mismatched == ["guardian", "tombstone"])
        #expect(again.tables.first { $0.name == "tombstone" }?.targetRows == 0)
    }

    @Test func anOlderSourceIsRefused() throws {
        let dir = try TempDir()
        let path = dir.path("old.sqlite")
        do {
            let db = try Database(path: path)
            for step in Migrations.steps.dropLast() { try db.exec(step) }
            try db.exec("PRAGMA user_version = \(Migrations.latest - 1)")
            try db.run("INSERT INTO meta (key, value) VALUES ('school_name', 'Старая'), ('time_zone', 'Europe/Samara')")
        }
        let (url, _) = try server()
        do {
            _ = try StoreCopy.run(from: path, to: url)
            Issue.record("an older source was copied")
        } catch let e as StoreError {
            #expect(e.kind == .olderSchema && e.message.contains("writing command"), "\(e)")
        }
        #expect(try rowsOnServer(url) == 0)
    }
}
