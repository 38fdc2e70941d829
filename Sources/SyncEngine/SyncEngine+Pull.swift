import Foundation
import JournalModel
import JournalStore
import SyncModel

/// The pull: pages applied with their cursor in one transaction, items merged against
/// their base, items that cannot apply yet parked, and after a full pull the records
/// it did not list treated as deleted by the counterpart.
extension SyncEngine {
    func pull(_ ctx: RunContext) async throws {
        let cp = counterpart.name
        var state = try store.syncCursor(counterpart: cp)
        if fullPull { state.cursor = nil }
        // From no cursor, a full pull starts (again) under a new epoch: nothing of it has
        // committed yet, so the bases it will touch are told apart from older ones.
        if state.cursor == nil {
            state.epoch += 1
            state.fullPull = true
            try store.transaction {
                try store.setSyncCursor(counterpart: cp, state)
                try store.addCheckpoint(runID: ctx.runID, kind: "full-pull", detail: .object([("epoch", .int(state.epoch))]))
            }
        }
        ctx.epoch = state.epoch
        var complete = false, resets = 0
        var asked: Set<PullNeed> = []
        // Pages are applied in a transaction held across the waits for the next page and
        // committed every `commitEvery` items (or at the pull's end, or when the page stops
        // it): each page's items with its cursor, as in one transaction a page, with fewer
        // commits (each commit writes every page of the file it touched). A failure or a
        // kill loses what is not committed: the next run pulls it again from the cursor.
        var group = HeldPages(store: store, commitEvery: commitEvery)
        do {
            pages: while true {
                let cursor = state.cursor
                let page: PullPage
                do {
                    page = try await reach("the pull from \(cursor ?? "the start")", attempts: pullAttempts) {
                        try await counterpart.pull(cursor: cursor)
                    }
                } catch let e as Unavailable {
                    try group.commit()   // the pages applied so far are kept
                    throw e
                }
                try crash(.afterPull)
                switch page {
                case .needs(let needs):
                    // The counterpart asks what the journal holds before it reads the page: read,
                    // hand over, ask for the same page again (once: asking the same again is a fault).
                    guard !needs.isEmpty, asked.isDisjoint(with: needs) else {
                        ctx.failures.append("\(cp) asked the journal the same question twice before the page after \(cursor ?? "the start"): stopped pulling; try again later")
                        break pages
                    }
                    asked.formUnion(needs)
                    await counterpart.answer(try answers(to: needs))
                    continue pages
                case .resetToFull:
                    resets += 1
                    guard resets <= 2 else {
                        ctx.failures.append("\(cp) asked for a full pull again right after one: stopped pulling; try again later")
                        break pages
                    }
                    state.cursor = nil
                    state.epoch += 1
                    state.fullPull = true
                    ctx.epoch = state.epoch
                    try group.apply(items: 0) {
                        try store.setSyncCursor(counterpart: cp, state)
                        try store.addCheckpoint(runID: ctx.runID, kind: "reset-to-full", detail: .object([("epoch", .int(state.epoch))]))
                    }
                case .records(let items, let next, let hasMore):
                    asked.removeAll()
                    var stop: String?
                    ctx.references = ReferenceCache(enabled: true)   // a page's lookups; nothing of a failed page outlives it
                    defer { ctx.references = ReferenceCache() }
                    let ordered = order(items, ctx)
                    ctx.guardianChildren = SyncEngine.guardianChildren(ordered)
                    store.beginSyncPage(counterpart: cp)
                    defer { store.endSyncPage(); ctx.pageItems = [:] }
                    try prefetch(ordered, ctx)
                    // Deletions of records the journal still holds (echoes of our own deletions are not counted).
                    let deleting = try ordered.filter { r in
                        guard r.deleted, let id = try store.localID(counterpart: cp, r.kind, externalID: r.externalID) else { return false }
                        return store.record(r.kind, id: id) != nil
                    }
                    for (kind, n) in Dictionary(grouping: deleting, by: \.kind).mapValues(\.count) {
                        ctx.deletions.expect(kind, count: n, limit: try ctx.deletions.limit(kind) { try store.count(kind) })
                    }
                    try group.apply(items: ordered.count) {
                        for item in ordered {
                            if let failure = try deliver(item, ctx, retrying: false), stop == nil { stop = failure }
                        }
                        try crash(.beforeCursorAdvance)
                        if stop == nil {
                            state.cursor = next
                            try store.setSyncCursor(counterpart: cp, state)
                        }
                        try store.addCheckpoint(runID: ctx.runID, kind: "page", detail: .object([
                            ("from", cursor.map(JSON.string) ?? .null), ("to", .string(next)), ("items", .int(items.count)),
                            ("advanced", .bool(stop == nil))]))
                    }
                    if let stop {
                        ctx.failures.append("the cursor stays at \(cursor ?? "the start") until this is fixed: \(stop)")
                        break pages
                    }
                    if !hasMore { complete = true; break pages }
                    if group.isDue { try group.commit(); try crash(.afterLocalCommit) }
                }
            }
        } catch {
            group.rollback()
            throw error
        }
        if group.isOpen { try group.commit(); try crash(.afterLocalCommit) }
        if complete && state.fullPull { try sweep(ctx, &state) }
        try retryParked(ctx)
    }

