import Foundation

/// The store's connection on PostgreSQL: a ``PGConnection`` in the school's schema, taking
/// the store's SQLite-dialect statements (translated once each by ``SQLDialect`` and cached).
final class PGStoreConnection: StoreConnection {
    let pg: PGConnection
    private var translations: [String: SQLDialect.Translated] = [:]
    private(set) var changes = 0
    private(set) var lastInsertRowID: Int64 = 0
    /// A region job's fencing token (``CommitFence``): checked in every transaction before
    /// its COMMIT, and a write outside a transaction is made one, so nothing commits unchecked.
    var fence: CommitFence?

    init(_ pg: PGConnection) { self.pg = pg }

    var path: String { pg.location.redacted }
    var backend: StoreBackend { .postgresql }

    private func translated(_ sql: String) throws -> SQLDialect.Translated {
        if let t = translations[sql] { return t }
        if sql.uppercased().hasPrefix("VACUUM INTO") {
            throw StoreError(.invalid, "\(path): VACUUM INTO is SQLite's; a PostgreSQL store is copied by JournalStore.copy(to:)")
        }
        let t = SQLDialect.postgres(sql)
        translations[sql] = t
        return t
    }

    func exec(_ sql: String) throws {
        guard let text = try translated(sql).sql else { return }
        try pg.exec(text)
    }

    var deferredSavepoints = 0

    func run(_ sql: String, _ args: [SQLValue]) throws {
        if fence != nil, !pg.inTransaction { return try transaction { try run(sql, args) } }
        while deferredSavepoints > 0 {
            deferredSavepoints -= 1
            try pg.exec("SAVEPOINT step")
        }
        let t = try translated(sql)
        guard let text = t.sql else { return }
        if t.returning != nil {
            let key = try pg.scalar(text, args)
            changes = key == nil ? 0 : 1
            if case .int(let k)? = key { lastInsertRowID = k }
        } else {
            try pg.run(text, args)
            changes = pg.changes
        }
    }

    func forEach(_ sql: String, _ args: [SQLValue], _ body: ([SQLValue]) throws -> Void) throws {
        guard let text = try translated(sql).sql else { return }
        try pg.forEach(text, args, body)
    }

    func scalar(_ sql: String, _ args: [SQLValue]) throws -> SQLValue? {
        guard let text = try translated(sql).sql else { return nil }
        return try pg.scalar(text, args)
    }

    /// A writing transaction: `READ COMMITTED` is enough while the writer holds the school's
    /// run lock (one writer per school, as SQLite's `BEGIN IMMEDIATE` gave).
    func transaction<T>(_ body: () throws -> T) throws -> T {
        guard let fence else { return try pg.transaction(.readCommitted, body) }
        return try pg.transaction(.readCommitted) {
            let v = try body()
            try RegionFenceCheck.check(pg, fence, location: path)
            return v
        }
    }

    func begin() throws { try pg.exec("BEGIN ISOLATION LEVEL " + PGConnection.Isolation.readCommitted.rawValue) }

    func commit() throws {
        if let fence { try RegionFenceCheck.check(pg, fence, location: path) }
        try pg.exec("COMMIT")
    }

    func rollback() { try? pg.exec("ROLLBACK") }
}
