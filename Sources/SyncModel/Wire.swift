import JournalModel

/// JSON forms of field maps, remote records and operations: how the outbox, the parked
/// items and the conflict queue keep them. Keys are sorted, so equal values give equal text.
package enum Wire {
    package static func json(_ v: FieldValue) -> JSON { v.json }
    package static func value(_ j: JSON?) -> FieldValue { FieldValue(json: j) }
    package static func json(_ fields: FieldValues) -> JSON { fields.json }
    /// Values of `kind` back from their JSON object; nil when it is not an object or names
    /// a field the kind does not have (text this code did not write).
    package static func fields(_ kind: EntityKind, _ j: JSON?) -> FieldValues? { try? FieldValues(kind, json: j) }

    package static func json(_ r: RemoteRecord) -> JSON {
        var pairs: [(String, JSON)] = [("kind", .string(r.kind.rawValue)), ("id", .string(r.externalID)), ("fields", json(r.fields)),
                                       ("version", r.version.map(JSON.string) ?? .null), ("deleted", .bool(r.deleted))]
        // Only when there are any: a parked record keeps what the retry needs to map it again.
        if !r.unmapped.isEmpty { pairs.append(("unmapped", .array(r.unmapped.map(\.json)))) }
        return .object(pairs)
    }

    package static func remote(_ j: JSON) -> RemoteRecord? {
        guard let kind = j["kind"]?.string.flatMap(EntityKind.init(rawValue:)), let id = j["id"]?.string else { return nil }
        var deleted = false
        if case .bool(let b)? = j["deleted"] { deleted = b }
        return RemoteRecord(kind, externalID: id, fields(kind, j["fields"]) ?? FieldValues(kind), version: j["version"]?.string, deleted: deleted,
                            unmapped: (j["unmapped"]?.array ?? []).compactMap(UnmappedCode.init(json:)))
    }

    package static func json(_ op: OutboundOperation) -> JSON {
        .object([("key", .string(op.key)), ("kind", .string(op.kind.rawValue)), ("local_id", .string(op.localID)),
                 ("external_id", op.externalID.map(JSON.string) ?? .null), ("op", .string(op.op.rawValue)),
                 ("fields", json(op.fields)), ("changed", .array(op.changed.map { .string($0.name) })),
                 ("base_version", op.baseVersion.map(JSON.string) ?? .null)])
    }

    package static func operation(_ j: JSON) -> OutboundOperation? {
        guard let key = j["key"]?.string, let kind = j["kind"]?.string.flatMap(EntityKind.init(rawValue:)),
              let local = j["local_id"]?.string, let op = j["op"]?.string.flatMap(OutboundOperation.Op.init(rawValue:)) else { return nil }
        return OutboundOperation(key: key, kind: kind, localID: local, externalID: j["external_id"]?.string, op: op,
                                 fields: fields(kind, j["fields"]) ?? FieldValues(kind),
                                 changed: (j["changed"]?.array ?? []).compactMap { $0.string.flatMap(kind.key) },
                                 baseVersion: j["base_version"]?.string)
    }

    package static func json(_ result: OperationResult) -> JSON {
        switch result {
        case .applied(let id, let version):
            return .object([("status", .string("applied")), ("id", .string(id)), ("version", version.map(JSON.string) ?? .null)])
        case .conflict(let current):
            return .object([("status", .string("conflict")), ("current", json(current))])
        case .rejected(let message):
            return .object([("status", .string("rejected")), ("message", .string(message))])
        }
    }
}