    /// The journal's answers to a counterpart's questions (``PullPage/needs(_:)``), from what is committed.
    func answers(to needs: [PullNeed]) throws -> [PullNeed: PullAnswer] {
        var out: [PullNeed: PullAnswer] = [:]
        for need in needs {
            switch need {
            case .markPlace(let from, let below):
                out[need] = try store.markPlace(counterpart: counterpart.name, externalIDFrom: from, below: below)
                    .map { PullAnswer.markPlace(lesson: $0.lesson, workType: $0.workType, weight: $0.weight) } ?? .nothing
            case .lessonPlace(let lesson):
                out[need] = try store.lessonPlace(counterpart: counterpart.name, lessonExternalID: lesson)
                    .flatMap { p in CivilDate(iso: p.date).map { PullAnswer.lessonPlace(classExternalID: p.classExternalID, date: $0) } } ?? .nothing
            }
        }
        return out
    }

    /// The items of a page in the order they can apply: the newest delivery of each
    /// record; deletions first, in reverse kind order (what refers before what is
    /// referred to; a key freed before it is taken again), then creations and updates by kind.
    /// Counts each delivery as expected (and a duplicate as unchanged) when given `ctx`.
    func order(_ items: [RemoteRecord], _ ctx: RunContext?) -> [RemoteRecord] {
        var out: [RemoteRecord] = []
        var index: [String: Int] = [:]
        for item in items {
            ctx?.expect(item.kind)
            let key = item.kind.rawValue + "\u{1F}" + item.externalID
            guard let i = index[key] else { index[key] = out.count; out.append(item); continue }
            ctx?.count(item.kind, .unchanged)   // one of the two deliveries is a duplicate
            if let a = item.version, let b = out[i].version, counterpart.compareVersions(a, b) == .orderedAscending { continue }
            out[i] = item
        }
        return out.enumerated().sorted { x, y in
            let (a, b) = (x.element, y.element)
            if a.deleted != b.deleted { return a.deleted }
            if a.kind != b.kind { return a.deleted ? b.kind < a.kind : a.kind < b.kind }
            return x.offset < y.offset
        }.map(\.element)
    }

    /// Applies one delivery and counts it; returns the message of a hard failure.
    func deliver(_ item: RemoteRecord, _ ctx: RunContext, retrying: Bool) throws -> String? {
        let key = item.kind.rawValue + "\u{1F}" + item.externalID
        let outcome = try absorbItem(item, ctx)
        switch outcome {
        case .parked:
            if !retrying && !ctx.parkedThisRun.insert(key).inserted { ctx.count(item.kind, .unchanged) }
            return nil
        case .failed(let m):
            ctx.count(item.kind, outcome)
            if retrying { ctx.parkedThisRun.remove(key) }
            return m
        default:
            ctx.count(item.kind, outcome)
            if ctx.parkedThisRun.remove(key) != nil && !retrying { ctx.count(item.kind, .unchanged) }
            return nil
        }
    }

