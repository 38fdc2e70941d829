import Foundation
import JournalStore

/// Where a test's new store goes on `backend`: `dir/name` (SQLite), or a school of its own
/// (a fresh schema) in the test process's shared database of its PostgreSQL cluster
/// (``PostgresCluster/newSchoolURL()``). Suites parameterised over `StoreBackend.allCases`
/// run the same checks on both in one `swift test`; the PostgreSQL half is never skipped (no
/// cluster: the test fails, saying why).
public func testStoreLocation(_ backend: StoreBackend, _ dir: TempDir, _ name: String = "journal.sqlite") throws -> String {
    switch backend {
    case .sqlite: return dir.path(name)
    case .postgresql: return try PostgresCluster.shared().newSchoolURL()
    }
}

/// The same for suites not yet parameterised over backends: SQLite, or PostgreSQL when
/// `$JOURNAL_GATEWAY_TEST_BACKEND` is `postgresql` (a hand-run pass, docs/region.md).
public func testStoreLocation(_ dir: TempDir, _ name: String = "journal.sqlite") throws -> String {
    switch ProcessInfo.processInfo.environment["JOURNAL_GATEWAY_TEST_BACKEND"] ?? "sqlite" {
    case "postgresql": return try testStoreLocation(.postgresql, dir, name)
    case "sqlite", "": return try testStoreLocation(.sqlite, dir, name)
    case let other: throw TestSupportError("JOURNAL_GATEWAY_TEST_BACKEND=\(other): sqlite or postgresql")
    }
}

/// A store made once (by `make`, which gets an empty location) and copied for each test that
/// asks: a byte copy of the file (SQLite), or a new database made from the prepared one as
/// its template (PostgreSQL: `createdb -T`, a file-level copy, the same school inside).
public final class PreparedStore: Sendable {
    public let backend: StoreBackend
    /// The prepared store's own location (a file, or a URL in a database of its own).
    public let location: String
    private let database: String?
    private let school: String

    /// Makes the store with `make(location)`; `make` must leave no connection open (a
    /// template database cannot be copied while someone is connected to it).
    public init(_ backend: StoreBackend, name: String, school: String = "63-0002", make: (String) throws -> Void) throws {
        self.backend = backend
        self.school = school
        switch backend {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jg-\(name)-\(getpid())-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            location = dir.appendingPathComponent("prepared.sqlite").path
            database = nil
        case .postgresql:
            let cluster = try PostgresCluster.shared()
            let db = try cluster.createDatabase(prefix: "prep")
            location = cluster.url(database: db, school: school)
            database = db
        }
        try make(location)
    }

    /// A copy of the prepared store, in `dir` (SQLite) or in a new database (PostgreSQL).
    public func copy(in dir: TempDir, name: String = "journal.sqlite") throws -> String {
        guard let database else {
            let path = dir.path(name)
            try FileManager.default.copyItem(atPath: location, toPath: path)
            return path
        }
        let cluster = try PostgresCluster.shared()
        return cluster.url(database: try cluster.createDatabase(template: database), school: school)
    }
}
