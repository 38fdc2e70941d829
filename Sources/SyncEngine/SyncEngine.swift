import Foundation
import JournalModel
import JournalStore
import SyncModel

/// One synchronisation run with one counterpart: resend what a killed run left in the
/// outbox, pull pages and merge them, push local changes, and report.
///
/// Every step commits with its checkpoint in one transaction, so a run killed at any
/// point and started again ends in the same state as an uninterrupted one (docs/sync.md).
/// The caller holds the store's ``RunLock`` for the whole run.
public struct SyncEngine {
    public let store: JournalStore
    public let counterpart: any Counterpart
    public var policy: PolicyTable
    /// Operations per push request (АСУ РСО takes at most 200).
    public var batchSize = 200
    /// Attempts at each page (and each batch, under the same keys) before the run stops
    /// as unavailable. Adapters retry with backoff themselves; these are the engine's.
    public var pullAttempts = 3
    /// Pulled items applied in one held transaction before it is committed at the next
    /// page boundary (``HeldPages``; also committed after two seconds).
    public var commitEvery = 5000
    /// Plan-and-push rounds; a round follows one whose answers held conflicts.
    public var pushRounds = 3
    /// Interrupts the run at checkpoint boundaries (tests).
    public var crash = CrashHook.none
    /// The run's id; generated from the clock when nil.
    public var runID: String?
    /// The command recorded in the run journal.
    public var command = "sync"
    /// Pull everything again from no cursor (records the counterpart no longer lists
    /// count as deleted there). Also what a nil cursor in the store means.
    public var fullPull = false
    /// Deletions of one kind a person allowed in this run beyond the brake's threshold
    /// (`--allow-deletions N`; see ``DeletionBrake``).
    public var allowDeletions: Int?

    public init(store: JournalStore, counterpart: any Counterpart, policy: PolicyTable = .defaults) {
        self.store = store; self.counterpart = counterpart; self.policy = policy
    }

    /// The id a record first seen at a counterpart gets in the journal: the same on every
    /// run, so a pull killed and run again creates the same ids.
    public static func localID(counterpart: String, _ kind: EntityKind, externalID: String) -> String {
        kind.rawValue + "-" + StableHash.hex([counterpart, kind.rawValue, externalID])
    }

    /// The origin source of records written by the pull (`sync:asu-rso`).
    public static func source(_ counterpart: String) -> String { "sync:" + counterpart }
    /// The origin source of change-log entries keeping a counterpart's losing values.
    public static func loserSource(_ counterpart: String) -> String { "sync:" + counterpart + ":remote-loser" }

    /// Runs once. Returns the summary; throws only on a store error or an injected crash
    /// (a counterpart that cannot be reached ends the run with exit code 69 instead).
    public func run() async throws -> SyncSummary {
        let cp = counterpart.name
        let id = runID ?? "sync-" + JournalStore.timestamp(store.now()).filter(\.isNumber).prefix(17) + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let start = try store.syncCursor(counterpart: cp)
        let ctx = RunContext(runID: id, counterpart: cp)
        ctx.epoch = start.epoch
        ctx.deletions = DeletionBrake(allowed: allowDeletions)
        ctx.deletions.remember(held: try store.parkedReasons(counterpart: cp).filter { $0.reason.hasPrefix(DeletionBrake.marker) }
            .map { ($0.entity, $0.externalID) })
        try store.transaction {
            ctx.resumedAfter = try store.interruptRunningRuns(counterpart: cp)
            try store.beginSyncRun(id: id, counterpart: cp, command: command, cursorStart: start.cursor)
            try store.addCheckpoint(runID: id, kind: "start", detail: .object([
                ("cursor", start.cursor.map(JSON.string) ?? .null), ("push_mark", .int(start.pushMark)),
                ("resuming", .array(ctx.resumedAfter.map(JSON.string)))]))
        }
        do {
            ctx.resent = try await sendPending(ctx)
            try await pull(ctx)
            for _ in 0..<max(1, pushRounds) {
                try plan(ctx)
                try crash(.afterPlan)
                ctx.conflictAnswers = 0
                _ = try await sendPending(ctx)
                if ctx.conflictAnswers == 0 { break }
            }
        } catch let e as Unavailable {
            ctx.unavailable = e.message
            ctx.stopReason = e.reason
        }
        ctx.warnings += await counterpart.warnings
        let adopted = await counterpart.adopted
        let summary = SyncSummary(runID: id, counterpart: cp, cursorStart: start.cursor, cursorEnd: try store.syncCursor(counterpart: cp).cursor,
                                  entities: ctx.counts, failures: ctx.failures, resumedAfter: ctx.resumedAfter, resent: ctx.resent,
                                  unavailable: ctx.unavailable, stopReason: ctx.stopReason, held: ctx.held, heldItems: ctx.heldItems,
                                  warnings: ctx.warnings, openConflicts: try openConflictCount(cp),
                                  unmapped: UnmappedReport.tally(ctx.unmappedCodes), unmappedItems: ctx.unmappedItems, adopted: adopted,
                                  deferredItems: ctx.deferredItems, refused: ctx.refused)
        try store.transaction {
            try store.addCheckpoint(runID: id, kind: "finish", detail: .object([("status", .string(summary.status))]))
            try store.finishSyncRun(id: id, status: summary.status, cursorEnd: summary.cursorEnd, summary: summary.json)
        }
        return summary
    }

    private func openConflictCount(_ cp: String) throws -> Int {
        try store.openConflictCount(counterpart: cp)
    }

