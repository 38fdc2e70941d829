import Foundation
import Adapters
import JournalModel
import JournalStore

/// How a feed run batches and plans.
public struct DiaryFeedOptions: Sendable {
    /// Events per batch (at most 1,000, the protocol's limit).
    public var batchSize = DiaryBatch.maxEvents
    /// Change-log entries planned per transaction.
    public var chunkSize = 2000
    /// The school's id at the portal.
    public var schoolID = ""
    /// Called at the run's checkpoints (`after-plan`, `before-send`, `after-send`,
    /// `after-ack`); the kill tests stop the process there.
    public var checkpoint: @Sendable (String) -> Void = { _ in }
    /// Progress lines for a terminal.
    public var progress: @Sendable (String) -> Void = { _ in }
    public init() {}
}

/// One run of the parents' diary feed: plan the change log into the outbox chunk by
/// chunk, and after each chunk deliver every pending event, batch by batch.
///
/// At least once: a batch's events leave the outbox only when the portal accepted them,
/// called them duplicates, or rejected them (then they stay, marked rejected, and come
/// back when the data behind them changes). The delivered cursor is always just before
/// the oldest pending event, so a run killed anywhere loses nothing when run again, and
/// whatever it had sent comes back from the portal as duplicates.
public final class DiaryFeed {
    let store: JournalStore
    let options: DiaryFeedOptions
    private(set) var summary: DiarySummary

    public init(store: JournalStore, options: DiaryFeedOptions) {
        self.store = store
        self.options = options
        self.summary = DiarySummary()
    }

    /// Plans everything up to the change log's end as it is now, and delivers it to `sink`
    /// (nil: plan only, for `--dry-run` on a copy of the store).
    ///
    /// - Throws: ``GatewayError`` when the sink fails; what was delivered before stays delivered.
    func run(sink: DiarySink?) throws -> DiarySummary {
        let started = Date()
        let target = store.lastSeq
        summary.target = sink?.target
        var state: DiaryFeedState
        if let s = try DiaryOutbox.state(store) {
            state = s
        } else {
            let dir = try DiaryDirectory(store: store)
            state = try DiaryOutbox.begin(store, yearStart: try dir.yearStart(for: store.today))
            summary.firstDelivery = true
        }
        summary.firstDelivery = summary.firstDelivery || state.plannedSeq < state.snapshotSeq
        let planner = try DiaryPlanner(store: store, state: state, chunkSize: options.chunkSize)
        do {
            // Events an interrupted run planned but did not deliver go first.
            if let sink { try deliverAll(sink, &state) }
            while try planner.planChunk(upTo: target) {
                state.plannedSeq = planner.state.plannedSeq
                options.checkpoint("after-plan")
                options.progress("planned up to #\(state.plannedSeq) of #\(target): \(planner.counts.total) events")
                if let sink { try deliverAll(sink, &state) }
            }
        } catch {
            finish(planner, state, started)
            summary.error = "\(error)"
            throw error
        }
        finish(planner, state, started)
        return summary
    }

    private func finish(_ planner: DiaryPlanner, _ state: DiaryFeedState, _ started: Date) {
        summary.plan = planner.counts
        summary.plannedSeq = max(state.plannedSeq, planner.state.plannedSeq)
        summary.deliveredSeq = (try? DiaryOutbox.deliveredSeq(store, planned: summary.plannedSeq)) ?? state.deliveredSeq
        summary.changeLogSeq = store.lastSeq
        summary.pending = (try? DiaryOutbox.count(store, status: "pending")) ?? 0
        summary.rejectedTotal = (try? DiaryOutbox.count(store, status: "rejected")) ?? 0
        summary.seconds = Date().timeIntervalSince(started)
    }

    /// Sends every pending event, oldest first, in batches within the protocol's limits.
    private func deliverAll(_ sink: DiarySink, _ state: inout DiaryFeedState) throws {
        var after: (seq: Int, id: String)?
        while true {
            let events = try DiaryOutbox.pending(store, limit: min(options.batchSize, DiaryBatch.maxEvents),
                                                 maxBytes: DiaryBatch.maxBytes - DiaryBatch.envelope, after: after)
            guard let last = events.last else { return }
            after = (last.seq, last.id)
            if events.count == 1, events[0].body.utf8.count > DiaryBatch.maxBytes - DiaryBatch.envelope {
                // One event larger than a batch may be: it can never be sent.
                try DiaryOutbox.acknowledge(store, done: [], rejected: [(events[0].id, "too_large")], unanswered: [], state: &state)
                summary.rejected += 1
                continue
            }
            let batch = DiaryBatch(schoolID: options.schoolID, number: state.batches + 1, events: events)
            options.checkpoint("before-send")
            let answer = try sink.send(batch)
            options.checkpoint("after-send")
            let sent = Set(events.map(\.id))
            let done = (answer.accepted + answer.duplicates).filter { sent.contains($0) }
            let rejected = answer.rejected.filter { sent.contains($0.id) }
            let answered = Set(done).union(rejected.map(\.id))
            let unanswered = events.map(\.id).filter { !answered.contains($0) }
            try DiaryOutbox.acknowledge(store, done: done, rejected: rejected, unanswered: unanswered, state: &state)
            options.checkpoint("after-ack")
            summary.batches += 1
            summary.accepted += answer.accepted.filter { sent.contains($0) }.count
            summary.duplicates += answer.duplicates.filter { sent.contains($0) }.count
            summary.rejected += rejected.count
            summary.unanswered += unanswered.count
            summary.largestBatchEvents = max(summary.largestBatchEvents, events.count)
            summary.largestBatchBytes = max(summary.largestBatchBytes, batch.body.count)
            options.progress("batch \(state.batches): \(summary.accepted) accepted, \(summary.duplicates) duplicates, \(summary.rejected) rejected")
        }
    }
}
