import Foundation
import JournalStore
import SyncEngine

/// What a command run as a region job is given by its worker (``CommandContext/regionJob``):
/// the fencing token its store checks at every commit, whether to stop at the next page
/// boundary (SIGTERM, or the lease was lost), and where to report a portal's retries (a 429
/// slows the host down for the whole fleet).
struct RegionJobHooks: Sendable {
    let fence: CommitFence
    let stopRequested: @Sendable () -> Bool
    let onHTTPRetry: @Sendable (_ reason: String, _ delay: Duration) -> Void

    /// The engine's checkpoints after which nothing of a page or a batch is left half done:
    /// a page and its cursor committed, the outbox planned, a batch's answers recorded.
    static let stopPoints: Set<CrashPoint> = [.afterLocalCommit, .afterPlan, .afterPushCommit]

    /// The engine's hook that stops a run at the next page boundary once asked to.
    var engineHook: CrashHook {
        let stop = stopRequested
        return CrashHook { point in
            if RegionJobHooks.stopPoints.contains(point), stop() { throw RegionJobStopped(point: point) }
        }
    }
}

/// Thrown at a page boundary when the worker asked its job to stop: the page is committed,
/// the rest is left to the next attempt (the engine resumes from its checkpoints).
struct RegionJobStopped: Error, CustomStringConvertible {
    let point: CrashPoint
    var description: String { "stopped at \(point.rawValue) (the worker is stopping or lost its lease)" }
}
