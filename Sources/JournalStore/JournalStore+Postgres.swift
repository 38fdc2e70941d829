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

    /// Whether `location` may hold a store: an existing file, or any PostgreSQL location
    /// (opening it says whether the school has a store there).
    public static func mayExist(at location: String) -> Bool {
        PGLocation.isPostgres(location) || FileManager.default.fileExists(atPath: location)
    }

    /// The backend the store runs on.
    public var backend: StoreBackend { db.backend }
}
