import Foundation
import JournalModel
import JournalStore
import SyncModel

/// The conflict queue as the CLI uses it: `conflicts list`, `show ID`, `resolve ID`.
///
/// Resolving writes a normal change with its own change-log entry (origin source
/// `conflicts`, run id `conflict-ID`, the operator's account) and marks the record for
/// the counterpart's next run, which pushes it. `--take local` keeps the journal's
/// value: the entry then records the decision (old: the counterpart's value, new: the
/// journal's).
public enum ConflictQueue {
    public enum Take: Sendable, Equatable {
        case local
        case remote
        /// A value typed by a person (`--value V`; empty or `∅` for none).
        case value(String)
    }

    /// A queue entry with the journal's value as it is now, ready to print.
    public struct Item: Sendable {
        public let conflict: ConflictRecord
        /// The journal's current value of the field (or the record, or null when deleted).
        public let current: JSON
        /// The record as a person reads it: pupil, class, subject, lesson, period (``RecordLabel``).
        public let label: String

        public var json: JSON {
            let c = conflict
            return .object([("id", .int(c.id)), ("counterpart", .string(c.counterpart)), ("entity", .string(c.entity.rawValue)),
                            ("record", .string(c.localID)), ("what", .string(label)), ("field", .string(c.field)), ("base", shown(c.base)),
                            ("local", shown(c.local)), ("current", shown(current)), ("remote", shown(c.remote)), ("remote_version", c.remoteVersion.map(JSON.string) ?? .null),
                            ("policy", .string(c.policy)), ("run", c.runID.map(JSON.string) ?? .null), ("created_at", .string(c.createdAt)),
                            ("resolved_at", c.resolvedAt.map(JSON.string) ?? .null), ("resolution", c.resolution.map(JSON.string) ?? .null)])
        }

        /// One line for `conflicts list`.
        public var line: String {
            let c = conflict
            let state = c.resolvedAt == nil ? "" : "  [\(c.resolution ?? "resolved")]"
            return "#\(c.id)  \(c.counterpart)  \(label)  \(c.field): base \(show(c.base)) · local \(show(c.local)) · remote \(show(c.remote))\(state)"
        }

        /// The lines of `conflicts show ID`.
        public var detail: [String] {
            let c = conflict
            return ["Conflict #\(c.id) with \(c.counterpart), queued \(c.createdAt) by run \(c.runID ?? "—")",
                    "Record: \(label), field \(c.field) (\(c.entity.rawValue) \(c.localID))",
                    "Base (last agreed): \(show(c.base))",
                    "Local when queued:  \(show(c.local))",
                    "Local now:          \(show(current))",
                    "Remote:             \(show(c.remote))" + (c.remoteVersion.map { " (version \($0))" } ?? ""),
                    "Why: \(c.policy)",
                    c.resolvedAt.map { "Resolved \($0): \(c.resolution ?? "")" }
                        ?? "Resolve: journal-gateway conflicts resolve \(c.id) --take local|remote" + (c.field == PolicyTable.recordField ? "" : " or --value V")]
        }

        private func show(_ j: JSON) -> String {
            switch j {
            case .null: return conflict.field == PolicyTable.recordField ? "deleted" : "∅"
            case .string(let s) where conflict.field == "snils": return "«\(Item.masked(s))»"
            case .string(let s): return "«\(s)»"
            default: return shown(j).serialized()
            }
        }

        /// A СНИЛС shown beside a pupil's name keeps only its first three and last two
        /// digits (`112-…-… 95`): enough to tell two numbers apart, never the whole number
        /// with a name.
        static func masked(_ snils: String) -> String {
            let d = snils.filter(\.isNumber)
            guard d.count == 11 else { return "…" }
            return "\(d.prefix(3))-…-… \(d.suffix(2))"
        }

        /// A value for the JSON form: a СНИЛС masked as in the text.
        private func shown(_ j: JSON) -> JSON {
            switch j {
            case .string(let s) where conflict.field == "snils": return .string(Item.masked(s))
            case .object(let pairs):   // a whole record (a delete against an edit)
                return .object(pairs.map { $0.0 == "snils" ? ($0.0, $0.1.string.map { .string(Item.masked($0)) } ?? $0.1) : $0 })
            default: return j
            }
        }
    }

