import JournalModel
import SyncModel

/// What the merge of one record decided.
public struct MergeDecision: Sendable, Equatable {
    public enum LocalAction: Sendable, Equatable {
        case keep
        /// Write these fields to the journal (create or update).
        case write(FieldValues)
        case delete
    }

    /// One field (or ``PolicyTable/recordField``) sent to the conflict queue.
    public struct Conflict: Sendable, Equatable {
        public let field: String
        public let base: JSON
        public let local: JSON
        public let remote: JSON
        /// Why: the policy rule or the delete-against-edit owners.
        public let reason: String
    }

    public var local: LocalAction = .keep
    /// The journal's resulting state differs from the counterpart's on a field that is
    /// not queued: the push must send it.
    public var push = false
    /// The new base: what the counterpart holds now (its values also on queued fields).
    public var base: RecordState
    public var conflicts: [Conflict] = []
    /// The journal's values that lost (old: the lost value, new: the winner). A lost
    /// delete or a lost record is written with field ``PolicyTable/recordField``.
    public var localLosers: [FieldChange] = []
    /// The counterpart's values that lost, in the same form.
    public var remoteLosers: [FieldChange] = []
    /// Queued fields (or the queued record) on which both sides now agree: close their conflicts.
    public var agreed: [String] = []
    /// Queued fields made moot by a record-level outcome: close their conflicts as superseded.
    public var superseded: [String] = []
}

/// The three-way merge of a record: pure, no I/O. docs/sync.md gives the full table.
///
/// Absent and deleted count alike as "not there" on every side. With the base not there,
/// a side that has the record created it; with the base there, a side without it deleted
/// it. A delete against an edit goes to the queue unless one side owns both: the
/// `@record` rule and the rules of every edited field all name the same side, whose
/// action then wins. Fields (or the record) listed in `blocked` have open conflicts:
/// nothing flows through them, the base takes the counterpart's value.
public enum RecordMerge {
    public static func merge(kind: EntityKind, base: RecordState, local: RecordState, remote: RecordState,
                             policy: PolicyTable, blocked: Set<String> = []) -> MergeDecision {
        // The common case first: both sides hold the same record.
        if blocked.isEmpty, let l = local.fields, let r = remote.fields, l == r { return MergeDecision(base: remote) }
        var d = MergeDecision(base: remote.exists ? remote : (base.exists || local == .deleted || remote == .deleted ? .deleted : .absent))
        let record = PolicyTable.recordField
        if blocked.contains(record) {
            if sameState(local, remote) { d.agreed = [record] }
            return d
        }
        let names = kind.keys
        switch (base.fields, local.fields, remote.fields) {
        case (_, nil, nil):
            d.agreed = blocked.sorted()
        case (nil, nil, let r?):
            d.local = .write(r)
        case (nil, .some, nil):
            d.push = true
        case (let b?, nil, let r?):
            d.superseded = blocked.sorted()
            if r == b { d.push = true; break }
            deleteAgainstEdit(&d, kind: kind, deleter: .local, base: b, edited: r, policy: policy, names: names)
        case (let b?, let l?, nil):
            d.superseded = blocked.sorted()
            if l == b { d.local = .delete; break }
            deleteAgainstEdit(&d, kind: kind, deleter: .remote, base: b, edited: l, policy: policy, names: names)
        case (let b, let l?, let r?):
            mergeFields(&d, kind: kind, base: b, local: l, remote: r, policy: policy, blocked: blocked, names: names)
        }
        return d
    }

    private static func sameState(_ a: RecordState, _ b: RecordState) -> Bool { a.fields == b.fields }

    private static func mergeFields(_ d: inout MergeDecision, kind: EntityKind, base: FieldValues?, local: FieldValues,
                                    remote: FieldValues, policy: PolicyTable, blocked: Set<String>, names: [Field]) {
        var result = local
        let bs = base?.values, ls = local.values, rs = remote.values
        for f in names {
            let i = f.index
            let b = bs?[i] ?? .null, l = ls[i], r = rs[i]
            if !blocked.isEmpty && blocked.contains(f.name) {
                if l == r { d.agreed.append(f.name) }
                continue
            }
            // FieldMerge.merge, with the policy read only when both sides changed the field.
            if l == r { continue }
            if l == b { result[f] = r; continue }
            if r == b { d.push = true; continue }
            switch FieldMerge.merge(base: b, local: l, remote: r, authority: policy.authority(f)) {
            case .same, .takeRemote, .keepLocal: break
            case .localWins:
                d.push = true
                d.remoteLosers.append(FieldChange(f, old: r, new: l))
            case .remoteWins:
                result[f] = r
                d.localLosers.append(FieldChange(f, old: l, new: r))
            case .conflict:
                d.conflicts.append(.init(field: f.name, base: base == nil ? .null : Wire.json(b), local: Wire.json(l), remote: Wire.json(r),
                                         reason: "both changed \(f); policy \(policy.origin(f)) says queue"))
            }
        }
        if result != local { d.local = .write(result) }
    }

    private enum Side: String { case local, remote }

    private static func deleteAgainstEdit(_ d: inout MergeDecision, kind: EntityKind, deleter: Side, base: FieldValues,
                                          edited: FieldValues, policy: PolicyTable, names: [Field]) {
        let record = PolicyTable.recordField
        let changed = names.filter { edited[$0] != base[$0] }
        let owners = Set([policy.recordAuthority(kind)] + changed.map { policy.authority($0) })
        let winner: Side? = owners == [.local] ? .local : owners == [.remote] ? .remote : nil
        let deletedText = FieldValue.text("deleted"), presentText = FieldValue.text("present")
        switch (deleter, winner) {
        case (.local, .local?):       // the journal's delete wins over the counterpart's edit
            d.push = true
            d.remoteLosers = changed.map { FieldChange($0, old: edited[$0], new: .null) }
        case (.local, .remote?):      // the counterpart's edit wins: the record comes back
            d.local = .write(edited)
            d.localLosers = [FieldChange(.record, old: deletedText, new: presentText)]
        case (.remote, .local?):      // the journal's edit wins: the record is sent again
            d.push = true
            d.remoteLosers = [FieldChange(.record, old: deletedText, new: presentText)]
        case (.remote, .remote?):     // the counterpart's delete wins
            d.local = .delete
            d.localLosers = changed.map { FieldChange($0, old: edited[$0], new: .null) }
        case (_, nil):
            let who = deleter == .local ? "the journal deleted it and the counterpart changed" : "the counterpart deleted it and the journal changed"
            let rules = (["\(record) \(policy.recordAuthority(kind).rawValue)"] + changed.map { "\($0.name) \(policy.authority($0).rawValue)" })
                .joined(separator: ", ")
            d.conflicts = [.init(field: record, base: Wire.json(base),
                                 local: deleter == .local ? .null : Wire.json(edited),
                                 remote: deleter == .remote ? .null : Wire.json(edited),
                                 reason: "delete against edit: \(who) \(changed.map(\.name).joined(separator: ", ")); owners differ or queue (\(rules))")]
        }
    }
}
