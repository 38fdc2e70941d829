import Foundation
import JournalModel
import JournalStore
import SyncModel

/// The push: local changes since the push mark planned into the outbox under
/// deterministic keys, batches fixed before they are sent, answers recorded per batch.
extension SyncEngine {
    /// Plans outbox operations for records changed since the push mark (skipping this
    /// counterpart's own writes) and records the pull marked pending; advances the mark.
    func plan(_ ctx: RunContext) throws {
        let cp = counterpart.name
        try store.transaction {
            var state = try store.syncCursor(counterpart: cp)
            // Records whose base the pull left agreed with the journal are not even read (docs/sync.md, "Agreed mark").
            let (changed, last) = try store.changedRecords(since: state.pushMark, skipping: [SyncEngine.source(cp), SyncEngine.loserSource(cp)],
                                                           agreedWith: cp)
            // The changed records (each once, in kind and id order), those the pull marked, and
            // the journal's records waiting for a parked twin (each marked pending below).
            var pending = try store.pendingRecords(counterpart: cp)
            for twin in ctx.waitingTwins.sorted() {
                let parts = twin.split(separator: "\u{1F}", maxSplits: 1)
                if parts.count == 2, let kind = EntityKind(rawValue: String(parts[0])) { pending.append((entity: kind, localID: String(parts[1]))) }
            }
            let pendingKeys = Set(pending.map { $0.entity.rawValue + "\u{1F}" + $0.localID })
            var candidates: [(kind: EntityKind, id: String)] = changed.map { (kind: $0.entity, id: $0.localID) }
            if !pending.isEmpty {
                candidates += pending.map { (kind: $0.entity, id: $0.localID) }
                candidates.sort { $0.kind != $1.kind ? $0.kind < $1.kind : $0.id < $1.id }
                var unique: [(kind: EntityKind, id: String)] = []
                unique.reserveCapacity(candidates.count)
                for c in candidates where unique.last.map({ $0.kind != c.kind || $0.id != c.id }) ?? true { unique.append(c) }
                candidates = unique
            }
            // Two passes (every predecessor is adopted before anything is planned), each
            // reading its candidates' bindings, bases and records a few hundred at a time.
            try inChunks(candidates) { kind, id in try adoptPredecessor(kind, id: id) }
            var planned = 0
            try inChunks(candidates) { kind, id in
                if pendingKeys.contains(kind.rawValue + "\u{1F}" + id) { try store.clearPending(counterpart: cp, kind, localID: id) }
                if ctx.waitingTwins.contains(kind.rawValue + "\u{1F}" + id) {
                    // Its counterpart record is parked for a code without a line: it binds when that arrives.
                    try store.markPending(counterpart: cp, kind, localID: id)
                    return
                }
                guard counterpart.accepts(kind), var entry = try planOperation(kind, id: id, ctx) else { return }
                // The same operation again after a conflict answer is a new attempt: a key
                // derived from the answered one (the counterpart would replay its answer).
                var existing = try store.outboxEntry(key: entry.key)
                while let old = existing, old.status == "conflict" {
                    entry.key = StableHash.hex([entry.key, "again"])
                    existing = try store.outboxEntry(key: entry.key)
                }
                switch existing {
                case let old? where old.status == "rejected":
                    // The same operation again would get the same answer: report it, keep the record waiting.
                    try store.markPending(counterpart: cp, kind, localID: id)
                    if ctx.reported.insert(entry.key).inserted {
                        let why = old.result?["message"]?.string ?? "refused"
                        ctx.expect(kind)
                        ctx.fail(kind, "\(kind.rawValue) \(id): \(cp) still refuses it (\(why)); correct the record and run again")
                    }
                case let old? where old.status == "applied":
                    return
                default:
                    try store.enqueueOutbox(entry)
                    planned += 1
                }
            }
            state.pushMark = last
            try store.setSyncCursor(counterpart: cp, state)
            try store.addCheckpoint(runID: ctx.runID, kind: "plan", detail: .object([("push_mark", .int(last)), ("planned", .int(planned))]))
        }
    }

