import Foundation

/// Where `store copy` writes: a school's schema on PostgreSQL (loaded with `COPY`) or a new
/// SQLite file (prepared `INSERT`s). Everything happens in one transaction the copy opens with
/// ``begin()`` and ends with ``commit()`` only after the target's own rows were read back and
/// their counts and checksums agreed with the source's.
protocol StoreCopyTarget: AnyObject {
    /// Reads the target inside the open transaction (its own uncommitted rows included).
    var reader: any StoreConnection { get }
    func begin() throws
    func commit() throws
    func rollback()
    /// Removes every row of `tables` (only with `--replace`, inside the transaction).
    func empty(_ tables: [StoreSchema.Table]) throws
    /// Loads a table's rows, pushed by `produce`; returns how many.
    func load(_ table: StoreSchema.Table, _ produce: (_ put: ([SQLValue]) throws -> Void) throws -> Void) throws -> Int
    /// Sets the generated key of `table` (or its `rowid` identity) to continue after `mark`.
    func keepMark(_ table: StoreSchema.Table, column: String, mark: Int64) throws
}

/// A column name quoted for either backend's SQL.
func quotedColumn(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

/// A school's schema on PostgreSQL: `COPY` per table, the identity sequences set past the copy.
final class PGCopyTarget: StoreCopyTarget {
    let pg: PGConnection
    let reader: any StoreConnection

    init(_ pg: PGConnection) {
        self.pg = pg
        reader = PGStoreConnection(pg)
    }

    func begin() throws {
        try pg.exec("BEGIN ISOLATION LEVEL READ COMMITTED")
        // The copy's order is the tables' names, not their references: checked at COMMIT.
        try pg.exec("SET CONSTRAINTS ALL DEFERRED")
    }

    func commit() throws { try pg.exec("COMMIT") }
    func rollback() { try? pg.exec("ROLLBACK") }

    func empty(_ tables: [StoreSchema.Table]) throws {
        try pg.exec("TRUNCATE " + tables.map { pgIdentifier($0.name) }.joined(separator: ", "))
    }

    func load(_ table: StoreSchema.Table, _ produce: (([SQLValue]) throws -> Void) throws -> Void) throws -> Int {
        try pg.copy(into: table.name, columns: table.columns, produce: produce)
    }

    func keepMark(_ table: StoreSchema.Table, column: String, mark: Int64) throws {
        // An identity column's sequence; `is_called = false` at 1 when there is nothing yet.
        try pg.run("SELECT setval(pg_get_serial_sequence($1, $2)::regclass, $3, $4)",
                   [.text(pgIdentifier(table.name)), .text(column), .int(max(mark, 1)), .int(mark > 0 ? 1 : 0)])
    }
}

/// A new SQLite store, written under a temporary name beside the target and renamed into place
/// only once verified and committed (``StoreCopy``).
final class SQLiteCopyTarget: StoreCopyTarget {
    let db: Database
    var reader: any StoreConnection { db }

    init(_ db: Database) { self.db = db }

    func begin() throws {
        try db.exec("BEGIN IMMEDIATE")
        try db.exec("PRAGMA defer_foreign_keys = ON")
        // The new file's own meta rows (`create` wrote them) give way to the source's.
        try db.run("DELETE FROM meta")
    }

    func commit() throws { try db.exec("COMMIT") }
    func rollback() { try? db.exec("ROLLBACK") }

    func empty(_ tables: [StoreSchema.Table]) throws {
        for t in tables { try db.run("DELETE FROM " + quotedColumn(t.name)) }
    }

    func load(_ table: StoreSchema.Table, _ produce: (([SQLValue]) throws -> Void) throws -> Void) throws -> Int {
        let insert = "INSERT INTO " + quotedColumn(table.name) + " (" + table.columns.map(quotedColumn).joined(separator: ", ")
            + ") VALUES (" + Array(repeating: "?", count: table.columns.count).joined(separator: ", ") + ")"
        var n = 0
        try produce { row in try self.db.run(insert, row); n += 1 }
        return n
    }

    func keepMark(_ table: StoreSchema.Table, column: String, mark: Int64) throws {
        // SQLite keeps AUTOINCREMENT marks in sqlite_sequence; a rowid table needs none.
        guard table.generatedKey == column else { return }
        try db.run("DELETE FROM sqlite_sequence WHERE name = ?", [.text(table.name)])
        if mark > 0 { try db.run("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [.text(table.name), .int(mark)]) }
    }
}
