import Foundation
import JournalModel

/// What a counterpart (a regional portal, a diary feed) offers the engine: pages of its
/// records from a cursor, and a batch write answered per operation.
///
/// Adapters parse and map codes; they never touch the store. Both calls may throw when
/// the counterpart cannot be reached: the engine retries a pull a few times and keeps
/// unsent operations in the outbox, under the same idempotency keys, for the next run.
public protocol Counterpart: Sendable {
    /// The name used in the store (`asu-rso`): identity map, bases, outbox, change-log origins.
    var name: String { get }

    /// The page of records after `cursor` (nil: from the beginning, a full pull).
    func pull(cursor: String?) async throws -> PullPage

    /// Applies operations, answering one ``OperationResult`` per operation, in order.
    /// An operation whose key was seen before must get the answer it got then.
    func push(_ ops: [OutboundOperation]) async throws -> [OperationResult]

    /// Whether the counterpart takes writes of this kind (default: every kind).
    func accepts(_ kind: EntityKind) -> Bool

    /// How two of its versions compare, or nil when they do not order (ETags).
    /// Default: whole numbers numerically, anything else unordered.
    func compareVersions(_ a: String, _ b: String) -> ComparisonResult?

    /// What the counterpart noticed during the run that a person should read (an answer
    /// that made it pull everything again, say); reported with the run's summary.
    var warnings: [String] { get async }

    /// Reference codes without a table line that the counterpart took under the portal's
    /// own name this run (subjects, work types): reported once in the summary.
    var adopted: [AdoptedCode] { get async }

    /// The record mapped again with the counterpart's code tables as they are now: a parked
    /// record whose ``RemoteRecord/unmapped`` codes have lines by now comes back with journal
    /// codes and an empty list. Default: the record unchanged.
    func remap(_ record: RemoteRecord) -> RemoteRecord

    /// The journal's answers to what the counterpart asked with ``PullPage/needs(_:)`` or
    /// ``needs(before:)``, given before the same page is asked for again or the batch is
    /// pushed. Default: nothing to take.
    func answer(_ answers: [PullNeed: PullAnswer]) async

    /// What the counterpart needs to know of the journal before it can push `ops` (the class
    /// and date of the lessons new marks go to, say): the engine answers (``answer(_:)``)
    /// and then pushes. Default: nothing.
    func needs(before ops: [OutboundOperation]) async -> [PullNeed]
}

extension Counterpart {
    public func accepts(_ kind: EntityKind) -> Bool { true }

    public var warnings: [String] { get async { [] } }

    public var adopted: [AdoptedCode] { get async { [] } }

    public func remap(_ record: RemoteRecord) -> RemoteRecord { record }

    public func answer(_ answers: [PullNeed: PullAnswer]) async {}

    public func needs(before ops: [OutboundOperation]) async -> [PullNeed] { [] }

    public func compareVersions(_ a: String, _ b: String) -> ComparisonResult? {
        guard let x = Int(a), let y = Int(b) else { return a == b ? .orderedSame : nil }
        return x < y ? .orderedAscending : (x == y ? .orderedSame : .orderedDescending)
    }
}

/// A record as a counterpart holds it: reference fields hold the counterpart's external
/// ids of the referenced records; a deleted record carries only its identity.
public struct RemoteRecord: Sendable, Hashable {
    public var kind: EntityKind
    public var externalID: String
    public var fields: FieldValues
    /// The counterpart's version of the record (ver, ETag, updated_at).
    public var version: String?
    public var deleted: Bool
    /// Codes of this record the counterpart could not map (their fields hold the portal's
    /// raw codes): the engine parks the record instead of applying it (``UnmappedCode``).
    public var unmapped: [UnmappedCode]

    public init(_ kind: EntityKind, externalID: String, _ fields: FieldValues? = nil, version: String? = nil, deleted: Bool = false,
                unmapped: [UnmappedCode] = []) {
        precondition(fields.map { $0.kind == kind } ?? true, "\(fields!.kind.rawValue) values given to a \(kind.rawValue) remote record")
        self.kind = kind; self.externalID = externalID; self.fields = fields ?? FieldValues(kind); self.version = version; self.deleted = deleted
        self.unmapped = unmapped
    }

    /// From typed keys: `RemoteRecord(.mark, externalID: e, [Mark.lesson: .text(l)], version: v)`.
    public init(_ kind: EntityKind, externalID: String, _ pairs: KeyValuePairs<Field, FieldValue>, version: String? = nil,
                deleted: Bool = false, unmapped: [UnmappedCode] = []) {
        self.init(kind, externalID: externalID, FieldValues(kind, pairs), version: version, deleted: deleted, unmapped: unmapped)
    }