    /// Calls `body` with each candidate, in order, while the store's page reads hold the
    /// bindings, bases and records of the candidates around it (256 at a time): the plan
    /// reads a few statements per chunk instead of several per record (an initial sync
    /// plans every record of the journal once).
    private func inChunks(_ candidates: [(kind: EntityKind, id: String)], _ body: (EntityKind, String) throws -> Void) throws {
        let cp = counterpart.name
        var start = 0
        while start < candidates.count {
            let kind = candidates[start].kind
            var end = start
            while end < candidates.count && end - start < 256 && candidates[end].kind == kind { end += 1 }
            store.beginSyncPage(counterpart: cp)
            defer { store.endSyncPage() }
            try store.prefetchLocal(counterpart: cp, kind, localIDs: candidates[start..<end].map(\.id))
            for i in start..<end { try body(kind, candidates[i].id) }
            start = end
        }
    }

    /// The operation that brings the counterpart from the base to the journal's record, if any.
    ///
    /// The key hashes counterpart, kind, local id, operation, payload (local terms), the
    /// base version and whether a base exists: the same pending change, the same key.
    /// `base` and `record`: the record's base and journal record when already read (`.some(nil)`: none).
    func planOperation(_ kind: EntityKind, id: String, _ ctx: RunContext, base known: SyncBase?? = .none, record: Record?? = .none) throws -> OutboxEntry? {
        let cp = counterpart.name
        let base = try known ?? store.syncBase(counterpart: cp, kind, localID: id)
        let local = (record ?? store.record(kind, id: id))?.normalized.fields
        // Queued fields stay out of the push; those the journal has since brought to the
        // counterpart's value are agreed, and their conflicts close. Deleting the record
        // makes its queued fields moot (as the pull's merge does).
        var blocked = Set<String>()
        for c in try store.openConflicts(counterpart: cp, kind, localID: id) {
            if c.field == PolicyTable.recordField {
                if local == base?.fields { try store.closeConflict(id: c.id, resolution: "agreed") } else { blocked.insert(c.field) }
            } else if local == nil {
                try store.closeConflict(id: c.id, resolution: base?.fields == nil ? "agreed" : "superseded")
            } else if let key = kind.key(c.field), local?[key] == (base?.fields?[key] ?? .null) {
                try store.closeConflict(id: c.id, resolution: "agreed")
            } else {
                blocked.insert(c.field)
            }
        }
        if blocked.contains(PolicyTable.recordField) { return nil }
        let names = kind.keys
        var fields = FieldValues(kind)
        var changed: [Field] = []
        let op: String
        switch (base?.fields, local) {
        case (nil, nil):
            return nil
        case (.some, nil):
            op = "delete"
        case (nil, let l?):
            op = "upsert"
            fields = l
            changed = names.filter { l[$0] != .null }
        case (let b?, let l?):
            changed = names.filter { l[$0] != b[$0] && (blocked.isEmpty || !blocked.contains($0.name)) }
            if changed.isEmpty { return nil }
            op = "upsert"
            fields = b
            for f in changed { fields[f] = l[f] }
        }
        let payload = JSON.object([("fields", Wire.json(fields)), ("changed", .array(changed.map { .string($0.name) }))])
        let baseState = base == nil ? "none" : base?.fields == nil ? "deleted" : "present"
        let key = StableHash.hex([cp, kind.rawValue, id, op, payload.serialized(), base?.version ?? "∅", baseState])
        return OutboxEntry(key: key, counterpart: cp, entity: kind, localID: id, op: op, payload: payload,
                           baseVersion: base?.version, runID: ctx.runID)
    }

