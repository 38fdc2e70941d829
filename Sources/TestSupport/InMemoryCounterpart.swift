import Foundation
import JournalModel
import Synchronization
import SyncModel

/// An in-process counterpart with its own records, versions and idempotency store, and
/// faults to inject: a test double for the engine's tests (target TestSupport, never in a product).
///
/// It behaves like АСУ РСО's change feed: one school-wide version sequence, a feed of
/// the latest state of each record (tombstones included) ordered by version, a batch
/// write checking `baseVersion`, and answers remembered per idempotency key. It also
/// records protocol violations by its client: a key sent again with another payload,
/// or the same operation sent under a second key.
public final class InMemoryCounterpart: Counterpart {
    /// What can go wrong, drawn from a seeded generator so runs repeat exactly.
    public struct Faults: Sendable {
        public var pageSize = 50
        public var seed: UInt64 = 1
        /// A page also carries the last items before its cursor (feeds repeat edges).
        public var repeatEdge = 0.0
        /// A page starts well before its cursor: most of the previous page comes again.
        public var rewind = 0.0
        /// An item appears twice in its page.
        public var duplicate = 0.0
        /// A page's items come shuffled.
        public var reorder = 0.0
        /// A page also carries an older version of a record delivered before (out of order).
        public var stale = 0.0
        /// A pull request fails (the client retries), at most `maxDropsInARow` in a row.
        public var dropPull = 0.0
        public var maxDropsInARow = 2
        /// The next n push requests fail before anything is applied.
        public var failPushes = 0
        /// The next n push requests are applied, but the answer is lost.
        public var losePushAnswers = 0
        /// Operations carrying one of these text values are rejected (a portal's validation).
        public var rejectValues: Set<String> = []
        public init() {}
    }

    struct Stored { var record: RemoteRecord; var version: Int }

    struct State {
        var records: [String: Stored] = [:]
        var version = 0
        var nextID = 1
        var history: [RemoteRecord] = []
        var truncatedBefore = 0
        var answers: [String: (payload: String, result: OperationResult)] = [:]
        var keyByOperation: [String: String] = [:]
        var violations: [String] = []
        var faults = Faults()
        var random = SeededRandom(seed: 1)
        var dropsInARow = 0
        var pushRequests = 0
        var appliedOperations = 0
        var writable: Set<EntityKind>?
    }

    public let name: String
    let state = Mutex(State())
    private let hook = Mutex<(@Sendable (InMemoryCounterpart) -> Void)?>(nil)
    func setHook(_ body: (@Sendable (InMemoryCounterpart) -> Void)?) { hook.withLock { $0 = body } }

    public init(name: String = "test", faults: Faults = Faults(), writable: Set<EntityKind>? = nil) {
        self.name = name
        state.withLock { $0.faults = faults; $0.random = SeededRandom(seed: faults.seed); $0.writable = writable }
    }

    // MARK: Counterpart

    public func accepts(_ kind: EntityKind) -> Bool { state.withLock { $0.writable?.contains(kind) ?? true } }

    public func pull(cursor: String?) async throws -> PullPage {
        try state.withLock { s in
            // "f:N" pages a full pull (always served); "N" continues the feed after version N.
            let full = cursor == nil || cursor!.hasPrefix("f:")
            let since = cursor.flatMap { Int($0.hasPrefix("f:") ? String($0.dropFirst(2)) : $0) } ?? 0
            if !full && since < s.truncatedBefore - 1 { return .resetToFull }
            if s.random.chance(s.faults.dropPull) && s.dropsInARow < s.faults.maxDropsInARow {
                s.dropsInARow += 1
                throw TestCounterpartError(message: "pull from \(cursor ?? "start") dropped")
            }
            s.dropsInARow = 0
            let size = max(1, s.faults.pageSize)
            let feed = s.records.values.sorted { $0.version < $1.version }
            var from = since
            if s.random.chance(s.faults.rewind) { from = max(0, since - 1 - s.random.below(size)) }
            let after = feed.filter { $0.version > from }
            var page = Array(after.prefix(size)).map(\.record)
            let next = after.prefix(size).last.map { max($0.version, since) } ?? max(since, s.version)
            let hasMore = after.count > size
            if s.random.chance(s.faults.repeatEdge) {
                page.insert(contentsOf: feed.filter { $0.version <= since }.suffix(1 + s.random.below(3)).map(\.record), at: 0)
            }
            if !page.isEmpty && s.random.chance(s.faults.duplicate) {
                page.insert(page[s.random.below(page.count)], at: s.random.below(page.count + 1))
            }
            if s.random.chance(s.faults.stale) {
                // An older version of a record the client already has a newer one of.
                let candidates = s.history.filter { h in s.records[h.externalID].map { $0.version <= since && $0.record != h } ?? false }
                if !candidates.isEmpty { page.insert(candidates[s.random.below(candidates.count)], at: s.random.below(page.count + 1)) }
            }
            if s.random.chance(s.faults.reorder) { page.shuffle(using: &s.random) }
            return .records(page, next: (full && hasMore ? "f:" : "") + String(next), hasMore: hasMore)
        }
    }

