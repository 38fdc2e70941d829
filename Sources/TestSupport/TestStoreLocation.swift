import Foundation

/// Where a test's new store goes: `dir/name` (SQLite), or, when `$JOURNAL_GATEWAY_TEST_BACKEND`
/// is `postgresql`, a school of its own in a fresh database of the test process's PostgreSQL
/// cluster (``PostgresCluster``). A suite written against `testStoreLocation` runs unchanged
/// on either backend: `JOURNAL_GATEWAY_TEST_BACKEND=postgresql swift test --filter SyncEngineTests`.
public func testStoreLocation(_ dir: TempDir, _ name: String = "journal.sqlite") throws -> String {
    switch ProcessInfo.processInfo.environment["JOURNAL_GATEWAY_TEST_BACKEND"] ?? "sqlite" {
    case "postgresql":
        let cluster = try PostgresCluster.shared()
        return cluster.url(database: try cluster.createDatabase(), school: "63-0002")
    case "sqlite", "":
        return dir.path(name)
    case let other:
        throw TestSupportError("JOURNAL_GATEWAY_TEST_BACKEND=\(other): sqlite or postgresql")
    }
}