    /// Sends every pending operation: batches fixed by an earlier (killed) run first,
    /// exactly as they were; then new ones: deletions in reverse kind order (a key is
    /// freed before a new record takes it; what refers goes before what is referred to),
    /// then creations and updates by kind. Returns how many operations were sent.
    func sendPending(_ ctx: RunContext) async throws -> Int {
        let pending = try store.pendingOutbox(counterpart: counterpart.name)
        guard !pending.isEmpty else { return 0 }
        var sent = 0
        var batchOrder: [String] = []
        var batches: [String: [OutboundOperation]] = [:]
        var fresh: [OutboxEntry] = []
        for e in pending {
            guard let b = e.batch, let op = e.wire.flatMap(Wire.operation) else { fresh.append(e); continue }
            if batches[b] == nil { batchOrder.append(b) }
            batches[b, default: []].append(op)
        }
        for b in batchOrder { sent += try await sendBatch(batches[b]!, [:], ctx) }
        let upserts = Dictionary(grouping: fresh.filter { $0.op == "upsert" }, by: \.entity).sorted { $0.key < $1.key }
        let deletes = Dictionary(grouping: fresh.filter { $0.op == "delete" }, by: \.entity).sorted { $0.key > $1.key }
        for (_, entries) in deletes + upserts {
            for start in stride(from: 0, to: entries.count, by: max(1, batchSize)) {
                let chunk = Array(entries[start..<min(start + max(1, batchSize), entries.count)])
                let ops = try prepare(chunk, ctx)
                if !ops.isEmpty {
                    // The fields each operation holds in the outbox (local terms), as read with it: what its answer binds and bases on.
                    var stored: [String: FieldValues] = [:]
                    for e in chunk where e.op == "upsert" { stored[e.key] = Wire.fields(e.entity, e.payload["fields"]) ?? FieldValues(e.entity) }
                    sent += try await sendBatch(ops, stored, ctx)
                }
            }
        }
        return sent
    }

    /// Translates a chunk to the counterpart's ids and fixes it as one batch in the outbox.
    private func prepare(_ chunk: [OutboxEntry], _ ctx: RunContext) throws -> [OutboundOperation] {
        let cp = counterpart.name
        var ops: [OutboundOperation] = []
        // The counterpart's ids of the records the chunk refers to, read once each (nothing binds while it is prepared).
        var refs: [String: String?] = [:]
        try store.transaction {
            for e in chunk {
                do {
                    ops.append(try translate(e, &refs))
                } catch let f as ItemFailure {
                    try store.settleOutbox(key: e.key, status: "failed", result: .object([("message", .string(f.message))]), runID: ctx.runID)
                    try store.markPending(counterpart: cp, e.entity, localID: e.localID)
                    if ctx.reported.insert(e.key).inserted { ctx.expect(e.entity); ctx.fail(e.entity, f.message) }
                }
            }
            guard !ops.isEmpty else { return }
            let batch = OutboundOperation.batchKey(ops)
            for op in ops { try store.assignBatch(key: op.key, batch: batch, wire: Wire.json(op)) }
            try store.addCheckpoint(runID: ctx.runID, kind: "batch", detail: .object([("batch", .string(batch)), ("keys", .array(ops.map { .string($0.key) }))]))
        }
        return ops
    }

    private func translate(_ e: OutboxEntry, _ refs: inout [String: String?]) throws -> OutboundOperation {
        let cp = counterpart.name
        let local = Wire.fields(e.entity, e.payload["fields"]) ?? FieldValues(e.entity)
        var fields = FieldValues(e.entity)
        if e.op == "upsert" {
            for (key, value) in local.entries {
                let spec = key.spec
                var v = value
                if case .ref(let target) = spec.type, let id = v.text {
                    let refKey = target.rawValue + "\u{1F}" + id
                    let known: String?
                    if let hit = refs[refKey] { known = hit } else {
                        known = try store.externalID(counterpart: cp, target, localID: id)
                        refs[refKey] = .some(known)
                    }
                    guard let ext = known else {
                        throw ItemFailure(message: "\(e.entity.rawValue) \(e.localID): its \(spec.name) is \(target.rawValue) \(id), which \(cp) does not know yet (not sent, or refused); tried again on the next run", park: false)
                    }
                    v = .text(ext)
                }
                fields[key] = v
            }
        }
        // A record the counterpart has deleted (or never had) is created there anew.
        let live = try store.syncBase(counterpart: cp, e.entity, localID: e.localID)?.fields != nil
        let ext = live ? try store.externalID(counterpart: cp, e.entity, localID: e.localID) : nil
        if e.op == "delete" && ext == nil {
            throw ItemFailure(message: "\(e.entity.rawValue) \(e.localID): no \(cp) id to delete", park: false)
        }
        return OutboundOperation(key: e.key, kind: e.entity, localID: e.localID, externalID: ext, op: e.op == "delete" ? .delete : .upsert,
                                 fields: fields, changed: (e.payload["changed"]?.array ?? []).compactMap { $0.string.flatMap(e.entity.key) },
                                 baseVersion: ext == nil ? nil : e.baseVersion)
    }

