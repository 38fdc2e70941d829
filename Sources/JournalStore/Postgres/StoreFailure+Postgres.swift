/// PostgreSQL's errors in the store's categories: each SQLSTATE mapped once, here; the SQLSTATE
/// itself is the failure's `backendCode` and starts its message (`PostgreSQL 23505: …`).
extension StoreFailure {
    /// The failure PostgreSQL reported with `sqlstate`.
    static func postgres(sqlstate: String, message: String, sql: String?, location: String) -> StoreFailure {
        let (category, constraint) = categories(sqlstate: sqlstate)
        return StoreFailure(category: category, constraint: constraint, backendCode: "PostgreSQL \(sqlstate)",
                            message: "PostgreSQL \(sqlstate): \(message)", sql: sql, path: location, badValue: sqlstate.hasPrefix("22"))
    }

    /// A connection that could not be made or was lost: the server is (for now) unavailable,
    /// which the CLI reports as busy (exit 75, run again later).
    static func postgresUnavailable(_ message: String, location: String) -> StoreFailure {
        StoreFailure(category: .busy, backendCode: "PostgreSQL connection", message: "PostgreSQL: \(message)", sql: nil, path: location)
    }

    /// The store's category (and constraint) of SQLSTATE `state`.
    static func categories(sqlstate state: String) -> (Category, Constraint?) {
        switch state {
        case "23505": return (.constraint, .unique)
        case "23503": return (.constraint, .foreignKey)
        case "23514": return (.constraint, .rule)       // check_violation: as SQLite's CHECK, a rule of the journal
        case "23502": return (.constraint, .notNull)
        case "40001", "40P01": return (.busy, nil)      // serialization failure, deadlock: retry the transaction
        case "55P03": return (.busy, nil)               // lock_not_available
        case "25006": return (.cannotWrite, nil)        // read_only_sql_transaction
        case "53100": return (.cannotWrite, nil)        // disk_full
        case "58030": return (.cannotWrite, nil)        // io_error
        case "XX001", "XX002": return (.other, nil)     // data_corrupted, index_corrupted (as SQLite's CORRUPT)
        default:
            if state.hasPrefix("23") { return (.constraint, .other) }            // integrity constraint
            if state.hasPrefix("08") || state.hasPrefix("57P") { return (.busy, nil) }   // connection lost, server shutting down
            if state.hasPrefix("53") { return (.cannotWrite, nil) }              // insufficient resources
            return (.other, nil)   // 42501 (another school's objects), 57014 (cancelled), data exceptions (22…), the rest
        }
    }
}