    /// From names written in code or tests (the test path): a name the kind does not have stops.
    public init(_ kind: EntityKind, externalID: String, _ named: [String: FieldValue], version: String? = nil,
                deleted: Bool = false, unmapped: [UnmappedCode] = []) {
        self.init(kind, externalID: externalID, FieldValues(kind, checked: named), version: version, deleted: deleted, unmapped: unmapped)
    }
}

/// One answer to a pull.
public enum PullPage: Sendable {
    /// Records after the cursor; `next` is where the following page (or the next run) starts.
    case records([RemoteRecord], next: String, hasMore: Bool)
    /// The cursor is older than what the counterpart keeps: pull everything again.
    case resetToFull
    /// Before it can read the page after the cursor, the counterpart needs to know what the
    /// journal holds of these records: the engine reads them from the store, hands the
    /// answers over (``Counterpart/answer(_:)``) and asks for the same page again. So an
    /// adapter is given data, never a store connection.
    case needs([PullNeed])
}

/// What a counterpart may ask the journal before reading a page (``PullPage/needs(_:)``).
public enum PullNeed: Sendable, Hashable {
    /// Where marks bound to this counterpart whose external ids lie in `[from, below)` sit:
    /// an АСУ РСО assignment's marks (ids `ASSIGNMENT:STUDENT`) give its lesson, work type
    /// and weight, so a change-feed mark of an old assignment needs no class-week page.
    case markPlace(externalIDsFrom: String, below: String)
    /// Where a lesson bound to this counterpart (its external id) sits: the counterpart's
    /// external id of its class, and its date. An АСУ РСО adapter reads an old lesson's
    /// class-week page with them.
    case lessonPlace(lessonExternalID: String)
}

/// The journal's answer to a ``PullNeed``.
public enum PullAnswer: Sendable, Hashable {
    /// The lesson and work type (the counterpart's external ids) and the weight of one such mark.
    case markPlace(lesson: String, workType: String, weight: Int)
    /// The class (the counterpart's external id) and the date of the lesson asked about.
    case lessonPlace(classExternalID: String, date: CivilDate)
    /// The journal holds nothing of what was asked.
    case nothing
}

/// One write to a counterpart, as the engine plans it.
public struct OutboundOperation: Sendable, Hashable {
    public enum Op: String, Sendable { case upsert, delete }

    /// The idempotency key: the same pending change always gets the same key.
    public var key: String
    public var kind: EntityKind
    public var localID: String
    /// The record's id at the counterpart; nil when the operation creates it.
    public var externalID: String?
    public var op: Op
    /// The whole record as it should be after the write (references as external ids); empty for a delete.
    public var fields: FieldValues
    /// The fields that differ from the agreed base (an adapter may send only these).
    public var changed: [Field]
    /// The counterpart's version the change was made against (nil for a new record).
    public var baseVersion: String?

    public init(key: String, kind: EntityKind, localID: String, externalID: String?, op: Op,
                fields: FieldValues, changed: [Field], baseVersion: String?) {
        precondition(fields.kind == kind, "\(fields.kind.rawValue) values given to a \(kind.rawValue) operation")
        self.key = key; self.kind = kind; self.localID = localID; self.externalID = externalID; self.op = op
        self.fields = fields; self.changed = changed; self.baseVersion = baseVersion
    }

    /// From names written in code or tests (the test path): a name the kind does not have stops.
    public init(key: String, kind: EntityKind, localID: String, externalID: String?, op: Op,
                fields: [String: FieldValue], changed: [String], baseVersion: String?) {
        self.init(key: key, kind: kind, localID: localID, externalID: externalID, op: op, fields: FieldValues(kind, checked: fields),
                  changed: changed.map { FieldValues.field(kind, $0) }, baseVersion: baseVersion)
    }

    /// A key for a whole batch (protocols with one idempotency key per request): the same
    /// operations in the same order give the same key, and the engine resends a batch unchanged.
    public static func batchKey(_ ops: [OutboundOperation]) -> String {
        StableHash.hex(ops.map(\.key).joined(separator: ","))
    }
}

/// A counterpart's answer to one operation.
public enum OperationResult: Sendable, Hashable {
    case applied(externalID: String, version: String?)
    /// The counterpart's record changed since the base (or already exists): its current state.
    case conflict(current: RemoteRecord)
    case rejected(message: String)
}