    /// Merges one item in a savepoint; parks it when it cannot apply yet.
    func absorbItem(_ item: RemoteRecord, _ ctx: RunContext) throws -> ItemOutcome {
        let cp = counterpart.name
        do {
            let outcome = try savepoint { try absorb(item, ctx) }
            try store.unpark(counterpart: cp, item.kind, externalID: item.externalID)
            return outcome
        } catch let f as ItemFailure {
            ctx.references.clear()   // the item's bindings were rolled back
            guard f.park else { return .failed(f.message) }
            try store.park(counterpart: cp, item.kind, externalID: item.externalID, record: Wire.json(item), reason: f.message, runID: ctx.runID)
            // A parked record is still listed by a full pull: keep it from the sweep.
            if let id = try store.localID(counterpart: cp, item.kind, externalID: item.externalID),
               var base = try store.syncBase(counterpart: cp, item.kind, localID: id), base.epoch != ctx.epoch {
                base.epoch = ctx.epoch
                try store.setSyncBase(counterpart: cp, item.kind, localID: id, base)
            }
            return .parked(f.message)
        }
    }

    /// Translates an item to local terms, finds or makes its local id, and merges it.
    func absorb(_ item: RemoteRecord, _ ctx: RunContext) throws -> ItemOutcome {
        let cp = counterpart.name, kind = item.kind
        if !item.deleted && !item.unmapped.isEmpty {
            // A value inside a record with no table line: kept (parked) with its raw code, not
            // guessed. The journal's record with its key, not yet bound, waits too: pushed as
            // new, it would meet the counterpart's own record (docs/sync.md).
            if try store.localID(counterpart: cp, kind, externalID: item.externalID) == nil, let twin = try unboundTwin(of: item) {
                ctx.waitingTwins.insert(kind.rawValue + "\u{1F}" + twin)
            }
            throw ItemFailure(message: "\(UnmappedCode.marker): \(cp) \(kind.rawValue) \(item.externalID): "
                              + item.unmapped.map { "\($0.what) «\($0.code)» (mappings/\($0.table))" }.joined(separator: ", "), park: true)
        }
        var fields = FieldValues(kind)
        if !item.deleted {
            for (key, value) in item.fields.entries {
                let spec = key.spec
                var v = value
                if case .ref(let target) = spec.type, let ext = v.text {
                    guard let id = try ctx.references.localID(target, ext, { try store.localID(counterpart: cp, target, externalID: ext) }) else {
                        if let day = try store.parkedReason(counterpart: cp, target, externalID: ext).flatMap(FutureLesson.date(inReason:)) {
                            // Homework set for a lesson still to come, and the like: they wait with it.
                            throw ItemFailure(message: FutureLesson.reason(date: day, "\(cp) \(kind.rawValue) \(item.externalID): its \(spec.name) is "
                                                                            + "\(target.rawValue) \(ext), which waits for its date"), park: true)
                        }
                        throw ItemFailure(message: "\(cp) \(kind.rawValue) \(item.externalID): its \(spec.name) is \(target.rawValue) \(ext), which has not arrived yet",
                                          park: true)
                    }
                    v = .text(id)
                }
                fields[key] = v
            }
        }
        var localID = try store.localID(counterpart: cp, kind, externalID: item.externalID)
        if localID == nil && !item.deleted { try prefetchKeys(kind, ctx) }
        // The journal's record once read (`.some(nil)`: none), handed on to the merge.
        var current: Record?? = .none
        if let id = localID {
            let stored = store.record(kind, id: id)
            if stored == nil, let next = try successor(of: id, kind) {
                ctx.references.clear()
                localID = next
            } else {
                current = .some(stored)
            }
        }
        if localID == nil {
            if item.deleted {
                // Deleted before we ever saw it: remember the tombstone, so that an older
                // delivery of the record, should one come, is known to be stale.
                let id = SyncEngine.localID(counterpart: cp, kind, externalID: item.externalID)
                try store.bindIdentity(counterpart: cp, kind, localID: id, externalID: item.externalID, naturalKey: nil)
                try store.setSyncBase(counterpart: cp, kind, localID: id, SyncBase(fields: nil, version: item.version, epoch: ctx.epoch))
                return .unchanged
            }
            if let match = store.recordByNaturalKey(Record(kind, id: "", fields)) {
                // The journal's record with this key, unless another live record of the
                // counterpart holds it; one whose counterpart record was deleted is taken
                // over by this one (the counterpart replaced it).
                if let other = try store.externalID(counterpart: cp, kind, localID: match.id),
                   try store.syncBase(counterpart: cp, kind, localID: match.id)?.fields != nil {
                    throw ItemFailure(message: "\(cp) \(kind.rawValue) \(item.externalID) has the key of \(kind.rawValue) \(match.id), "
                                      + "which is \(cp) \(other) and not deleted there", park: true)
                }
                localID = match.id
                current = .some(match)
            } else if kind == .guardian, let match = try guardianTwin(Record(kind, id: "", fields), externalID: item.externalID, ctx) {
                // The same parent the journal already holds (from the secretary's list, another portal).
                localID = match.id
                current = .some(match)
            } else {
                localID = SyncEngine.localID(counterpart: cp, kind, externalID: item.externalID)
            }
        }
        let id = localID!
        let base = try store.syncBase(counterpart: cp, kind, localID: id)
        if var base, let bv = base.version, let rv = item.version, counterpart.compareVersions(rv, bv) == .orderedAscending {
            if base.epoch != ctx.epoch { base.epoch = ctx.epoch; try store.setSyncBase(counterpart: cp, kind, localID: id, base) }
            return .unchanged   // a stale delivery: we already hold a newer version
        }
        let remote: RecordState = item.deleted ? .deleted : .present(fields.normalized)
        return try merge(kind, id: id, externalID: item.externalID, remote: remote, version: item.version, base: base, ctx, current: current)
    }