    /// The queue, oldest first.
    public static func list(store: JournalStore, includeResolved: Bool = false) throws -> [Item] {
        try store.conflicts(includeResolved: includeResolved).map { try item($0, store) }
    }

    /// One entry. - Throws: ``ConflictError`` when there is no such conflict.
    public static func show(store: JournalStore, id: Int) throws -> Item {
        guard let c = try store.conflict(id: id) else { throw ConflictError.notFound(id) }
        return try item(c, store)
    }

    private static func item(_ c: ConflictRecord, _ store: JournalStore) throws -> Item {
        let record = store.record(c.entity, id: c.localID)?.normalized
        let current: JSON = c.field == PolicyTable.recordField ? (record.map { Wire.json($0.fields) } ?? .null)
                                                               : Wire.json(c.entity.key(c.field).flatMap { record?[$0] } ?? .null)
        return Item(conflict: c, current: current, label: RecordLabel.describe(c.entity, id: c.localID, in: store))
    }

    /// Decides a conflict. Returns the entry as resolved.
    /// - Throws: ``ConflictError`` (unknown id, already resolved, a value the field does
    ///   not take, a record-level conflict given `--value`).
    @discardableResult
    public static func resolve(store: JournalStore, id: Int, take: Take, account: String? = nil) throws -> Item {
        guard let c = try store.conflict(id: id) else { throw ConflictError.notFound(id) }
        guard c.resolvedAt == nil else {
            throw ConflictError(kind: .alreadyResolved, message: "conflict #\(id) was already resolved at \(c.resolvedAt!) (\(c.resolution ?? ""))")
        }
        let origin = Origin(source: "conflicts", runID: "conflict-\(id)", account: account)
        let resolution: String
        switch take {
        case .local: resolution = "local"
        case .remote: resolution = "remote"
        case .value(let v): resolution = "value: " + v
        }
        try store.transaction {
            if c.field == PolicyTable.recordField {
                try resolveRecord(c, take: take, store: store, origin: origin)
            } else {
                try resolveField(c, take: take, store: store, origin: origin)
            }
            try store.closeConflict(id: id, resolution: resolution)
            // The next run of a portal pushes the decision; the quarantine and the secretary's
            // list ("contingent") take no pushes.
            if c.counterpart != Quarantine.counterpart && c.counterpart != "contingent" {
                try store.markPending(counterpart: c.counterpart, c.entity, localID: c.localID)
            }
        }
        return try show(store: store, id: id)
    }

    private static func resolveField(_ c: ConflictRecord, take: Take, store: JournalStore, origin: Origin) throws {
        guard var record = store.record(c.entity, id: c.localID)?.normalized else {
            throw ConflictError(kind: .cannotApply, message: "\(c.entity.rawValue) \(c.localID) was deleted in the journal after conflict #\(c.id) was queued; "
                                + "the next sync decides the delete against the edit")
        }
        // The queue keeps the field's name: resolved once here.
        guard let key = c.entity.key(c.field) else {
            throw ConflictError(kind: .cannotApply, message: "conflict #\(c.id) names «\(c.field)», which is not a field of \(c.entity.rawValue)")
        }
        let value: FieldValue
        switch take {
        case .local:
            if c.counterpart != Quarantine.counterpart {
                try store.logDecision(c.entity, id: c.localID, op: "update",
                                      changes: [FieldChange(key, old: Wire.value(c.remote), new: record[key])], origin: origin)
            }
            return
        case .remote: value = Wire.value(c.remote)
        case .value(let text): value = try parse(text, field: c.field, kind: c.entity)
        }
        record[key] = value
        let problems = check(record, store)
        guard problems.isEmpty else {
            throw ConflictError(kind: .invalidValue, message: "conflict #\(c.id): \(problems.map(\.description).joined(separator: "; "))")
        }
        if try write(record, c, store: store, origin: origin) == .unchanged {
            // The journal already holds the chosen value: record the decision, as for --take local.
            try store.logDecision(c.entity, id: c.localID, op: "update",
                                  changes: [FieldChange(key, old: Wire.value(c.remote), new: value)], origin: origin)
        }
    }

