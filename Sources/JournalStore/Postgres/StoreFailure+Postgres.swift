/// PostgreSQL's errors in the store's categories.
///
/// `StoreFailure` keeps an SQLite-shaped result code (its categories and `CLI.outcome` read
/// it), so a SQLSTATE is mapped onto the code SQLite reports for the same kind of failure;
/// the SQLSTATE itself stays in the message (`PostgreSQL 23505: …`).
extension StoreFailure {
    /// The failure PostgreSQL reported with `sqlstate`.
    static func postgres(sqlstate: String, message: String, sql: String?, location: String) -> StoreFailure {
        StoreFailure(code: sqliteCode(sqlstate: sqlstate), message: "PostgreSQL \(sqlstate): \(message)", sql: sql, path: location)
    }

    /// A connection that could not be made or was lost: the server is (for now) unavailable,
    /// which the CLI reports as busy (exit 75, run again later).
    static func postgresUnavailable(_ message: String, location: String) -> StoreFailure {
        StoreFailure(code: 5, message: "PostgreSQL: \(message)", sql: nil, path: location)   // SQLITE_BUSY
    }

    /// The SQLite result code of the same kind as SQLSTATE `state`.
    static func sqliteCode(sqlstate state: String) -> Int32 {
        switch state {
        case "23505": return 2067    // unique_violation → SQLITE_CONSTRAINT_UNIQUE
        case "23503": return 787     // foreign_key_violation → SQLITE_CONSTRAINT_FOREIGNKEY
        case "23514": return 275     // check_violation → SQLITE_CONSTRAINT_CHECK
        case "23502": return 1299    // not_null_violation → SQLITE_CONSTRAINT_NOTNULL
        case "40001", "40P01": return 5   // serialization failure, deadlock → SQLITE_BUSY: retry the transaction
        case "55P03": return 6       // lock_not_available → SQLITE_LOCKED
        case "25006": return 8       // read_only_sql_transaction → SQLITE_READONLY
        case "53100": return 13      // disk_full → SQLITE_FULL
        case "42501": return 23      // insufficient_privilege → SQLITE_AUTH (another school's objects)
        case "57014": return 9       // query_canceled → SQLITE_INTERRUPT
        case "58030": return 10      // io_error → SQLITE_IOERR
        case "XX001", "XX002": return 11   // data_corrupted, index_corrupted → SQLITE_CORRUPT
        default:
            if state.hasPrefix("23") { return 19 }     // integrity constraint → SQLITE_CONSTRAINT
            if state.hasPrefix("08") || state.hasPrefix("57P") { return 5 }   // connection lost, server shutting down: busy
            if state.hasPrefix("53") { return 13 }     // insufficient resources
            if state.hasPrefix("22") { return 20 }     // data exception → SQLITE_MISMATCH
            return 1                                    // SQLITE_ERROR
        }
    }

    /// Whether running the same transaction again may succeed: another writer held the
    /// database (SQLite busy or locked; PostgreSQL's serialization failure or deadlock).
    public var isRetryable: Bool {
        let primary = code & 0xff
        return primary == 5 || primary == 6
    }
}