    /// Sends one batch and records its answers in one transaction.
    /// `stored`: the outbox fields of the batch's upserts when known; read from the outbox otherwise.
    private func sendBatch(_ ops: [OutboundOperation], _ stored: [String: FieldValues], _ ctx: RunContext) async throws -> Int {
        try crash(.beforePush)
        let needs = await counterpart.needs(before: ops)
        if !needs.isEmpty { await counterpart.answer(try answers(to: needs)) }
        let results = try await reach("the push of \(ops.count) operation(s)", attempts: pullAttempts) { try await counterpart.push(ops) }
        try crash(.afterPush)
        try store.transaction {
            for op in ops { ctx.expect(op.kind) }
            guard results.count == ops.count else {
                for op in ops { ctx.fail(op.kind, "\(counterpart.name) answered \(results.count) result(s) for \(ops.count) operation(s); \(op.key) is sent again next run") }
                return
            }
            for (op, result) in zip(ops, results) { try record(op, result, stored[op.key], ctx) }
            try store.addCheckpoint(runID: ctx.runID, kind: "pushed", detail: .object([("batch", .string(OutboundOperation.batchKey(ops))),
                                                                                      ("results", .array(results.map(Wire.json)))]))
        }
        try crash(.afterPushCommit)
        return ops.count
    }

    private func record(_ op: OutboundOperation, _ result: OperationResult, _ known: FieldValues?, _ ctx: RunContext) throws {
        let cp = counterpart.name
        switch result {
        case .applied(let ext, let version):
            var fields: FieldValues?
            if op.op == .upsert {
                let stored = try known ?? store.outboxEntry(key: op.key).flatMap { Wire.fields(op.kind, $0.payload["fields"]) } ?? FieldValues(op.kind)
                fields = stored
                try bind(op.kind, localID: op.localID, externalID: ext, naturalKey: Record(op.kind, id: op.localID, stored).naturalKey, ctx)
            }
            try store.setSyncBase(counterpart: cp, op.kind, localID: op.localID, SyncBase(fields: fields, version: version, epoch: ctx.epoch))
            try store.settleOutbox(key: op.key, status: "applied", result: Wire.json(result), runID: ctx.runID)
            ctx.count(op.kind, .pushed)
        case .conflict(let current):
            try store.settleOutbox(key: op.key, status: "conflict", result: Wire.json(result), runID: ctx.runID)
            try store.markPending(counterpart: cp, op.kind, localID: op.localID)
            ctx.conflictAnswers += 1
            switch try absorbItem(current, ctx) {
            case .parked where !current.unmapped.isEmpty && !current.deleted: ctx.unmapped(current)
            case .parked(let m), .failed(let m): ctx.fail(op.kind, m)
            case .conflict: ctx.count(op.kind, .conflict)
            default: ctx.count(op.kind, .unchanged)
            }
        case .rejected(let message):
            try store.settleOutbox(key: op.key, status: "rejected", result: Wire.json(result), runID: ctx.runID)
            try store.markPending(counterpart: cp, op.kind, localID: op.localID)
            ctx.reported.insert(op.key)
            ctx.fail(op.kind, "\(cp) refused \(op.op.rawValue) of \(op.kind.rawValue) \(op.localID): \(message); correct the record and run again")
        }
    }
}