    /// Reads what the page's items need from the store with a few queries per kind: the
    /// bindings of the items and of the records they refer to, and the bound items' bases
    /// and journal records (``JournalStore/prefetchBound(counterpart:_:externalIDs:)``).
    func prefetch(_ items: [RemoteRecord], _ ctx: RunContext) throws {
        let cp = counterpart.name
        var own: [EntityKind: [String]] = [:], referred: [EntityKind: Set<String>] = [:]
        for item in items {
            own[item.kind, default: []].append(item.externalID)
            if item.deleted { continue }
            for (key, value) in item.fields.entries {
                if case .ref(let target) = key.spec.type, let ext = value.text { referred[target, default: []].insert(ext) }
            }
        }
        for (kind, ids) in own.sorted(by: { $0.key < $1.key }) { try store.prefetchBound(counterpart: cp, kind, externalIDs: ids) }
        for (kind, ids) in referred.sorted(by: { $0.key < $1.key }) {
            try store.prefetchIdentities(counterpart: cp, kind, externalIDs: ids.sorted())
        }
        ctx.pageItems = Dictionary(grouping: items.filter { !$0.deleted && $0.unmapped.isEmpty }, by: \.kind)
    }

    /// Before the first unbound item of a kind on the page meets the natural-key look-up:
    /// the journal's records with the keys of all the page's unbound items of that kind
    /// (references translated as they stand now: the kinds they refer to were applied
    /// before), read at once (``JournalStore/prefetchByNaturalKey(counterpart:_:_:)``).
    func prefetchKeys(_ kind: EntityKind, _ ctx: RunContext) throws {
        guard let items = ctx.pageItems.removeValue(forKey: kind) else { return }
        let cp = counterpart.name
        var records: [Record] = []
        records.reserveCapacity(items.count)
        items: for item in items where try store.localID(counterpart: cp, kind, externalID: item.externalID) == nil {
            var fields = FieldValues(kind)
            for key in kind.naturalKeyFields {
                var v = item.fields[key]
                if case .ref(let target) = key.spec.type, let ext = v.text {
                    guard let id = try ctx.references.localID(target, ext, { try store.localID(counterpart: cp, target, externalID: ext) }) else {
                        continue items
                    }
                    v = .text(id)
                }
                fields[key] = v
            }
            records.append(Record(kind, id: "", fields))
        }
        try store.prefetchByNaturalKey(counterpart: cp, kind, records)
    }

