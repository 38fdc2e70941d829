import Foundation
import Testing
import JournalModel
@testable import JournalStore
import TestSupport

/// Schema version 6 (``Migrations/v6PlainChecks``): the change log's `op` and the outbox's
/// `status` CHECKs are comparisons joined by OR, which SQLite evaluates in place, where an
/// `IN` list of three or more values built a temporary B-tree for every row written. The
/// constraints refuse what they refused before; a version-5 store is edited in place.
struct PlainChecksTests {
    let origin = Origin(source: "test", runID: "run-1", account: "admin")

    static let insertChange = "INSERT INTO change_log (entity, record_id, op, changes, source, at) VALUES ('subject', 'x', ?, x'01', 'test', 'now')"

    /// The VM program of a change-log insert and of an outbox status update: no temporary B-tree.
    static func ephemeralTables(_ store: JournalStore) throws -> Int {
        let programs = try store.db.rows("EXPLAIN " + insertChange, [.text("create")])
            + store.db.rows("EXPLAIN UPDATE outbox SET status = ? WHERE key = ?", [.text("applied"), .text("k")])
        return programs.filter { $0[1].text == "OpenEphemeral" }.count
    }

    static func tableText(_ store: JournalStore, _ name: String) throws -> String {
        try store.db.scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(name)])?.text ?? ""
    }

    @Test func theChecksAreComparisonsAndStillRefuse() throws {
        let dir = try TempDir()
        let store = try JournalStore.create(at: dir.path("s.sqlite"), school: "Школа", timeZone: "Europe/Samara")
        #expect(store.schemaVersion == Migrations.latest)
        #expect(try Self.tableText(store, "change_log").contains("CHECK (op = 'create' OR op = 'update' OR op = 'delete')"))
        #expect(try Self.tableText(store, "outbox").contains("OR status = 'failed')"))
        #expect(try Self.ephemeralTables(store) == 0)
        for op in ["create", "update", "delete"] { try store.db.run(Self.insertChange, [.text(op)]) }
        #expect(throws: (any Error).self) { try store.db.run(Self.insertChange, [.text("upsert")]) }
        #expect(throws: (any Error).self) { try store.db.run(Self.insertChange, [.text("Create")]) }
        try store.db.run("INSERT INTO outbox (key, counterpart, entity, local_id, op, payload, status, created_at) VALUES ('k', 'cp', 'mark', 'm', 'upsert', '{}', 'pending', 'now')")
        for status in ["applied", "conflict", "rejected", "failed", "pending"] {
            try store.db.run("UPDATE outbox SET status = ? WHERE key = 'k'", [.text(status)])
        }
        #expect(throws: (any Error).self) { try store.db.run("UPDATE outbox SET status = 'sent' WHERE key = 'k'") }
    }

    @Test func aVersion5StoreIsEditedInPlaceKeepingItsRows() throws {
        let dir = try TempDir()
        let path = dir.path("old.sqlite")
        let created = try JournalStore.create(at: path, school: "Школа", timeZone: "Europe/Samara")
        try created.transaction { try created.write(Record(.subject, id: "math", ["name": .text("Математика")]), origin: origin) }
        // The tables' text as version 5 left it.
        let cookie = try created.db.scalar("PRAGMA schema_version")?.int ?? 0
        try created.db.exec("""
            PRAGMA writable_schema = ON;
            UPDATE sqlite_master SET sql = replace(sql, 'CHECK (op = ''create'' OR op = ''update'' OR op = ''delete'')', 'CHECK (op IN (''create'',''update'',''delete''))') WHERE name = 'change_log';
            UPDATE sqlite_master SET sql = replace(sql, 'CHECK (status = ''pending'' OR status = ''applied'' OR status = ''conflict'' OR status = ''rejected'' OR status = ''failed'')', 'CHECK (status IN (''pending'',''applied'',''conflict'',''rejected'',''failed''))') WHERE name = 'outbox';
            PRAGMA schema_version = \(cookie + 1);
            PRAGMA writable_schema = OFF;
            PRAGMA user_version = 5;
            """)
        let old = try JournalStore.open(at: path, migrateTo: 5)
        #expect(try Self.ephemeralTables(old) == 2, "version 5's IN lists: one temporary B-tree each")
        let store = try JournalStore.open(at: path)
        #expect(store.schemaVersion == Migrations.latest)
        #expect(try Self.ephemeralTables(store) == 0)
        #expect(try store.db.scalar("PRAGMA integrity_check")?.text == "ok")
        #expect(try store.history(recordID: "math").map(\.op) == ["create"])
        try store.transaction { try store.write(Record(.subject, id: "math", ["name": .text("Алгебра")]), origin: origin) }
        #expect(try store.history(recordID: "math").map(\.op) == ["create", "update"])
        #expect(throws: (any Error).self) { try store.db.run(Self.insertChange, [.text("upsert")]) }
    }

    /// A SQLite that refuses the edit (a defensive build forbids `writable_schema`): the step is
    /// undone, nothing is left half-edited or writable, and the store opens and writes as before.
    @Test func aRefusedEditIsUndoneAndTheStoreGoesOn() throws {
        let dir = try TempDir()
        let store = try JournalStore.create(at: dir.path("s.sqlite"), school: "Школа", timeZone: "Europe/Samara")
        let before = try Self.tableText(store, "change_log"), cookie = try store.db.scalar("PRAGMA schema_version")?.int
        let db = try #require(store.db as? Database)
        // Half of it done, then refused: the first edit must not stay.
        try db.transaction {
            try JournalStore.editSchemaText(db, """
                PRAGMA writable_schema = ON;
                UPDATE sqlite_master SET sql = replace(sql, 'op = ''create''', 'op = ''created''') WHERE type = 'table' AND name = 'change_log';
                UPDATE no_such_table SET sql = '';
                """)
        }
        #expect(try Self.tableText(store, "change_log") == before)
        #expect(try store.db.scalar("PRAGMA schema_version")?.int == cookie)
        #expect(try store.db.scalar("PRAGMA writable_schema")?.int == 0)
        #expect(try store.db.scalar("PRAGMA integrity_check")?.text == "ok")
        try store.transaction { try store.write(Record(.subject, id: "math", ["name": .text("Математика")]), origin: origin) }
        #expect(try store.history(recordID: "math").map(\.op) == ["create"])
    }
}
