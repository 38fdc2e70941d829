/// Whole-store operations: copies, and the checks a batch defers.
extension JournalStore {
    /// Writes a consistent copy of the store to a new file at `path` (a dry run works on it);
    /// of a PostgreSQL store, an SQLite copy.
    public func copy(to path: String) throws {
        if db.backend == .postgresql { return try copyPostgres(toSQLite: path) }
        try db.exec("VACUUM INTO '\(path.replacingOccurrences(of: "'", with: "''"))'")
    }

    /// Defers foreign-key checks to the end of the current transaction: references may
    /// point forward in a batch.
    public func deferForeignKeyChecks() throws {
        try db.exec("PRAGMA defer_foreign_keys = ON")
    }

    /// Moves everything in the write-ahead log into the store file and empties the log.
    public func checkpoint() throws {
        try db.exec("PRAGMA wal_checkpoint(TRUNCATE)")
    }
}
