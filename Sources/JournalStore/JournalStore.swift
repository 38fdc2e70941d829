import Foundation
import JournalModel

/// Who made a change: the use case (`journal-import`, `contingent`, `sync:asu-rso`, …),
/// the run and the account it acted for.
public struct Origin: Sendable, Hashable {
    public var source: String
    public var runID: String?
    public var account: String?
    public init(source: String, runID: String? = nil, account: String? = nil) {
        self.source = source; self.runID = runID; self.account = account
    }
}

/// The school a store belongs to.
public struct SchoolInfo: Sendable {
    public let name: String
    public let timeZoneID: String
    public var timeZone: TimeZone { TimeZone(identifier: timeZoneID)! }
}

/// What a write did.
public enum WriteOutcome: Sendable, Equatable {
    case created
    case updated([FieldChange])
    case unchanged
}

/// One school's journal in one SQLite file: typed tables, a change log, sync state.
///
/// Every write goes through ``write(_:origin:)`` or ``delete(_:id:origin:)``, which
/// append to the change log in the same transaction, so history is never partial.
public final class JournalStore {
    let db: any StoreConnection
    public let path: String
    public private(set) var school: SchoolInfo
    /// The clock stamped on change-log entries; tests set it.
    public var now: () -> Date = Date.init
    /// Supersets of the records with open conflicts and of the parked items (loaded on
    /// first use, grown by every insert, never shrunk), so that the common case, none,
    /// costs no query per pulled item. A key left over from a rolled-back insert only
    /// costs the query it would have cost anyway. Sound because rows are added only by
    /// writing commands, which hold the store's run lock: no other process adds any while
    /// this one holds its sets.
    var openConflictKeys: Set<String>?
    var parkedKeys: Set<String>?
    /// The same for the kinds that have tombstones: an import into a journal without
    /// deletions asks nothing about them.
    var tombstonedKinds: Set<EntityKind>?
    /// Classes made grade 1 inside ``deferringRegradeChecks(_:)``, checked at its end (nil: checked at once).
    var deferredRegrades: Set<String>?
    /// Supersets of the grade-1 classes and of the lessons on them (R1 at the gate): loaded
    /// on first use, and before the first class or lesson is written or deleted; grown by
    /// every class written as grade 1 (with its lessons) and every lesson written on such a
    /// class; never shrunk. An id left over from a class that left grade 1 (or a rolled-back
    /// write) only costs the full R1 check of a mark; a rollback can bring back only states
    /// they already cover. Marks and homework cost one look into `gradeOneLessons`, no query.
    var gradeOneClasses: Set<String>?
    var gradeOneLessons: Set<String>?
    /// Lessons put on a grade-1 class inside ``deferringRegradeChecks(_:)`` (their marks may
    /// come before them there): checked for marks and homework at the batch's end.
    var deferredGradeOneLessons: Set<String> = []
    /// The school's date for the UTC minute it was computed in (a day starts on a whole
    /// minute in every time zone), so that the gate asks the time zone once a minute.
    var todayCache: (minute: Int64, date: CivilDate)?
    /// The last change-log stamp and its instant: thousands of writes share a millisecond.
    var lastStamp: (ms: Double, text: String)?
    /// What the store read and wrote for the pulled page being applied (nil outside one).
    var pageCache: SyncPageCache?