    /// Calls the counterpart, turning any error it throws into ``Unavailable`` with the
    /// error's stop reason. Only an unreachable counterpart is asked again: bad data,
    /// refused credentials and "come back later" stop the run at once.
    func reach<T>(_ what: String, attempts: Int, _ body: () async throws -> T) async throws -> T {
        var last: any Error = Unavailable(message: what)
        var reason = StopReason.unavailable
        for _ in 0..<max(1, attempts) {
            do { return try await body() } catch {
                last = error
                reason = (error as? CounterpartStopping)?.stopReason ?? .unavailable
                if !reason.retryable { break }
            }
        }
        let next = "the next run continues from here"
        switch reason {
        case .unavailable:
            throw Unavailable(message: "\(counterpart.name) did not answer \(what) (\(last)); \(next)", reason: reason)
        case .retryLater:
            throw Unavailable(message: "\(counterpart.name) asked to come back later during \(what) (\(last)); \(next)", reason: reason)
        case .badData:
            throw Unavailable(message: "\(counterpart.name) sent bad data in \(what); nothing of that answer was applied: \(last); \(next)", reason: reason)
        case .credentialsRefused:
            throw Unavailable(message: "\(counterpart.name) refused the gateway's credentials during \(what): \(last)", reason: reason)
        }
    }

    /// Runs `body` in a savepoint: a throw undoes only what `body` wrote.
    func savepoint<T>(_ body: () throws -> T) throws -> T { try store.savepoint(body) }
}

/// The run stops, keeping everything done so far: the counterpart could not be reached,
/// sent bad data, or refused the credentials (``StopReason``).
struct Unavailable: Error {
    let message: String
    var reason = StopReason.unavailable
}

/// An item or operation that cannot be applied now, with the reason for people.
struct ItemFailure: Error { let message: String; let park: Bool }

/// What became of one pulled item or one answered operation.
enum ItemOutcome: Equatable { case applied, unchanged, pushed, conflict, parked(String), failed(String) }

/// Mutable state of one run: counts, failures, what was parked.
final class RunContext {
    let runID: String
    let counterpart: String
    var counts: [EntityKind: EntityCounts] = [:]
    var failures: [String] = []
    var resumedAfter: [String] = []
    var resent = 0
    var unavailable: String?
    var stopReason: StopReason?
    /// Deletions held back by the mass-deletion brake, one line per kind, for people.
    var held: [String] = []
    var warnings: [String] = []
    var deletions = DeletionBrake()
    /// Pulled items the brake holds (counted as failed, reported in `held`).
    var heldItems = 0
    /// Items parked for codes without a table line (counted as failed, reported in `unmapped`),
    /// and their codes (one entry per item and code).
    var unmappedItems = 0
    /// Items the journal refuses, kept (parked) with the reason: one line each.
    var refused: [String] = []
    var unmappedCodes: [UnmappedCode] = []
    /// Items parked until their date (``FutureLesson``): counted as deferred, not failed.
    var deferredItems = 0
    /// Journal records (kind, id) whose counterpart twin is parked for such a code: not pushed as new.
    var waitingTwins = Set<String>()
    var conflictAnswers = 0
    /// The full-pull epoch stamped on every base this run writes.
    var epoch = 0
    /// Items parked by this run (counted when they leave the parking, or at the end).
    var parkedThisRun = Set<String>()
    /// Records already reported as still rejected in this run.
    var reported = Set<String>()
    /// The identity lookups of the page being applied.
    var references = ReferenceCache()
    /// The page's items of each kind whose natural keys are still to be read (``SyncEngine/prefetchKeys(_:_:)``).
    var pageItems: [EntityKind: [RemoteRecord]] = [:]
    /// Per guardian (external id), the pupils (external ids) the page's guardianships link
    /// it to: what binds a guardian known by name only (``GuardianIdentity``).
    var guardianChildren: [String: Set<String>] = [:]
    /// The journal's guardians, loaded when a guardian first needs binding in this run.
    var guardians: GuardianMatcher?
    var origin: Origin { Origin(source: SyncEngine.source(counterpart), runID: runID) }
    var loserOrigin: Origin { Origin(source: SyncEngine.loserSource(counterpart), runID: runID) }

    init(runID: String, counterpart: String) { self.runID = runID; self.counterpart = counterpart }

    func expect(_ kind: EntityKind, _ n: Int = 1) { counts[kind, default: EntityCounts()].expected += n }

    func count(_ kind: EntityKind, _ outcome: ItemOutcome) {
        switch outcome {
        case .applied: counts[kind, default: EntityCounts()].applied += 1
        case .unchanged: counts[kind, default: EntityCounts()].unchanged += 1
        case .pushed: counts[kind, default: EntityCounts()].pushed += 1
        case .conflict: counts[kind, default: EntityCounts()].conflicts += 1
        case .failed(let m), .parked(let m): fail(kind, m)
        }
    }

    /// An item left parked until its date: deferred, not a failure.
    func waitsForDate(_ kind: EntityKind) {
        counts[kind, default: EntityCounts()].deferred += 1
        deferredItems += 1
    }

    /// An item left parked for codes without a table line: failed, and its codes reported once per code.
    func unmapped(_ item: RemoteRecord) {
        counts[item.kind, default: EntityCounts()].failed += 1
        unmappedItems += 1
        unmappedCodes += Array(Set(item.unmapped))
    }

    func fail(_ kind: EntityKind, _ message: String) {
        counts[kind, default: EntityCounts()].failed += 1
        failures.append(message)
    }
}
