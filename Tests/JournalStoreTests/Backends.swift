import JournalStore
import TestSupport

/// Where a new store goes on `backend`: a file in `dir` (SQLite), or a school of its own in a
/// fresh database of the test process's PostgreSQL cluster. Tests parameterised over
/// `StoreBackend.allCases` run the same checks on both; the PostgreSQL half is never skipped
/// (no cluster: the test fails, saying why).
func storeLocation(_ backend: StoreBackend, _ dir: TempDir, school: String = "63-0002") throws -> String {
    switch backend {
    case .sqlite:
        return dir.path("s.sqlite")
    case .postgresql:
        let cluster = try PostgresCluster.shared()
        return cluster.url(database: try cluster.createDatabase(), school: school)
    }
}
