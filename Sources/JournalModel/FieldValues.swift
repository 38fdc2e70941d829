/// One kind's field values by schema position: `values[key.index]` holds the field `key`,
/// null where unset. Records, the change log, the merge, the sync bases and the wire forms
/// all carry fields in this one form, so a field is read without hashing its name.
///
/// Address a field by its typed key (`values[Mark.value]`). Names from outside (JSON Lines,
/// TSV tables, portal JSON, stored JSON text) go through ``init(_:named:)`` (throws on a
/// name the kind does not have) or a name→``Field`` table resolved once per kind or file.
public struct FieldValues: Sendable, Hashable {
    public let kind: EntityKind
    /// The values in schema order (`count == kind.fieldCount`).
    public private(set) var values: [FieldValue]

    /// Every field null.
    public init(_ kind: EntityKind) {
        self.kind = kind
        values = Array(repeating: .null, count: kind.fieldCount)
    }

    /// From typed keys: `FieldValues(.mark, [Mark.lesson: .text(l), Mark.value: .text("5")])`
    /// (no dictionary is built). A key of another kind stops with both named.
    public init(_ kind: EntityKind, _ pairs: KeyValuePairs<Field, FieldValue>) {
        self.init(kind)
        for (key, value) in pairs { self[key] = value }
    }

    /// From values in schema order (a stored row, a decoded page); the count must match.
    public init(_ kind: EntityKind, positional values: [FieldValue]) {
        precondition(values.count == kind.fieldCount, "\(kind.rawValue): \(values.count) values for \(kind.fieldCount) fields")
        self.kind = kind
        self.values = values
    }

    /// From names read outside the code (a file, a portal, a stored JSON object).
    ///
    /// - Throws: ``UnknownFieldError`` naming the kind and the first name (in sorted order)
    ///   the kind does not have.
    public init(_ kind: EntityKind, named: [String: FieldValue]) throws(UnknownFieldError) {
        self.init(kind)
        for name in named.keys.sorted() {
            guard let key = kind.key(name) else { throw UnknownFieldError(kind: kind, name: name) }
            values[key.index] = named[name]!
        }
    }

    /// From names written in code or tests: a name the kind does not have is a programming
    /// error and stops with the kind and the name (`mark has no field «valeu»`).
    public init(_ kind: EntityKind, checked named: [String: FieldValue]) {
        do { try self.init(kind, named: named) } catch { preconditionFailure(error.description) }
    }

    /// A field by its typed key. A key of another kind stops with both named.
    public subscript(_ key: Field) -> FieldValue {
        get {
            precondition(key.kind == kind, "field \(key) read from \(kind.rawValue) values")
            return values[key.index]
        }
        set {
            precondition(key.kind == kind, "field \(key) written to \(kind.rawValue) values")
            values[key.index] = newValue
        }
    }

    /// A field by name: the test and tooling path (Sources use typed keys; a test in
    /// BoundaryTests pins that). A name the kind does not have stops with the kind and
    /// the name, never reads as null.
    public subscript(_ name: String) -> FieldValue {
        get { values[FieldValues.resolve(kind, name).index] }
        set { values[FieldValues.resolve(kind, name).index] = newValue }
    }

    /// The field named `name` in code or tests; a name the kind does not have stops.
    public static func field(_ kind: EntityKind, _ name: String) -> Field { resolve(kind, name) }

    static func resolve(_ kind: EntityKind, _ name: String) -> Field {
        guard let key = kind.key(name) else { preconditionFailure(UnknownFieldError(kind: kind, name: name).description) }
        return key
    }

    /// The fields with their values, in schema order.
    public var entries: Zip2Sequence<[Field], [FieldValue]> { zip(kind.keys, values) }

    /// Every field by name, null ones too: the test and tooling path (it builds a dictionary;
    /// Sources read fields by typed key).
    public var named: [String: FieldValue] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.0.name, $0.1) })
    }

    /// The fields that hold a value (not null), in schema order.
    public var nonNull: [(field: Field, value: FieldValue)] {
        entries.compactMap { $0.1.isNull ? nil : ($0.0, $0.1) }
    }

    /// Every field as the store keeps it: a null boolean reads as 0 (``Record/normalized``).
    public var normalized: FieldValues {
        var out = self
        for key in kind.keys where key.spec.type == .bool && out.values[key.index].isNull { out.values[key.index] = .int(0) }
        return out
    }

    /// The fields that differ from `other` (values of the same kind; nil: all null), in
    /// schema order, each compared as ``normalized`` holds it.
    public func changes(from other: FieldValues?) -> [FieldChange] {
        let keys = kind.keys
        var out: [FieldChange] = []
        for i in 0..<values.count {
            let key = keys[i]
            let o = other.map { Record.normalized($0.values[i], key.spec) } ?? .null
            let n = Record.normalized(values[i], key.spec)
            if o != n { out.append(FieldChange(key, old: o, new: n)) }
        }
        return out
    }
}

/// A name that is not a field of the kind, met where names come from outside the code.
public struct UnknownFieldError: Error, Sendable, Hashable, CustomStringConvertible {
    public let kind: EntityKind
    public let name: String
    public init(kind: EntityKind, name: String) { self.kind = kind; self.name = name }
    public var description: String {
        "\(kind.rawValue) has no field «\(name)» (fields: \(kind.keys.map(\.name).joined(separator: ", ")))"
    }
}

extension FieldValues {
    /// The JSON form the change log, the outbox, the bases and the conflict queue keep: one
    /// object, names sorted, every field present (null where unset).
    public var json: JSON {
        .object(kind.keysByName.map { ($0.name, values[$0.index].json) })
    }

    /// The text of ``json``, written straight (it runs once a synced record).
    public var serialized: String {
        var out = "{"
        for (i, key) in kind.keysByName.enumerated() {
            if i > 0 { out += "," }
            JSON.writeString(key.name, to: &out)
            out += ":"
            values[key.index].writeJSON(to: &out)
        }
        return out + "}"
    }

    /// Values back from their JSON object; nil when `json` is not an object.
    ///
    /// - Throws: ``UnknownFieldError`` for a name the kind does not have.
    public init?(_ kind: EntityKind, json: JSON?) throws(UnknownFieldError) {
        guard case .object(let pairs)? = json else { return nil }
        self.init(kind)
        for (name, v) in pairs {
            guard let key = kind.key(name) else { throw UnknownFieldError(kind: kind, name: name) }
            values[key.index] = FieldValue(json: v)
        }
    }
}
