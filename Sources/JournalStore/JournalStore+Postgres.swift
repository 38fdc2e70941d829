import Foundation

/// Opening a school's store on PostgreSQL (`postgresql://host/db?school=CODE`, docs/region.md):
/// the same store API on a ``PGStoreConnection`` in the school's schema.
extension JournalStore {
    /// Creates the school's schema and tables (the administrator's connection may create the
    /// school's role and schema) and its meta rows; refuses a school that already has a store.
    static func createPostgres(at text: String, school name: String, timeZone: String) throws -> JournalStore {
        let location = try PGLocation(parsing: text)
        let pg = try PGSchool.open(location, create: true)
        let db = PGStoreConnection(pg)
        if try db.scalar("SELECT count(*) FROM meta")?.int ?? 0 > 0 {
            throw StoreError(.alreadyInitialized, "\(location.redacted) already holds a school's journal")
        }
        try db.transaction {
            try db.run("INSERT INTO meta (key, value) VALUES ('school_name', ?), ('time_zone', ?), ('created_at', ?)",
                       [.text(name), .text(timeZone), .text(ISO8601DateFormatter().string(from: Date()))])
        }
        return try JournalStore(db: db, path: location.redacted)
    }

    /// Opens the school's store, migrating it unless `readOnly` (then an older schema is refused
    /// as on SQLite: a reading command writes nothing).
    static func openPostgres(at text: String, readOnly: Bool, migrateTo version: Int) throws -> JournalStore {
        let location = try PGLocation(parsing: text)
        guard location.school != nil else {
            throw StoreError(.invalid, "\(location.redacted): no school given (add ?school=CODE)")
        }
        let pg = try PGConnection(location)
        try PGSchool.enter(pg)
        let current = try PGSchool.version(pg)
        if current > PGMigrations.latest {
            throw StoreError(.newerSchema, "\(location.redacted) has schema version \(current), newer than this gateway knows (\(PGMigrations.latest)): upgrade journal-gateway")
        }
        if readOnly {
            if current < version {
                throw StoreError(.olderSchema, "\(location.redacted) has schema version \(current) and this gateway reads version \(version); run a writing command once to upgrade it")
            }
        } else {
            try PGSchool.migrate(pg, to: version)
        }
        let db = PGStoreConnection(pg)
        guard try db.scalar("SELECT count(*) FROM meta")?.int ?? 0 > 0 else {
            throw StoreError(.notInitialized, "\(location.redacted) is not an initialised journal store: run `journal-gateway init` first, or pass the right --store")
        }
        return try JournalStore(db: db, path: location.redacted)
    }

    /// Whether `location` names a store on a server (`postgresql://…`) rather than a file.
    public static func isServerLocation(_ location: String) -> Bool { PGLocation.isPostgres(location) }

    /// `location` as it may be printed (messages, logs, JSON, run records): a PostgreSQL URL
    /// with its password (`user:password@`, `password=`) replaced by `***`; a file path as it is.
    public static func printable(_ location: String) -> String {
        guard PGLocation.isPostgres(location) else { return location }
        return (try? PGLocation(parsing: location))?.redacted ?? PGLocation.redacted(location)
    }

    /// Whether `location` may hold a store: an existing file, or any PostgreSQL location
    /// (opening it says whether the school has a store there).
    public static func mayExist(at location: String) -> Bool {
        PGLocation.isPostgres(location) || FileManager.default.fileExists(atPath: location)
    }

    /// A PostgreSQL store's copy as a new SQLite store at `path` (what a dry run works on):
    /// every table, row for row, in one read snapshot; `subject` and `outbox` in their
    /// insertion order (`rowid`), the change log's `seq` kept and its AUTOINCREMENT mark set.
    func copyPostgres(toSQLite path: String) throws {
        let copy = try JournalStore.create(at: path, school: school.name, timeZone: school.timeZoneID)
        let dst = copy.db
        var tables: [(name: String, columns: [String])] = []
        for row in try dst.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name") {
            let name = row[0].text ?? ""
            tables.append((name, try dst.rows("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(name)]).map { $0[0].text ?? "" }))
        }
        try readSnapshot {
            try dst.transaction {
                try dst.exec("PRAGMA defer_foreign_keys = ON")
                try dst.run("DELETE FROM meta")
                for t in tables {
                    let columns = t.columns.map { "\"\($0)\"" }.joined(separator: ", ")
                    let order = t.name == "subject" || t.name == "outbox" ? " ORDER BY rowid" : ""
                    let insert = "INSERT INTO \"\(t.name)\" (\(columns)) VALUES (\(Array(repeating: "?", count: t.columns.count).joined(separator: ", ")))"
                    try db.forEach("SELECT \(columns) FROM \"\(t.name)\"\(order)", []) { try dst.run(insert, $0) }
                }
                for (table, column) in SQLDialect.generatedKeys {
                    try dst.run("INSERT INTO sqlite_sequence (name, seq) SELECT ?, max(\(column)) FROM \(table) HAVING max(\(column)) IS NOT NULL", [.text(table)])
                }
            }
        }
    }

    /// The backend the store runs on.
    public var backend: StoreBackend { db.backend }
}
