import Foundation
import JournalModel

/// One record found twice under two ids (a guardian the list and a portal each brought
/// in, a teacher spelt with ё and with е), made one: what `merge-duplicates` does.
public struct RecordMerge: Sendable, Equatable {
    public let kind: EntityKind
    public let duplicate: String
    public let survivor: String
    /// Fields the survivor lacked and took from the duplicate.
    public var filled: [String] = []
    /// Records that referred to the duplicate and now refer to the survivor.
    public var moved: [RecordRef] = []
    /// Records that referred to the duplicate and were the same as one the survivor had
    /// (a guardian linked to one pupil twice): deleted, their sync state kept on the twin.
    public var dropped: [RecordRef] = []
    /// Counterparts whose binding moved from the duplicate to the survivor.
    public var rebound: [String] = []

    public struct RecordRef: Sendable, Equatable, Hashable {
        public let kind: EntityKind
        public let id: String
    }
}

extension JournalStore {
    /// The counterparts that hold a binding of this record.
    public func boundCounterparts(_ kind: EntityKind, localID: String) throws -> [String] {
        try db.rows("SELECT counterpart FROM identity WHERE entity = ? AND local_id = ? ORDER BY counterpart",
                    [.text(kind.rawValue), .text(localID)]).compactMap { $0[0].text }
    }

    /// The change-log seq that created the record (its earliest entry); nil when the log has none.
    public func firstSeq(_ kind: EntityKind, id: String) throws -> Int? {
        try db.scalar("SELECT min(seq) FROM change_log WHERE entity = ? AND record_id = ?", [.text(kind.rawValue), .text(id)])?.int
    }

    /// Makes `duplicate` one with `survivor`: the survivor takes the fields it lacks, every
    /// record referring to the duplicate refers to the survivor (or, when the survivor already
    /// has the same one, is deleted), the counterparts' bindings move over, and the
    /// duplicate is deleted. The change log says each step, the duplicate's last entry
    /// being `merged_into: survivor`. Call inside ``transaction(_:)``; throws (changing
    /// nothing, once the transaction rolls back) when both are bound to one counterpart.
    public func merge(_ kind: EntityKind, duplicate: String, into survivor: String, origin: Origin) throws -> RecordMerge {
        guard let dup = record(kind, id: duplicate), var keep = record(kind, id: survivor) else {
            throw StoreError(.notFound, "\(kind.rawValue) \(duplicate) or \(survivor) is not in the store")
        }
        var out = RecordMerge(kind: kind, duplicate: duplicate, survivor: survivor)
        let keepBound = Set(try boundCounterparts(kind, localID: survivor))
        let both = try boundCounterparts(kind, localID: duplicate).filter(keepBound.contains)
        guard both.isEmpty else {
            throw StoreError(.invalid, "\(kind.rawValue) \(duplicate) and \(survivor) are two records of \(both.joined(separator: ", ")): "
                             + "merge them there first; the next sync then brings one")
        }
        for key in kind.keys where keep[key].isNull && !dup[key].isNull {
            keep[key] = dup[key]
            out.filled.append(key.name)
        }
        if !out.filled.isEmpty { try write(keep, origin: origin) }
        for k in EntityKind.allCases {
            for key in k.keys where key.spec.type == .ref(kind) {
                for r in try records(k, where: key, equals: .text(duplicate)) {
                    var moved = r
                    moved[key] = .text(survivor)
                    if let twin = recordByNaturalKey(moved), twin.id != r.id {
                        for cp in try boundCounterparts(k, localID: r.id) where try boundCounterparts(k, localID: twin.id).contains(cp) == false {
                            try moveSyncState(counterpart: cp, k, from: r.id, to: twin.id)
                        }
                        try delete(k, id: r.id, origin: origin)
                        out.dropped.append(.init(kind: k, id: r.id))
                    } else {
                        try write(moved, origin: origin)
                        out.moved.append(.init(kind: k, id: r.id))
                    }
                }
            }
        }
        for cp in try boundCounterparts(kind, localID: duplicate) {
            try moveSyncState(counterpart: cp, kind, from: duplicate, to: survivor)
            out.rebound.append(cp)
        }
        try logDecision(kind, id: duplicate, op: "update", changes: [FieldChange(.mergedInto, old: .null, new: .text(survivor))], origin: origin)
        try delete(kind, id: duplicate, origin: origin)
        return out
    }
}
