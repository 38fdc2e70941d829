/// One record of the journal: a kind, a stable id and its fields.
///
/// Fields absent from `fields` are null; ``normalized`` fills them in so that two
/// records compare equal exactly when they say the same thing.
public struct Record: Sendable, Hashable {
    public var kind: EntityKind
    public var id: String
    public var fields: [String: FieldValue]

    public init(_ kind: EntityKind, id: String, _ fields: [String: FieldValue] = [:]) {
        self.kind = kind; self.id = id; self.fields = fields
    }

    /// A field by its typed key (`record[Mark.value]`). A key of another kind is a
    /// programming error and stops with both named.
    public subscript(_ key: Field) -> FieldValue {
        get {
            precondition(key.kind == kind, "field \(key) read from a \(kind.rawValue) record")
            return fields[key.name] ?? .null
        }
        set {
            precondition(key.kind == kind, "field \(key) written to a \(kind.rawValue) record")
            fields[key.name] = newValue
        }
    }

    public subscript(_ name: String) -> FieldValue {
        get { fields[name] ?? .null }
        set { fields[name] = newValue }
    }

    /// Every declared field present (null where unset), nothing undeclared.
    public var normalized: Record {
        var out = Record(kind, id: id)
        out.fields.reserveCapacity(kind.fields.count)
        for spec in kind.fields { out.fields[spec.name] = Record.normalized(fields[spec.name], spec) }
        return out
    }

    /// A field's value as ``normalized`` holds it.
    static func normalized(_ value: FieldValue?, _ spec: FieldSpec) -> FieldValue {
        let v = value ?? .null
        return spec.type == .bool && v.isNull ? .int(0) : v
    }

    /// The natural key as one string (`nil` when a key field is null and the key
    /// is not allowed to hold nulls, e.g. a student without a file number).
    public var naturalKey: String? {
        let key = kind.naturalKey
        guard !key.isEmpty else { return nil }
        var parts: [String] = []
        for name in key {
            let v = self[name]
            if v.isNull, kind.field(name)?.required ?? false { return nil }
            if v.isNull, key.count == 1 { return nil }
            parts.append(v.text ?? "")
        }
        return parts.joined(separator: "\u{1F}")
    }
}

/// A field that changed: its value before and after.
public struct FieldChange: Sendable, Hashable {
    public let field: String
    public let old: FieldValue
    public let new: FieldValue
    public init(field: String, old: FieldValue, new: FieldValue) { self.field = field; self.old = old; self.new = new }
}

extension Record {
    /// The fields that differ from `other` (a record of the same kind), in schema order.
    public func changes(from other: Record?) -> [FieldChange] {
        // Field by field, without building the two normalized records (this runs once a write).
        kind.fields.compactMap { spec in
            let o = other.map { Record.normalized($0.fields[spec.name], spec) } ?? .null
            let n = Record.normalized(fields[spec.name], spec)
            return o == n ? nil : FieldChange(field: spec.name, old: o, new: n)
        }
    }
}