    /// The journal's record with the natural key of a counterpart's record (references
    /// translated), when no record of the counterpart is bound to it; nil when a reference
    /// is not known yet.
    func unboundTwin(of item: RemoteRecord) throws -> String? {
        let cp = counterpart.name
        var fields = item.fields
        for key in item.kind.keys {
            if case .ref(let target) = key.spec.type, let ext = fields[key].text {
                guard let id = try store.localID(counterpart: cp, target, externalID: ext) else { return nil }
                fields[key] = .text(id)
            }
        }
        guard let match = store.recordByNaturalKey(Record(item.kind, id: "", fields)),
              try store.externalID(counterpart: cp, item.kind, localID: match.id) == nil else { return nil }
        return match.id
    }

    /// Merges the counterpart's state of a record into the journal and records the outcome.
    func merge(_ kind: EntityKind, id: String, externalID: String, remote: RecordState, version: String?,
               base: SyncBase?, _ ctx: RunContext, current known: Record?? = .none) throws -> ItemOutcome {
        let cp = counterpart.name
        let baseState: RecordState = base.map { $0.fields.map(RecordState.present) ?? .deleted } ?? .absent
        let current = known ?? store.record(kind, id: id)
        let local: RecordState = try current.map { .present($0.normalized.fields) } ?? (store.isTombstoned(kind, id: id) ? .deleted : .absent)
        let open = try store.openConflicts(counterpart: cp, kind, localID: id)
        let d = RecordMerge.merge(kind: kind, base: baseState, local: local, remote: remote, policy: policy, blocked: Set(open.map(\.field)))
        var naturalKey = current?.naturalKey
        switch d.local {
        case .keep: break
        case .write(let f):
            let r = Record(kind, id: id, f)
            if kind == .lesson, let day = CivilDate(iso: r[Lesson.date].text ?? ""), day > store.today {
                throw ItemFailure(message: FutureLesson.reason(date: day, "\(cp) lesson \(externalID) is dated \(day), "
                                                                + "after today (\(store.today) in the school's time zone)"), park: true)
            }
            let problems = JournalRules.checkFields(r)
            guard problems.isEmpty else {
                throw ItemFailure(message: "\(RefusedItem.marker): \(cp) \(kind.rawValue) \(externalID): \(problems.map(\.description).joined(separator: "; "))", park: true)
            }
            try guarded(kind, externalID) { try store.write(r, origin: ctx.origin, old: .some(current)) }
            naturalKey = r.naturalKey
        case .delete:
            let limit = try ctx.deletions.limit(kind) { try store.count(kind) }
            guard ctx.deletions.admit(kind, externalID: externalID, limit: limit) else {
                throw ItemFailure(message: "\(DeletionBrake.marker): \(cp) deletes more \(kind.rawValue) records than the brake allows (\(limit))",
                                  park: true)
            }
            try guarded(kind, externalID) { try store.delete(kind, id: id, origin: ctx.origin) }
        }
        if !d.remoteLosers.isEmpty {
            try store.logDecision(kind, id: id, op: "update", changes: d.remoteLosers, origin: ctx.loserOrigin)
        }
        try bind(kind, localID: id, externalID: externalID, naturalKey: naturalKey, ctx)
        // Whether the journal's record now stands exactly as the new base, nothing to push and
        // no conflict left open: the push plan then passes over it (the base's agreed mark).
        let localAfter: FieldValues?
        switch d.local {
        case .keep: localAfter = current?.normalized.fields
        case .write(let f): localAfter = Record(kind, id: id, f).normalized.fields
        case .delete: localAfter = nil
        }
        let settled = !d.push && d.conflicts.isEmpty && localAfter == d.base.fields
            && open.allSatisfy { d.agreed.contains($0.field) || d.superseded.contains($0.field) }
        let agreed = SyncBase(fields: d.base.fields, version: version, epoch: ctx.epoch)
        if agreed != base {
            try store.setSyncBase(counterpart: cp, kind, localID: id, agreed, agreed: settled)
        } else if !settled, base != nil {
            try store.clearAgreedMark(counterpart: cp, kind, localID: id)
        }
        for c in open {
            if d.agreed.contains(c.field) {
                try store.closeConflict(id: c.id, resolution: "agreed")
            } else if d.superseded.contains(c.field) {
                try store.closeConflict(id: c.id, resolution: "superseded")
            } else {
                let value = c.field == PolicyTable.recordField ? remote.json
                    : Wire.json(kind.key(c.field).flatMap { remote.fields?[$0] } ?? .null)
                try store.updateConflictRemote(id: c.id, remote: value, remoteVersion: version)
            }
        }
        for c in d.conflicts {
            try store.insertConflict(counterpart: cp, kind, localID: id, field: c.field, base: c.base, local: c.local, remote: c.remote,
                                     remoteVersion: version, policy: c.reason, runID: ctx.runID)
        }
        if d.push { try store.markPending(counterpart: cp, kind, localID: id) }
        if !d.conflicts.isEmpty { return .conflict }
        return d.local == .keep ? .unchanged : .applied
    }

