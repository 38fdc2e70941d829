import Foundation
import Testing
import JournalModel
@testable import JournalStore
import TestSupport

/// Schema version 7 (``Migrations/v7AccountIndex``): the change log's index by account holds
/// the entries a person made and nothing else (imports and syncs write no account), and the
/// account's query still reads it.
struct AccountIndexTests {
    static let byAccount = JournalStore.entrySQL + " WHERE account = ? AND at >= ? ORDER BY seq"

    static func indexText(_ store: JournalStore) throws -> String {
        try store.db.scalar("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'change_log_account'")?.text ?? ""
    }

    /// Rows in the index (a covering scan of it alone counts its entries).
    static func indexEntries(_ store: JournalStore) throws -> Int {
        try store.db.scalar("SELECT count(*) FROM change_log INDEXED BY change_log_account WHERE account IS NOT NULL")?.int ?? -1
    }

    static func write(_ store: JournalStore) throws {
        try store.transaction {
            for i in 1...50 {
                try store.write(Record(.subject, id: "s\(i)", ["name": .text("Предмет \(i)")]), origin: Origin(source: "journal-import"))
            }
            try store.write(Record(.subject, id: "s1", ["name": .text("Алгебра")]), origin: Origin(source: "conflicts", runID: "c-1", account: "admin"))
        }
    }

    @Test func onlyAPersonsEntriesAreIndexedAndTheirQueryUsesIt() throws {
        let dir = try TempDir()
        let store = try JournalStore.create(at: dir.path("s.sqlite"), school: "Школа", timeZone: "Europe/Samara")
        #expect(store.schemaVersion == Migrations.latest)
        #expect(try Self.indexText(store).hasSuffix("WHERE account IS NOT NULL"))
        try Self.write(store)
        #expect(try Self.indexEntries(store) == 1)
        let plan = try store.db.rows("EXPLAIN QUERY PLAN " + Self.byAccount, [.text("admin"), .text("")]).map { $0[3].text ?? "" }
        #expect(plan.contains { $0.contains("USING COVERING INDEX change_log_account") || $0.contains("USING INDEX change_log_account") }, "\(plan)")
        let mine = try store.changes(byAccount: "admin", since: "")
        #expect(mine.map(\.recordID) == ["s1"] && mine.first?.op == "update")
        #expect(try store.changes(byAccount: "nobody", since: "").isEmpty)
    }

    @Test func aVersion6StoreGetsThePartialIndex() throws {
        let dir = try TempDir()
        let path = dir.path("old.sqlite")
        let created = try JournalStore.create(at: path, school: "Школа", timeZone: "Europe/Samara")
        // The index as version 6 left it: every entry.
        try created.db.exec("""
            DROP INDEX change_log_account;
            CREATE INDEX change_log_account ON change_log (account, at);
            PRAGMA user_version = 6;
            """)
        let old = try JournalStore.open(at: path, migrateTo: 6)
        try Self.write(old)
        #expect(try old.db.scalar("SELECT count(*) FROM change_log INDEXED BY change_log_account WHERE account IS NULL OR account IS NOT NULL")?.int == 51)
        let store = try JournalStore.open(at: path)
        #expect(store.schemaVersion == Migrations.latest)
        #expect(try Self.indexText(store).hasSuffix("WHERE account IS NOT NULL"))
        #expect(try Self.indexEntries(store) == 1)
        #expect(try store.db.scalar("PRAGMA integrity_check")?.text == "ok")
        #expect(try store.changes(byAccount: "admin", since: "").map(\.recordID) == ["s1"])
    }
}
