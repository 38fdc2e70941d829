import JournalModel
import SyncModel

/// The three-way merge of one field: pure, no I/O.
///
/// With `base` the value both sides last agreed on (null when they never agreed on the
/// record): equal sides need nothing; a side still at the base takes the other's value;
/// when both moved apart the ``Authority`` for the field decides.
public enum FieldMerge {
    public enum Outcome: Sendable, Equatable {
        /// Local and remote hold the same value.
        case same
        /// Only the counterpart changed it: the journal takes the remote value.
        case takeRemote
        /// Only the journal changed it: the local value is pushed.
        case keepLocal
        /// Both changed it; the journal owns the field: local is pushed, remote is the loser.
        case localWins
        /// Both changed it; the counterpart owns the field: local takes remote and is the loser.
        case remoteWins
        /// Both changed it; the policy says a person decides.
        case conflict
    }

    public static func merge(base: FieldValue, local: FieldValue, remote: FieldValue, authority: Authority) -> Outcome {
        if local == remote { return .same }
        if local == base { return .takeRemote }
        if remote == base { return .keepLocal }
        switch authority {
        case .local: return .localWins
        case .remote: return .remoteWins
        case .queue: return .conflict
        }
    }
}

/// A record on one side of a merge: never there, deleted, or its fields.
public enum RecordState: Sendable, Hashable {
    /// Not known on this side (never created, or no agreed state yet).
    case absent
    /// Deleted (a tombstone).
    case deleted
    /// The record's fields (normalized: every declared field present).
    case present(FieldValues)

    public var fields: FieldValues? { if case .present(let f) = self { return f }; return nil }
    public var exists: Bool { fields != nil }

    /// The state as JSON: the fields as an object, null when the record does not exist.
    public var json: JSON { fields.map(Wire.json) ?? .null }
}
