import CSQLite

/// A failure of the store's database, in categories any backend can report (a second
/// backend maps its own codes onto them): the words, the file, and what kind it is.
///
/// The SQLite result code and the statement stay inside the store (internal).
public struct StoreFailure: Error, CustomStringConvertible, Sendable {
    let code: Int32
    public let message: String
    let sql: String?
    /// The database file the connection was on, when known.
    public let path: String?

    init(code: Int32, message: String, sql: String?, path: String? = nil) {
        self.code = code; self.message = message; self.sql = sql; self.path = path
    }

    /// A rule of the journal the store enforces as SQLite enforces its own constraints
    /// (SQLITE_CONSTRAINT_CHECK): every writer, the importer and the sync engine alike,
    /// treats it as a record the journal refuses.
    static func rule(_ message: String, path: String?) -> StoreFailure {
        StoreFailure(code: 275, message: message, sql: nil, path: path)   // SQLITE_CONSTRAINT_CHECK
    }

    public var description: String {
        // PostgreSQL's failures carry their SQLSTATE in the message (`PostgreSQL 23505: …`); the
        // SQLite-shaped code behind their category is not theirs to show.
        var s = message.hasPrefix("PostgreSQL") ? message : "SQLite error \(code): \(message)"
        if let sql { s += " (in «\(sql.prefix(120))»)" }
        return s
    }
    /// SQLITE_BUSY or SQLITE_LOCKED: another process holds the database.
    public var isBusy: Bool { category == .busy }

    /// What kind of failure it is, for people: the exit code is chosen from this.
    public enum Category: Sendable { case busy, cannotWrite, cannotRead, notADatabase, constraint, other }

    public var category: Category {
        switch code & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy
        case SQLITE_READONLY, SQLITE_FULL, SQLITE_PERM, SQLITE_CANTOPEN: return .cannotWrite
        case SQLITE_IOERR:
            // Reading failed (a bad disk) is not "cannot write"; everything else of I/O is a write,
            // a sync, a truncation or the shared-memory index being created.
            return code == 266 || code == 522 ? .cannotRead : .cannotWrite   // SQLITE_IOERR_READ, SQLITE_IOERR_SHORT_READ
        case SQLITE_NOTADB: return .notADatabase
        case SQLITE_CONSTRAINT: return .constraint
        default: return .other
        }
    }

    /// A foreign key refused the change: a referenced record is missing, or a deleted one
    /// is still referenced (SQLITE_CONSTRAINT_FOREIGNKEY).
    public var isForeignKeyViolation: Bool { code == 787 }

    /// A rule of the journal refused the record (the store's gate, SQLITE_CONSTRAINT_CHECK).
    public var isRuleViolation: Bool { code == 275 }
}

extension StoreFailure {
    /// The database refused a value or a row (a constraint, or PostgreSQL's data exceptions,
    /// SQLSTATE class 22, e.g. U+0000 in a text): the data is at fault, not the server.
    var refusesData: Bool {
        category == .constraint || (code & 0xff) == 20 || message.hasPrefix("PostgreSQL 22")
    }
}
