/// One record of the journal: a kind, a stable id and its fields by schema position.
///
/// Address a field by its typed key (`record[Mark.value]`); unset fields are null.
/// ``normalized`` reads a null boolean as 0, so that two records compare equal exactly when
/// they say the same thing.
public struct Record: Sendable, Hashable {
    public var id: String
    public var fields: FieldValues
    public var kind: EntityKind { fields.kind }

    /// An empty record (every field null).
    public init(_ kind: EntityKind, id: String) {
        self.id = id; self.fields = FieldValues(kind)
    }

    public init(_ kind: EntityKind, id: String, _ fields: FieldValues) {
        precondition(fields.kind == kind, "\(fields.kind.rawValue) values given to a \(kind.rawValue) record")
        self.id = id; self.fields = fields
    }

    /// From typed keys: `Record(.mark, id: i, [Mark.lesson: .text(l), Mark.value: .text("5")])`.
    public init(_ kind: EntityKind, id: String, _ pairs: KeyValuePairs<Field, FieldValue>) {
        self.init(kind, id: id, FieldValues(kind, pairs))
    }

    /// From names written in code or tests. A name the kind does not have is a programming
    /// error: it stops with the kind and the name (`mark has no field «valeu»`).
    public init(_ kind: EntityKind, id: String, _ named: [String: FieldValue]) {
        self.init(kind, id: id, FieldValues(kind, checked: named))
    }

    /// From names read outside the code (a file, a portal).
    ///
    /// - Throws: ``UnknownFieldError`` naming the kind and the field it does not have.
    public init(_ kind: EntityKind, id: String, named: [String: FieldValue]) throws(UnknownFieldError) {
        self.init(kind, id: id, try FieldValues(kind, named: named))
    }

    /// A field by its typed key (`record[Mark.value]`). A key of another kind is a
    /// programming error and stops with both named.
    public subscript(_ key: Field) -> FieldValue {
        get {
            precondition(key.kind == kind, "field \(key) read from a \(kind.rawValue) record")
            return fields.values[key.index]
        }
        set {
            precondition(key.kind == kind, "field \(key) written to a \(kind.rawValue) record")
            fields[key] = newValue
        }
    }

    /// A field by name: the test and tooling path only (Sources address fields by typed
    /// keys; BoundaryTests pins that). A name the kind does not have stops with the kind
    /// and the name; it never reads as null.
    public subscript(_ name: String) -> FieldValue {
        get { self[FieldValues.field(kind, name)] }
        set { self[FieldValues.field(kind, name)] = newValue }
    }

    /// Every declared field as the store keeps it (a null boolean is 0).
    public var normalized: Record { Record(kind, id: id, fields.normalized) }

    /// A field's value as ``normalized`` holds it.
    static func normalized(_ value: FieldValue, _ spec: FieldSpec) -> FieldValue {
        spec.type == .bool && value.isNull ? .int(0) : value
    }

    /// The natural key as one string (`nil` when a key field is null and the key
    /// is not allowed to hold nulls, e.g. a student without a file number).
    public var naturalKey: String? {
        let key = kind.naturalKeyFields
        guard !key.isEmpty else { return nil }
        var parts: [String] = []
        parts.reserveCapacity(key.count)
        for field in key {
            let v = fields.values[field.index]
            if v.isNull, field.spec.required { return nil }
            if v.isNull, key.count == 1 { return nil }
            parts.append(v.text ?? "")
        }
        return parts.joined(separator: "\u{1F}")
    }
}

/// A field that changed: its value before and after.
///
/// The change log and the merge's losers also name two things that are not fields: the
/// record as a whole (`@record`: a lost delete) and a merge of duplicates (`merged_into`).
public struct FieldChange: Sendable, Hashable {
    /// What changed.
    public enum Target: Sendable, Hashable {
        case field(Field)
        /// The record as a whole (written `@record`).
        case record
        /// The record was merged into another (written `merged_into`; new: the survivor's id).
        case mergedInto
        /// A name the stored log holds that is not a field of the kind today (an older
        /// schema): kept so that `history` shows it as it was written.
        case stored(String)
    }

    public let target: Target
    public let old: FieldValue
    public let new: FieldValue

    public init(_ field: Field, old: FieldValue, new: FieldValue) { self.target = .field(field); self.old = old; self.new = new }
    public init(_ target: Target, old: FieldValue, new: FieldValue) { self.target = target; self.old = old; self.new = new }

    /// The changed field's key, nil for a record-level change (``name`` is the text form;
    /// there is deliberately no `field` property, so that code written against the old
    /// `field: String` fails to compile instead of printing an optional).
    public var key: Field? { if case .field(let f) = target { return f }; return nil }

    /// The name the change log writes: the field's name, `@record` or `merged_into`.
    public var name: String {
        switch target {
        case .field(let f): return f.name
        case .record: return FieldChange.recordName
        case .mergedInto: return FieldChange.mergedIntoName
        case .stored(let s): return s
        }
    }

    public static let recordName = "@record"
    public static let mergedIntoName = "merged_into"

    /// The target a stored name stands for in a record of `kind` (read once per log entry).
    public static func target(_ kind: EntityKind, name: String) -> Target {
        if let f = kind.key(name) { return .field(f) }
        switch name {
        case recordName: return .record
        case mergedIntoName: return .mergedInto
        default: return .stored(name)
        }
    }
}

extension Record {
    /// The fields that differ from `other` (a record of the same kind), in schema order.
    public func changes(from other: Record?) -> [FieldChange] {
        fields.changes(from: other?.fields)
    }
}