    private static func resolveRecord(_ c: ConflictRecord, take: Take, store: JournalStore, origin: Origin) throws {
        let current = store.record(c.entity, id: c.localID)
        switch take {
        case .value:
            throw ConflictError(kind: .invalidValue, message: "conflict #\(c.id) is about the whole record (deleted on one side): use --take local or --take remote")
        case .local:
            try store.logDecision(c.entity, id: c.localID, op: current == nil ? "delete" : "update",
                                  changes: [FieldChange(.record, old: .text(c.remote.isNull ? "deleted" : "present"),
                                                        new: .text(current == nil ? "deleted" : "present"))], origin: origin)
        case .remote:
            if let fields = Wire.fields(c.entity, c.remote) {
                let record = Record(c.entity, id: c.localID, fields)
                let problems = check(record, store)
                guard problems.isEmpty else {
                    throw ConflictError(kind: .invalidValue, message: "conflict #\(c.id): \(problems.map(\.description).joined(separator: "; "))")
                }
                _ = try write(record, c, store: store, origin: origin)
            } else if current != nil {
                do { try store.delete(c.entity, id: c.localID, origin: origin) } catch let e as StoreFailure where e.isForeignKeyViolation {
                    throw ConflictError(kind: .cannotApply, message: "\(c.entity.rawValue) \(c.localID) is still referenced by other records; delete or move them first")
                }
            }
        }
    }

    /// What a person's choice must pass before it is written: the schema (types, codes) and
    /// the rules R1–R3 — a final mark «6» is refused naming the values a final mark takes.
    /// The same checks as the store's gate, asked first so that the answer is a
    /// ``ConflictError`` about the conflict; the gate (``write(_:)``) stays the backstop.
    private static func check(_ record: Record, _ store: JournalStore) -> [Violation] {
        JournalRules.checkFields(record) + store.waivingSchoolSettings(JournalRules(today: store.today).checkRules(record, lookup: store), of: record)
    }

    /// Writes a person's choice; what the store's gate refuses is a ``ConflictError`` too.
    private static func write(_ record: Record, _ c: ConflictRecord, store: JournalStore, origin: Origin) throws -> WriteOutcome {
        do { return try store.write(record, origin: origin) } catch let e as StoreFailure where e.isRuleViolation {
            throw ConflictError(kind: .invalidValue, message: "conflict #\(c.id): the journal refuses it: \(e.message)")
        }
    }

    /// A typed value for a field: whole numbers for int fields, 0/1 (да/нет, true/false) for flags.
    static func parse(_ text: String, field: String, kind: EntityKind) throws -> FieldValue {
        guard let spec = kind.field(field) else {
            throw ConflictError(kind: .invalidValue, message: "\(kind.rawValue) has no field «\(field)»")
        }
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty || t == "∅" { return .null }
        switch spec.type {
        case .int:
            guard let i = Int(t) else { throw ConflictError(kind: .invalidValue, message: "«\(t)» is not a whole number (field \(field))") }
            return .int(i)
        case .bool:
            switch t.lowercased() {
            case "1", "true", "да", "yes": return .int(1)
            case "0", "false", "нет", "no": return .int(0)
            default: throw ConflictError(kind: .invalidValue, message: "«\(t)» is not true or false (field \(field))")
            }
        default:
            return .text(t)
        }
    }
}

/// Why a conflict cannot be shown or resolved as asked.
public struct ConflictError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case notFound, alreadyResolved, invalidValue, cannotApply }
    public let kind: Kind
    public let message: String
    public var description: String { message }

    static func notFound(_ id: Int) -> ConflictError {
        ConflictError(kind: .notFound, message: "there is no conflict #\(id); `journal-gateway conflicts list` shows the open ones")
    }
}
