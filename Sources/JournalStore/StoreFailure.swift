import CSQLite

/// A failure of the store's database in categories any backend reports the same way: the
/// words, the store, what kind it is (``category``, from which `CLI.outcome` chooses the exit
/// code), which constraint refused a change, and the backend's own code as text for people
/// (`SQLite 2067`, `PostgreSQL 23505`). Each backend maps its codes here once: SQLite's result
/// codes in ``init(code:message:sql:path:)``, PostgreSQL's SQLSTATEs in `StoreFailure+Postgres.swift`.
public struct StoreFailure: Error, CustomStringConvertible, Sendable {
    /// What kind of failure it is, for people: the exit code is chosen from this.
    public enum Category: Sendable { case busy, cannotWrite, cannotRead, notADatabase, constraint, other }
    /// Which rule of the database refused a change (category `constraint`).
    public enum Constraint: Sendable { case unique, foreignKey, rule, notNull, other }

    public let category: Category
    public let constraint: Constraint?
    /// The backend's own code, for messages: `SQLite 2067`, `PostgreSQL 23505`.
    public let backendCode: String
    public let message: String
    /// The statement that failed (kept inside the store's messages, never parsed).
    let sql: String?
    /// The store the connection was on (a file, or a PostgreSQL URL without its password), when known.
    public let path: String?
    /// The database cannot hold a value (PostgreSQL's data exceptions, SQLSTATE class 22, e.g.
    /// U+0000 in a text; SQLite's datatype mismatch).
    let badValue: Bool

    init(category: Category, constraint: Constraint? = nil, backendCode: String, message: String, sql: String?,
         path: String?, badValue: Bool = false) {
        self.category = category; self.constraint = constraint; self.backendCode = backendCode
        self.message = message; self.sql = sql; self.path = path; self.badValue = badValue
    }

    /// SQLite's failure with its (extended) result `code`.
    init(code: Int32, message: String, sql: String?, path: String? = nil) {
        let (category, constraint) = StoreFailure.sqlite(code)
        self.init(category: category, constraint: constraint, backendCode: "SQLite \(code)", message: message, sql: sql, path: path,
                  badValue: code & 0xff == SQLITE_MISMATCH)
    }

    /// SQLite's result codes in the store's categories.
    static func sqlite(_ code: Int32) -> (Category, Constraint?) {
        switch code & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED: return (.busy, nil)
        case SQLITE_READONLY, SQLITE_FULL, SQLITE_PERM, SQLITE_CANTOPEN: return (.cannotWrite, nil)
        case SQLITE_IOERR:
            // Reading failed (a bad disk) is not "cannot write"; everything else of I/O is a write,
            // a sync, a truncation or the shared-memory index being created.
            return (code == 266 || code == 522 ? .cannotRead : .cannotWrite, nil)   // SQLITE_IOERR_READ, SQLITE_IOERR_SHORT_READ
        case SQLITE_NOTADB: return (.notADatabase, nil)
        case SQLITE_CONSTRAINT:
            switch code {
            case 2067, 1555: return (.constraint, .unique)        // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
            case 787: return (.constraint, .foreignKey)           // SQLITE_CONSTRAINT_FOREIGNKEY
            case 275: return (.constraint, .rule)                 // SQLITE_CONSTRAINT_CHECK
            case 1299: return (.constraint, .notNull)             // SQLITE_CONSTRAINT_NOTNULL
            default: return (.constraint, .other)
            }
        default: return (.other, nil)
        }
    }

    /// A rule of the journal the store enforces as the database enforces its own CHECK
    /// constraints: every writer, the importer and the sync engine alike, treats it as a record
    /// the journal refuses.
    static func rule(_ message: String, path: String?) -> StoreFailure {
        StoreFailure(category: .constraint, constraint: .rule, backendCode: "rule", message: message, sql: nil, path: path)
    }

    public var description: String {
        // PostgreSQL's failures carry their SQLSTATE in the message (`PostgreSQL 23505: …`).
        var s = message.hasPrefix("PostgreSQL") ? message : backendCode.hasPrefix("SQLite ") ? "SQLite error \(backendCode.dropFirst(7)): \(message)" : message
        if let sql { s += " (in «\(sql.prefix(120))»)" }
        return s
    }

    /// Another process holds the database (SQLite busy or locked; PostgreSQL's lock timeout,
    /// serialization failure, deadlock, or an unavailable server).
    public var isBusy: Bool { category == .busy }

    /// Whether running the same transaction again may succeed (the busy category).
    public var isRetryable: Bool { category == .busy }

    /// A foreign key refused the change: a referenced record is missing, or a deleted one
    /// is still referenced.
    public var isForeignKeyViolation: Bool { constraint == .foreignKey }

    /// A rule of the journal refused the record (the store's gate, or a CHECK constraint).
    public var isRuleViolation: Bool { constraint == .rule }

    /// The database refused a value or a row (a constraint, or a value it cannot hold): the
    /// data is at fault, not the server.
    var refusesData: Bool { category == .constraint || badValue }
}