    /// Runs a journal write, turning constraint failures into item failures: a foreign
    /// key (a referenced record missing, or a deleted one still referenced) parks the item.
    private func guarded(_ kind: EntityKind, _ externalID: String, _ body: () throws -> Void) throws {
        do { try body() } catch let e as StoreFailure where e.category == .constraint {
            let what = "\(counterpart.name) \(kind.rawValue) \(externalID)"
            if e.isForeignKeyViolation { throw ItemFailure(message: "\(what): waits for related records (\(e.message))", park: true) }
            throw ItemFailure(message: "\(RefusedItem.marker): \(what): \(e.message)", park: true)
        }
    }

    /// After a complete full pull: records agreed to exist that it did not list are deleted
    /// there — unless the deletion brake holds a kind back (then none of that kind).
    func sweep(_ ctx: RunContext, _ state: inout SyncCursorState) throws {
        let cp = counterpart.name
        var unseen = try store.basesNotSeen(counterpart: cp, epoch: state.epoch).sorted { $0.entity > $1.entity }
        let listed = try store.basesSeen(counterpart: cp, epoch: state.epoch)
        var held: Set<EntityKind> = []
        for (kind, group) in Dictionary(grouping: unseen, by: \.entity).sorted(by: { $0.key < $1.key }) {
            let limit = try ctx.deletions.limit(kind) { try store.count(kind) }
            let none = (listed[kind] ?? 0) == 0
            guard !ctx.deletions.admitAll(kind, count: group.count, listedNone: none, limit: limit) else { continue }
            held.insert(kind)
            let why = none ? "it listed no \(kind.rawValue) record at all (an empty answer is no proof of deletion)"
                           : "that is more than the brake allows (\(limit): more than 5 % and more than 20 of the journal's \(try store.count(kind)))"
            ctx.held.append("\(cp): the full pull did not list \(group.count) \(kind.rawValue) record(s) the journal shares with it, and \(why): "
                            + "none of them was deleted. If \(cp) really deleted them, run `journal-gateway sync \(cp) --full --allow-deletions \(group.count)`")
        }
        unseen.removeAll { held.contains($0.entity) }
        defer { ctx.deletions.endSweep() }
        try store.transaction {
            for (kind, id) in unseen {
                guard let ext = try store.externalID(counterpart: cp, kind, localID: id) else { continue }
                ctx.expect(kind)
                _ = try deliver(RemoteRecord(kind, externalID: ext, deleted: true), ctx, retrying: false)
            }
            state.fullPull = false
            try store.setSyncCursor(counterpart: cp, state)
            try store.addCheckpoint(runID: ctx.runID, kind: "sweep", detail: .object([("epoch", .int(state.epoch)), ("deleted", .int(unseen.count)),
                                                                                     ("held", .array(held.sorted().map { .string($0.rawValue) }))]))
        }
    }