    /// Creates a new store for a school. Refuses a file that already holds one.
    public static func create(at path: String, school: String, timeZone: String) throws -> JournalStore {
        guard TimeZone(identifier: timeZone) != nil else {
            throw StoreError(.invalid, "unknown time zone «\(timeZone)» (use an IANA name such as Europe/Samara)")
        }
        if PGLocation.isPostgres(path) { return try createPostgres(at: path, school: school, timeZone: timeZone) }
        let dir = directory(of: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw StoreError(.missingDirectory, "cannot create the store \(path): the directory \(dir) does not exist (create it first, or pass another --store)")
        }
        let db = try connect(path, readOnly: false)
        try refuseNonDatabase(db, path)
        if try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'meta'")?.int == 1 {
            throw StoreError(.alreadyInitialized, "\(path) already holds a school's journal")
        }
        try configure(db)
        try migrate(db, to: Migrations.latest)
        try db.transaction {
            try db.run("INSERT INTO meta (key, value) VALUES ('school_name', ?), ('time_zone', ?), ('created_at', ?)",
                       [.text(school), .text(timeZone), .text(ISO8601DateFormatter().string(from: Date()))])
        }
        return try JournalStore(db: db, path: path)
    }

    /// Opens an existing store, migrating it to the current schema.
    ///
    /// `readOnly` (the commands that only read: status, history, conflicts, export, …)
    /// opens it with SQLITE_OPEN_READONLY and writes nothing: no journal mode, no
    /// migration, not even a header into an empty file. A store on read-only media is
    /// read as immutable when SQLite could not create its `-shm` index beside it.
    public static func open(at path: String, readOnly: Bool = false, migrateTo version: Int = Migrations.latest) throws -> JournalStore {
        if PGLocation.isPostgres(path) { return try openPostgres(at: path, readOnly: readOnly, migrateTo: version) }
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.notInitialized, "no store at \(path): run `journal-gateway init --school NAME --timezone ZONE` first, or pass --store PATH")
        }
        let db: Database
        if readOnly {
            let dir = directory(of: path)
            db = try connect(path, readOnly: true, immutable: try readerNeedsImmutable(path, directoryWritable: access(dir, W_OK) == 0))
        } else {
            db = try connect(path, readOnly: false)
        }
        // Looked at before anything is written: an empty or foreign file stays as it is.
        try refuseNonDatabase(db, path)
        guard try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'meta'")?.int == 1 else {
            let empty = ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil) == 0
            throw StoreError(.notInitialized, "\(path) is \(empty ? "an empty file, " : "")not an initialised journal store: run `journal-gateway init` first, or pass the right --store")
        }
        if readOnly {
            try db.exec("PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768")
            let current = try db.scalar("PRAGMA user_version")?.int ?? 0
            if current > Migrations.latest {
                throw StoreError(.newerSchema, "\(path) has schema version \(current), newer than this gateway knows (\(Migrations.latest)): upgrade journal-gateway")
            }
            if current < version {
                throw StoreError(.olderSchema, "\(path) has schema version \(current) and this gateway reads version \(version); reading commands write nothing, so run a writing command (journal import, import contingent, sync) once to upgrade it")
            }
        } else {
            try configure(db)
            try migrate(db, to: version)
        }
        return try JournalStore(db: db, path: path)
    }

    /// Whether a read-only open must be `immutable`: SQLite reads a WAL database read-only
    /// when its `-shm` index exists or can be created; on read-only media neither holds, and
    /// only `immutable=1` reads it (safe there: nobody can write the file). A non-empty
    /// `-wal` that SQLite cannot index would be skipped by an immutable read: refused instead.
    static func readerNeedsImmutable(_ path: String, directoryWritable: Bool) throws -> Bool {
        if directoryWritable || FileManager.default.fileExists(atPath: path + "-shm") { return false }
        let wal = ((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? nil) ?? 0
        if wal > 0 {
            throw StoreError(.cannotRead, "cannot read \(path): its write-ahead log \(path)-wal holds changes, but SQLite cannot create \(path)-shm in the read-only directory \(directory(of: path)); copy the store with its -wal file to a writable place and read it there")
        }
        return true
    }

    /// The directory a path is in ("." for a bare file name).
    static func directory(of path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        return dir.isEmpty ? "." : dir
    }

    /// Opens the connection, saying why in words when it cannot be opened.
    private static func connect(_ path: String, readOnly: Bool, immutable: Bool = false) throws -> Database {
        do {
            return try Database(path: path, readOnly: readOnly, immutable: immutable)
        } catch let e as StoreFailure {
            switch e.category {
            case .notADatabase: throw StoreError(.notAStore, notAStore(path))
            case .cannotWrite where !readOnly:
                throw StoreError(.cannotWrite, "cannot open the store \(path) for writing (\(e.message)): check that the file and its directory are writable by this user and that the file system is not mounted read-only")
            case .cannotWrite, .cannotRead:
                throw StoreError(.cannotRead, "cannot open the store \(path) for reading (\(e.message)): check that this user may read the file and its directory")
            default: throw e
            }
        }
    }

    private static func notAStore(_ path: String) -> String {
        "\(path) is not a Journal Gateway store (not an SQLite database): check --store or $JOURNAL_GATEWAY_STORE"
    }

    /// Reads the schema once: a file that is not an SQLite database fails here, before any write.
    private static func refuseNonDatabase(_ db: Database, _ path: String) throws {
        do { _ = try db.scalar("SELECT count(*) FROM sqlite_master") } catch let e as StoreFailure where e.category == .notADatabase {
            throw StoreError(.notAStore, notAStore(path))
        }
    }

    init(db: any StoreConnection, path: String) throws {
        self.db = db
        self.path = path
        var meta: [String: String] = [:]
        try db.forEach("SELECT key, value FROM meta") { meta[$0[0].text ?? ""] = $0[1].text }
        self.school = SchoolInfo(name: meta["school_name"] ?? "", timeZoneID: meta["time_zone"] ?? "Europe/Moscow")
    }

    private static func configure(_ db: Database) throws {
        let mode = try db.scalar("PRAGMA journal_mode = WAL")?.text?.lowercased()
        guard mode == "wal" else {
            throw StoreError(.walUnavailable, "\(db.path): SQLite would not switch to WAL (journal_mode is \(mode ?? "unknown")); is the file on a network share?")
        }
        try db.exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
        // 32 MB of page cache instead of SQLite's 2 MB: a synced year is ~1 GB, and a
        // night's lookups missed the cache five times an item (102 k preads for 19 k items).
        try db.exec("PRAGMA cache_size = -32768")
        // Checkpoint every 64 MB of WAL instead of 4 MB: a sync commits a page of the
        // portal at a time, and the same index pages were copied back into the file again
        // and again (initial sync of 2,000 pupils: 85 s → 77 s, 17.6 → 15.2 s in the kernel).
        // The WAL file is cut back to 64 MB after a checkpoint.
        try db.exec("PRAGMA wal_autocheckpoint = 16384; PRAGMA journal_size_limit = 67108864")
        guard try db.scalar("PRAGMA foreign_keys")?.int == 1 else {
            throw StoreError(.invalid, "this SQLite build cannot enforce foreign keys")
        }
    }

    /// The schema version of the file (PRAGMA user_version).
    public var schemaVersion: Int { (try? db.scalar("PRAGMA user_version")?.int) ?? 0 }

    static func migrate(_ db: Database, to target: Int) throws {
        let current = try db.scalar("PRAGMA user_version")?.int ?? 0
        if current > Migrations.latest {
            throw StoreError(.newerSchema, "\(db.path) has schema version \(current), newer than this gateway knows (\(Migrations.latest)): upgrade journal-gateway")
        }
        guard current < target else { return }
        try db.transaction {
            for v in current..<target {
                if Migrations.editsSchemaText.contains(v + 1) {
                    try editSchemaText(db, Migrations.steps[v])
                } else {
                    try db.exec(Migrations.steps[v])
                }
                try db.exec("PRAGMA user_version = \(v + 1)")
            }
        }
    }

    /// A step that edits tables' text under `writable_schema` (``Migrations/editsSchemaText``),
    /// then moves the schema cookie on. Such a step only makes writes cheaper: should this
    /// SQLite refuse it (a build whose defensive mode forbids `writable_schema`), it is undone
    /// and the store goes on with the tables' text as it was, not left unopenable.
    static func editSchemaText(_ db: Database, _ sql: String) throws {
        try db.exec("SAVEPOINT edit_schema_text")
        do {
            try db.exec(sql)
            if let cookie = try db.scalar("PRAGMA schema_version")?.int { try db.exec("PRAGMA schema_version = \(cookie + 1)") }
            try db.exec("RELEASE edit_schema_text")
        } catch {
            try db.exec("ROLLBACK TO edit_schema_text; RELEASE edit_schema_text; PRAGMA writable_schema = OFF")
        }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try db.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [.text(key), .text(value)])
    }

    public func meta(_ key: String) throws -> String? {
        try db.scalar("SELECT value FROM meta WHERE key = ?", [.text(key)])?.text
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        do { return try db.transaction(body) } catch {
            pageCache?.clear()   // what the rolled-back writes told it is undone
            throw error
        }
    }

    /// Opens a writing transaction held across awaits (the pull's network waits between
    /// pages): ``commitHeldTransaction()`` or ``rollbackHeldTransaction()`` ends it. Inside
    /// it, write without ``transaction(_:)`` (it would open a second one); a killed process
    /// loses what the held transaction did not commit, as with any transaction.
    public func beginHeldTransaction() throws { try db.begin() }

    /// Commits the held transaction (on PostgreSQL a region job's fence is checked first).
    public func commitHeldTransaction() throws {
        do { try db.commit() } catch {
            db.rollback()
            pageCache?.clear()
            tombstonedKinds = nil
            throw error
        }
    }

    /// Rolls the held transaction back: nothing it wrote stays.
    public func rollbackHeldTransaction() {
        db.rollback()
        pageCache?.clear()   // what the rolled-back writes told it is undone
        tombstonedKinds = nil
    }

    /// Runs `body` in a savepoint inside a transaction: a throw undoes only what `body` wrote.
    ///
    /// Cheap enough to run once per pulled item: its statements are prepared once (the
    /// statement cache), not parsed per call. Savepoints nest (the innermost one is undone).
    ///
    /// Opened lazily: only before the first statement that writes inside it
    /// (``StoreConnection/deferredSavepoints``). A savepoint opened just before the first
    /// write undoes exactly what one opened at the start would; one around work that only
    /// read (a pulled item the journal already agrees with) costs no statement at all.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        db.deferredSavepoints += 1
        do {
            let v = try body()
            // Still deferred: nothing was written inside it, so nothing to release.
            if db.deferredSavepoints > 0 { db.deferredSavepoints -= 1 } else { try db.run("RELEASE step") }
            return v
        } catch {
            if db.deferredSavepoints > 0 {
                db.deferredSavepoints -= 1   // nothing was written: nothing to undo
            } else {
                try? db.run("ROLLBACK TO step")
                try? db.run("RELEASE step")
                tombstonedKinds = nil   // what the rolled-back writes told the cache may be undone
                pageCache?.clear()
            }
            throw error
        }
    }

    /// Today's date in the school's time zone (by the store's clock, ``now``).
    public var today: CivilDate {
        let instant = now()
        let minute = Int64((instant.timeIntervalSince1970 / 60).rounded(.down))
        if let c = todayCache, c.minute == minute { return c.date }
        let date = CivilDate.today(in: school.timeZone, now: instant)
        todayCache = (minute, date)
        return date
    }
}