    public func push(_ ops: [OutboundOperation]) async throws -> [OperationResult] {
        if let h = hook.withLock({ $0 }) { h(self) }
        return try state.withLock { s in
            s.pushRequests += 1
            if s.faults.failPushes > 0 {
                s.faults.failPushes -= 1
                throw TestCounterpartError(message: "push refused: counterpart unreachable")
            }
            var results: [OperationResult] = []
            for op in ops {
                let payload = Wire.json(op).serialized()
                var sameOp = op
                sameOp.key = ""
                let operation = Wire.json(sameOp).serialized()
                if let seen = s.answers[op.key] {
                    if seen.payload != payload { s.violations.append("key \(op.key) sent with two payloads: \(seen.payload) / \(payload)") }
                    results.append(seen.result)
                    continue
                }
                if let other = s.keyByOperation[operation], other != op.key {
                    s.violations.append("operation sent under two keys \(other) and \(op.key): \(operation)")
                }
                s.keyByOperation[operation] = op.key
                let result = apply(op, &s)
                if case .applied = result { s.appliedOperations += 1 }
                s.answers[op.key] = (payload, result)
                results.append(result)
            }
            if s.faults.losePushAnswers > 0 {
                s.faults.losePushAnswers -= 1
                throw TestCounterpartError(message: "push applied, answer lost")
            }
            return results
        }
    }

    private func apply(_ op: OutboundOperation, _ s: inout State) -> OperationResult {
        if let w = s.writable, !w.contains(op.kind) { return .rejected(message: "\(op.kind.rawValue) is read-only here") }
        if let bad = op.fields.values.first(where: { $0.text.map(s.faults.rejectValues.contains) ?? false }) {
            return .rejected(message: "value «\(bad)» is not allowed")
        }
        if op.op == .upsert {
            for (key, value) in op.fields.entries {
                let spec = key.spec
                guard case .ref(let target) = spec.type, let ext = value.text else { continue }
                guard let r = s.records[ext]?.record, r.kind == target, !r.deleted else {
                    return .rejected(message: "\(spec.name): no \(target.rawValue) \(ext)")
                }
            }
        }
        let key = Record(op.kind, id: "", op.fields).naturalKey
        func sameKey(_ r: RemoteRecord) -> Bool {
            key != nil && !r.deleted && r.kind == op.kind && r.externalID != op.externalID && Record(r.kind, id: "", r.fields).naturalKey == key
        }
        guard let ext = op.externalID else {
            if let existing = s.records.values.first(where: { sameKey($0.record) }) { return .conflict(current: existing.record) }
            let id = String(s.nextID)
            s.nextID += 1
            let v = write(RemoteRecord(op.kind, externalID: id, op.fields), &s)
            return .applied(externalID: id, version: String(v))
        }
        guard let stored = s.records[ext], stored.record.kind == op.kind else { return .rejected(message: "no \(op.kind.rawValue) \(ext)") }
        guard op.baseVersion == String(stored.version) else { return .conflict(current: stored.record) }
        if op.op == .delete {
            if s.records.values.contains(where: { r in !r.record.deleted && r.record.fields.entries.contains { $0.1 == .text(ext) && refersTo($0.0, op.kind) } }) {
                return .rejected(message: "\(op.kind.rawValue) \(ext) is still referenced")
            }
            let v = write(RemoteRecord(op.kind, externalID: ext, deleted: true), &s)
            return .applied(externalID: ext, version: String(v))
        }
        if s.records.values.contains(where: { sameKey($0.record) }) { return .rejected(message: "another \(op.kind.rawValue) has the same key") }
        let v = write(RemoteRecord(op.kind, externalID: ext, op.fields), &s)
        return .applied(externalID: ext, version: String(v))
    }

    private func refersTo(_ field: Field, _ target: EntityKind) -> Bool {
        if case .ref(let t) = field.spec.type { return t == target }
        return false
    }

    @discardableResult
    func write(_ r: RemoteRecord, _ s: inout State) -> Int {
        s.version += 1
        var r = r
        r.version = String(s.version)
        if !r.deleted { r.fields = Record(r.kind, id: r.externalID, r.fields).normalized.fields }
        s.records[r.externalID] = Stored(record: r, version: s.version)
        s.history.append(r)
        if s.history.count > 500 { s.history.removeFirst(100) }
        return s.version
    }
}

/// A failure the in-memory counterpart injects (an unreachable portal, a lost answer).
public struct TestCounterpartError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}