    /// Tries parked items again until none moves; those left count as failed, except those
    /// that wait for their date (``FutureLesson``): deferred, and not tried before it.
    func retryParked(_ ctx: RunContext) throws {
        let cp = counterpart.name
        // Reasons first: the records are read only of the items tried again (not of those waiting for their date).
        let parked = try store.parkedReasons(counterpart: cp)
        guard !parked.isEmpty else { return }
        let today = store.today
        try store.transaction {
            var waiting: [RemoteRecord] = []
            for p in parked {
                if let day = FutureLesson.date(inReason: p.reason), day > today {
                    // Still waits for its date: not merged again (a year of ЭПОС's schedule waits here).
                    if ctx.parkedThisRun.insert(p.entity.rawValue + "\u{1F}" + p.externalID).inserted { ctx.expect(p.entity) }
                    ctx.waitsForDate(p.entity)
                    continue
                }
                // Mapped again with the tables as they are now: a line added since lets it flow.
                guard let record = try store.parkedRecord(counterpart: cp, p.entity, externalID: p.externalID),
                      let stored = Wire.remote(record) else { continue }
                let r = stored.unmapped.isEmpty ? stored : counterpart.remap(stored)
                if ctx.parkedThisRun.insert(p.entity.rawValue + "\u{1F}" + p.externalID).inserted { ctx.expect(p.entity) }
                waiting.append(r)
            }
            var moved = true
            while moved && !waiting.isEmpty {
                moved = false
                var still: [RemoteRecord] = []
                for r in order(waiting, nil) {
                    _ = try deliver(r, ctx, retrying: true)
                    if ctx.parkedThisRun.contains(r.kind.rawValue + "\u{1F}" + r.externalID) { still.append(r) } else { moved = true }
                }
                waiting = still
            }
            let reasons = Dictionary(try store.parkedReasons(counterpart: cp).map { ($0.entity.rawValue + "\u{1F}" + $0.externalID, $0.reason) },
                                     uniquingKeysWith: { a, _ in a })
            var heldNow: [EntityKind: Int] = [:]
            for r in waiting {
                let reason = reasons[r.kind.rawValue + "\u{1F}" + r.externalID] ?? "parked"
                if reason.hasPrefix(FutureLesson.marker) {
                    ctx.waitsForDate(r.kind)
                } else if reason.hasPrefix(DeletionBrake.marker) {
                    ctx.counts[r.kind, default: EntityCounts()].failed += 1
                    ctx.heldItems += 1
                    heldNow[r.kind, default: 0] += 1
                } else if reason.hasPrefix(UnmappedCode.marker) {
                    ctx.unmapped(r)
                } else if reason.hasPrefix(RefusedItem.marker) {
                    ctx.counts[r.kind, default: EntityCounts()].failed += 1
                    ctx.refused.append(reason + " (kept; tried again on every run)")
                } else {
                    ctx.fail(r.kind, reason + " (kept; tried again on the next run)")
                }
            }
            for (kind, n) in heldNow.sorted(by: { $0.key < $1.key }) {
                ctx.held.append("\(cp) deleted \(n) more \(kind.rawValue) record(s) than the brake allows in one run: held, none of them deleted "
                                + "(kept and tried again on every run). If \(cp) really deleted them, run `journal-gateway sync \(cp) --allow-deletions \(n)`")
            }
            try store.addCheckpoint(runID: ctx.runID, kind: "parked", detail: .object([("tried", .int(parked.count)), ("left", .int(waiting.count)),
                                                                                      ("deferred", .int(ctx.deferredItems))]))
        }
    }
}
