import JournalModel
import SyncModel

/// What people do on the counterpart's side in tests: create, edit, delete, look.
extension InMemoryCounterpart {
    /// Creates a record (references as this counterpart's ids); returns its id. Fields are
    /// named as tests write them; a name the kind does not have stops the test.
    @discardableResult
    public func create(_ kind: EntityKind, _ fields: [String: FieldValue]) -> String {
        state.withLock { s in
            let id = String(s.nextID)
            s.nextID += 1
            edit(RemoteRecord(kind, externalID: id, FieldValues(kind, checked: fields)), &s)
            return id
        }
    }

    /// Changes some fields of a live record.
    public func update(_ externalID: String, _ changes: [String: FieldValue]) {
        state.withLock { s in
            guard var r = s.records[externalID]?.record, !r.deleted else { return }
            for (k, v) in changes { r.fields[FieldValues.field(r.kind, k)] = v }
            edit(r, &s)
        }
    }

    public func delete(_ externalID: String) {
        state.withLock { s in
            guard let r = s.records[externalID]?.record, !r.deleted else { return }
            edit(RemoteRecord(r.kind, externalID: externalID, deleted: true), &s)
        }
    }

    private func edit(_ r: RemoteRecord, _ s: inout State) { write(r, &s) }

    /// A record as it is now (deleted ones too).
    public func record(_ externalID: String) -> RemoteRecord? { state.withLock { $0.records[externalID]?.record } }

    /// Live records of a kind, by id.
    public func records(_ kind: EntityKind) -> [RemoteRecord] {
        state.withLock { s in s.records.values.map(\.record).filter { $0.kind == kind && !$0.deleted }.sorted { $0.externalID < $1.externalID } }
    }

    /// Every live record.
    public var allRecords: [RemoteRecord] {
        state.withLock { s in s.records.values.map(\.record).filter { !$0.deleted }.sorted { $0.externalID < $1.externalID } }
    }

    /// Forgets the feed before now: an older cursor gets `resetToFull`, tombstones vanish.
    public func truncateFeed() {
        state.withLock { s in
            s.truncatedBefore = s.version + 1
            s.records = s.records.filter { !$0.value.record.deleted }
        }
    }

    /// Replaces the faults and restarts their random generator from `faults.seed`.
    public func setFaults(_ faults: Faults) {
        state.withLock { $0.faults = faults; $0.random = SeededRandom(seed: faults.seed); $0.dropsInARow = 0 }
    }

    public var faults: Faults {
        get { state.withLock { $0.faults } }
        set { state.withLock { $0.faults = newValue } }
    }

    /// Protocol violations seen so far (must stay empty).
    public var violations: [String] { state.withLock { $0.violations } }
    public var pushRequests: Int { state.withLock { $0.pushRequests } }
    /// Operations applied (answers replayed for a known key are not counted again).
    public var appliedOperations: Int { state.withLock { $0.appliedOperations } }
    /// The current version (the newest in the feed).
    public var latestVersion: Int { state.withLock { $0.version } }

    /// Runs `body` at the start of every push request (to simulate an edit racing the push).
    public func onPush(_ body: (@Sendable (InMemoryCounterpart) -> Void)?) { setHook(body) }
}
