import Foundation
import Testing
import JournalModel
@testable import JournalStore
import TestSupport

/// The change log's compact form (schema version 4): written as BLOBs, read back exactly;
/// entries from before (JSON text) read the same; a version-3 store migrates keeping every seq.
struct CompactChangeLogTests {
    let origin = Origin(source: "test", runID: "run-1", account: "admin")

    @Test func valuesOfEveryShapeRoundTrip() throws {
        let changes = [
            FieldChange(Mark.value, old: .null, new: .text("5")),
            FieldChange(Mark.weight, old: .int(-3), new: .int(Int.max)),
            FieldChange(Mark.point, old: .int(Int.min), new: .int(0)),
            FieldChange(.mergedInto, old: .null, new: .text("ё «кавычки» \u{1F}\n")),   // not a field: kept by name
            FieldChange(.stored("homework_text"), old: .text("a"), new: .null),          // a name of an older schema
        ]
        let bytes = ChangeCodec.encode(changes, kind: .mark)
        #expect(bytes.first == ChangeCodec.formatVersion)
        #expect(ChangeCodec.decode(bytes, kind: .mark) == changes)
        #expect(ChangeCodec.decode(Array(bytes.dropLast()), kind: .mark) == nil, "a cut entry is no entry")
        // Smaller than the JSON document it replaces.
        #expect(bytes.count * 2 < ChangeEntry.encode(changes).utf8.count)
    }

    @Test func writesAreBlobsAndOlderTextEntriesReadTheSame() throws {
        let dir = try TempDir()
        let store = try JournalStore.create(at: dir.path("s.sqlite"), school: "Школа", timeZone: "Europe/Samara")
        try store.transaction { for r in sampleRecords() { try store.write(r, origin: origin) } }
        var m = store.record(.mark, id: "m1")!
        m[Mark.value] = .text("4")
        try store.transaction { try store.write(m, origin: origin) }
        #expect(try store.db.scalar("SELECT count(*) FROM change_log WHERE typeof(changes) <> 'blob'")?.int == 0)
        let written = try store.history(recordID: "m1")
        #expect(written.map(\.op) == ["create", "update"])
        #expect(written[1].changes == [FieldChange(Mark.value, old: .text("5"), new: .text("4"))])

        // The same entries as JSON text, as a store written before version 4 holds them.
        for e in written {
            try store.db.run("UPDATE change_log SET changes = ? WHERE seq = ?", [.text(ChangeEntry.encode(e.changes)), .int(Int64(e.seq))])
        }
        #expect(try store.db.scalar("SELECT count(*) FROM change_log WHERE record_id = 'm1' AND typeof(changes) = 'text'")?.int == 2)
        let read = try store.history(recordID: "m1")
        #expect(read.map(\.changes) == written.map(\.changes))
    }

    @Test func aVersion3StoreMigratesKeepingItsEntriesAndSeqs() throws {
        let dir = try TempDir()
        let path = dir.path("old.sqlite")
        _ = try JournalStore.create(at: path, school: "Школа", timeZone: "Europe/Samara")
        // Rebuilt as version 3 left it: the change log's `changes` TEXT, entries as JSON.
        let v3 = try JournalStore.open(at: path)
        try v3.db.exec("""
            DROP TABLE change_log;
            CREATE TABLE change_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, record_id TEXT NOT NULL,
                op TEXT NOT NULL CHECK (op IN ('create','update','delete')), changes TEXT NOT NULL, source TEXT NOT NULL,
                run_id TEXT, account TEXT, at TEXT NOT NULL) STRICT;
            CREATE INDEX change_log_record ON change_log (entity, record_id);
            CREATE INDEX change_log_account ON change_log (account, at);
            INSERT INTO change_log (seq, entity, record_id, op, changes, source, at) VALUES
                (7, 'subject', 'math', 'create', '[{"field":"name","old":null,"new":"Математика"}]', 'journal', '2026-09-01T10:00:00.000Z'),
                (9, 'subject', 'math', 'update', '[{"field":"name","old":"Математика","new":"Алгебра"}]', 'journal', '2026-09-02T10:00:00.000Z');
            DELETE FROM change_log WHERE seq = 9;
            ALTER TABLE sync_base DROP COLUMN agreed_seq;
            PRAGMA user_version = 3;
            """)
        let store = try JournalStore.open(at: path)
        #expect(store.schemaVersion == Migrations.latest)
        let h = try store.history(recordID: "math")
        #expect(h.map(\.seq) == [7])
        #expect(h.first?.changes == [FieldChange(Subject.name, old: .null, new: .text("Математика"))])
        // The AUTOINCREMENT high-water mark survives the rebuild: seq 9 is never given again.
        try store.transaction { try store.write(Record(.subject, id: "rus", ["name": .text("Русский язык")]), origin: origin) }
        #expect(try store.history(recordID: "rus").first?.seq == 10)
    }
}
