/// What the store's code asks of a database connection: SQLite's ``Database`` or PostgreSQL's
/// ``PGStoreConnection`` (which translates the store's SQLite dialect in one place,
/// ``SQLDialect``). The store's files call only these.
protocol StoreConnection: AnyObject {
    /// The store's location, for messages (a file path, or a PostgreSQL URL without its password).
    var path: String { get }
    /// Which backend this is.
    var backend: StoreBackend { get }
    /// Runs one or more statements without parameters or results.
    func exec(_ sql: String) throws
    /// Runs a statement that returns no rows.
    func run(_ sql: String, _ args: [SQLValue]) throws
    /// Calls `body` with each row's columns.
    func forEach(_ sql: String, _ args: [SQLValue], _ body: ([SQLValue]) throws -> Void) throws
    /// The first column of the first row, or nil.
    func scalar(_ sql: String, _ args: [SQLValue]) throws -> SQLValue?
    /// Rows changed by the last statement.
    var changes: Int { get }
    /// The key the last `INSERT` gave its row (`change_log.seq`, `conflict.id`).
    var lastInsertRowID: Int64 { get }
    /// Runs `body` in one writing transaction, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T
    /// Opens a writing transaction that ``commit()`` or ``rollback()`` ends (one held across
    /// a pull's network waits, see ``JournalStore/beginHeldTransaction()``).
    func begin() throws
    /// Commits the transaction ``begin()`` opened (a region job's fence checked first).
    func commit() throws
    /// Rolls back the transaction ``begin()`` opened; never throws (there may be none left).
    func rollback()
    /// Savepoints asked for (``JournalStore/savepoint(_:)``) and not opened yet: ``run(_:_:)``
    /// opens them (`SAVEPOINT step`, outermost first) before the first statement it runs, so
    /// a savepoint around work that writes nothing costs nothing.
    var deferredSavepoints: Int { get set }
}

/// The store's backends.
public enum StoreBackend: String, Sendable, CaseIterable {
    case sqlite, postgresql
}

extension StoreConnection {
    func run(_ sql: String) throws { try run(sql, []) }
    func scalar(_ sql: String) throws -> SQLValue? { try scalar(sql, []) }
    func forEach(_ sql: String, _ body: ([SQLValue]) throws -> Void) throws { try forEach(sql, [], body) }

    /// All rows.
    func rows(_ sql: String, _ args: [SQLValue] = []) throws -> [[SQLValue]] {
        var out: [[SQLValue]] = []
        try forEach(sql, args) { out.append($0) }
        return out
    }
}

extension Database: StoreConnection {
    var backend: StoreBackend { .sqlite }
}
