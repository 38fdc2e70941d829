import JournalModel
import JournalStore
import SyncModel

/// Replaced records: when the journal deletes a record and enters another with the same
/// natural key (a teacher deleting a mark and entering it again), the new record carries
/// on the old one's identity, base and open conflicts, so both sides see one record
/// edited rather than one deleted and another created.
extension SyncEngine {
    /// The live journal record that replaced `id` (deleted here, still bound), taking over its state.
    func successor(of id: String, _ kind: EntityKind) throws -> String? {
        let cp = counterpart.name
        guard !kind.naturalKey.isEmpty, store.record(kind, id: id) == nil,
              let fields = try store.syncBase(counterpart: cp, kind, localID: id)?.fields,
              let live = store.recordByNaturalKey(Record(kind, id: id, fields)), live.id != id,
              try store.externalID(counterpart: cp, kind, localID: live.id) == nil else { return nil }
        try store.moveSyncState(counterpart: cp, kind, from: id, to: live.id)
        return live.id
    }

    /// Gives a new, unbound journal record the state of a bound record with its key that
    /// the journal deleted (and the counterpart still has).
    /// `bound` and `record`: whether the record is bound, and the journal record, when already read.
    func adoptPredecessor(_ kind: EntityKind, id: String, bound: Bool? = nil, record: Record?? = .none) throws {
        let cp = counterpart.name
        // The binding first: most records a night pushes are bound, and their record need not be read here.
        guard !(try bound ?? (store.externalID(counterpart: cp, kind, localID: id) != nil)),
              let key = (record ?? store.record(kind, id: id))?.naturalKey else { return }
        for old in try store.localIDs(counterpart: cp, kind, naturalKey: key) where old != id && store.record(kind, id: old) == nil {
            if try store.syncBase(counterpart: cp, kind, localID: old)?.fields != nil {
                try store.moveSyncState(counterpart: cp, kind, from: old, to: id)
                return
            }
        }
    }

    /// Binds a journal record to a counterpart's id. An id it was bound to before (a
    /// record the counterpart deleted, replaced now) stays known as deleted, so that a
    /// late delivery of that record is recognised as stale.
    func bind(_ kind: EntityKind, localID: String, externalID: String, naturalKey: String?, _ ctx: RunContext) throws {
        let cp = counterpart.name
        var current = try store.identity(counterpart: cp, kind, localID: localID)
        ctx.references.forget(kind, externalID)
        if let old = current?.externalID, old != externalID {
            ctx.references.forget(kind, old)
            let gone = kind.rawValue + "-gone-" + StableHash.hex([cp, kind.rawValue, old])
            let version = try store.syncBase(counterpart: cp, kind, localID: localID)?.version
            try store.bindIdentity(counterpart: cp, kind, localID: gone, externalID: old, naturalKey: nil)
            try store.setSyncBase(counterpart: cp, kind, localID: gone, SyncBase(fields: nil, version: version, epoch: ctx.epoch))
            current = nil   // binding `gone` to the old id took it from this record
        }
        try store.bindIdentity(counterpart: cp, kind, localID: localID, externalID: externalID, naturalKey: naturalKey, current: .some(current))
    }
}
