import Foundation

/// The fencing check of a region job's school store (docs/region.md): inside the school's
/// transaction, just before its COMMIT, `region.fence` answers whether the job is still
/// running under this attempt and this worker, and holds its row (`FOR SHARE`) until the
/// COMMIT. When it is not, the transaction rolls back and the command fails as a run that
/// found its store taken (exit 75): a worker that lost its lease never commits.
enum RegionFenceCheck {
    static func check(_ pg: PGConnection, _ f: CommitFence, location: String) throws {
        let held = try pg.scalar("SELECT region.fence($1::bigint, $2::integer, $3::text)",
                                 [.int(f.job), .int(Int64(f.attempt)), .text(f.worker)])?.int == 1
        guard held else {
            throw StoreError(.locked, "\(location): region job \(f.job) is no longer attempt \(f.attempt) of \(f.worker) (its lease was lost); nothing of this transaction was committed")
        }
    }
}

extension JournalStore {
    /// Makes every later commit of this store check a region job's fencing token
    /// (``CommitFence``). PostgreSQL stores only: the region's queue lives there.
    public func fence(_ f: CommitFence) throws {
        guard let pg = db as? PGStoreConnection else {
            throw StoreError(.invalid, "\(path): region jobs run on PostgreSQL stores only (the fencing token lives in the region's database)")
        }
        pg.fence = f
    }
}
