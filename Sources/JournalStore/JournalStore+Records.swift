import Foundation
import JournalModel

/// Reading and writing typed records, with the change log kept in step.
extension JournalStore: RecordLookup {
    /// The SQL of each kind, built once.
    private struct KindSQL {
        let columns: String, select: String, insert: String, update: String
        init(_ kind: EntityKind) {
            let names = kind.fields.map(\.name)
            columns = (["id"] + names).map { "\"\($0)\"" }.joined(separator: ", ")
            select = "SELECT \(columns) FROM \(kind.table) WHERE id = ?"
            insert = "INSERT INTO \(kind.table) (\(columns)) VALUES (\(Array(repeating: "?", count: names.count + 1).joined(separator: ", ")))"
            update = "UPDATE \(kind.table) SET \(names.map { "\"\($0)\" = ?" }.joined(separator: ", ")) WHERE id = ?"
        }
    }
    private static let sql: [EntityKind: KindSQL] = Dictionary(uniqueKeysWithValues: EntityKind.allCases.map { ($0, KindSQL($0)) })

    private static func columns(_ kind: EntityKind) -> String { sql[kind]!.columns }
    static func recordColumns(_ kind: EntityKind) -> String { sql[kind]!.columns }

    static func sqlValue(_ v: FieldValue) -> SQLValue {
        switch v {
        case .null: return .null
        case .int(let i): return .int(Int64(i))
        case .text(let s): return .text(s)
        }
    }

    static func fieldValue(_ v: SQLValue) -> FieldValue {
        switch v {
        case .null: return .null
        case .int(let i): return .int(Int(i))
        case .double(let d): return .int(Int(d))
        case .text(let s): return .text(s)
        case .blob(let b): return .text(String(decoding: b, as: UTF8.self))
        }
    }

    func decodeRecord(_ kind: EntityKind, _ row: [SQLValue]) -> Record { decode(kind, row) }

    private func decode(_ kind: EntityKind, _ row: [SQLValue]) -> Record {
        var values: [FieldValue] = []
        values.reserveCapacity(kind.fieldCount)
        for i in 1..<row.count { values.append(JournalStore.fieldValue(row[i])) }
        return Record(kind, id: row[0].text ?? "", FieldValues(kind, positional: values))
    }

    public func record(_ kind: EntityKind, id: String) -> Record? {
        if let hit = pageCache?.record[SyncPageCache.Key(kind: kind, id: id)] { return hit }
        var out: Record?
        try? db.forEach(JournalStore.sql[kind]!.select, [.text(id)]) { out = decode(kind, $0) }
        return out
    }

    /// Calls `body` with every record of a kind, in id order.
    public func forEachRecord(_ kind: EntityKind, _ body: (Record) throws -> Void) throws {
        try db.forEach("SELECT \(JournalStore.columns(kind)) FROM \(kind.table) ORDER BY id") { try body(decode(kind, $0)) }
    }

    public func records(_ kind: EntityKind) throws -> [Record] {
        var out: [Record] = []
        try forEachRecord(kind) { out.append($0) }
        return out
    }

    /// Records of a kind whose field equals a value (e.g. marks of a lesson).
    public func records(_ kind: EntityKind, where field: Field, equals value: FieldValue) throws -> [Record] {
        precondition(field.kind == kind, "no field \(field) on \(kind)")
        var out: [Record] = []
        try db.forEach("SELECT \(JournalStore.columns(kind)) FROM \(kind.table) WHERE \"\(field.name)\" = ? ORDER BY id",
                       [JournalStore.sqlValue(value)]) { out.append(decode(kind, $0)) }
        return out
    }

    /// Records of a kind whose field, named in text, equals a value: the test and tooling
    /// path (Sources pass a typed key); a name the kind does not have stops.
    public func records(_ kind: EntityKind, where name: String, equals value: FieldValue) throws -> [Record] {
        try records(kind, where: FieldValues.field(kind, name), equals: value)
    }

    /// The stored record with the same natural key as `r` (whatever its id), if any.
    public func recordByNaturalKey(_ r: Record) -> Record? {
        let key = r.kind.naturalKeyFields
        guard !key.isEmpty, let naturalKey = r.naturalKey else { return nil }
        if let hit = pageCache?.byNaturalKey[SyncPageCache.Key(kind: r.kind, id: naturalKey)] { return hit }
        // Optional key fields (a lesson's group) are indexed as ifnull(field, ''): same expression here.
        let cond = key.map { $0.spec.required ? "\"\($0.name)\" = ?" : "ifnull(\"\($0.name)\", '') = ifnull(?, '')" }
            .joined(separator: " AND ")
        var out: Record?
        try? db.forEach("SELECT \(JournalStore.columns(r.kind)) FROM \(r.kind.table) WHERE \(cond) LIMIT 1",
                        key.map { JournalStore.sqlValue(r[$0]) }) { out = decode(r.kind, $0) }
        if out == nil && r.kind == .teacher {
            // A teacher's name as another source spells it (ё/е, case, spaces): the same person.
            let folded = PersonName.folded(r)
            try? forEachRecord(.teacher) { t in if out == nil && PersonName.folded(t) == folded { out = t } }
        }
        return out
    }

    public func count(_ kind: EntityKind) throws -> Int {
        try db.scalar("SELECT count(*) FROM \(kind.table)")?.int ?? 0
    }

    /// Creates or updates a record, appending the changed fields to the change log.
    ///
    /// Every record passes the validation gate of its kind first (``gate(_:old:)``: value
    /// sets, R1–R3); a violation throws ``StoreFailure/rule(_:path:)`` and writes nothing.
    /// Call inside ``transaction(_:)``. Writing the same values again changes nothing
    /// and logs nothing. `old` is the stored record (nil inside: none) when the caller
    /// has just read it.
    @discardableResult
    public func write(_ record: Record, origin: Origin, old known: Record?? = .none) throws -> WriteOutcome {
        let r = record.normalized
        let old = known ?? self.record(r.kind, id: r.id)
        let changes = r.changes(from: old)
        if old != nil && changes.isEmpty { return .unchanged }
        try gate(r, old: old)
        if r.kind == .classUnit { try checkRegrade(r, old: old) }
        pageCache?.forgetRecord(r.kind, id: r.id, keys: [old?.naturalKey, r.naturalKey])
        var values = [SQLValue.text(r.id)]
        values.reserveCapacity(r.kind.fieldCount + 1)
        for v in r.fields.values { values.append(JournalStore.sqlValue(v)) }
        if old == nil {
            try db.run(JournalStore.sql[r.kind]!.insert, values)
            if try mayHaveTombstones(r.kind) {
                try db.run("DELETE FROM tombstone WHERE entity = ? AND record_id = ?", [.text(r.kind.rawValue), .text(r.id)])
            }
        } else {
            try db.run(JournalStore.sql[r.kind]!.update, Array(values.dropFirst()) + [.text(r.id)])
        }
        try log(r.kind, r.id, op: old == nil ? "create" : "update", changes: changes, origin: origin)
        return old == nil ? .created : .updated(changes)
    }

    /// Deletes a record, leaving a tombstone and its last values in the change log.
    @discardableResult
    public func delete(_ kind: EntityKind, id: String, origin: Origin) throws -> Bool {
        guard let old = record(kind, id: id) else { return false }
        if kind == .classUnit || kind == .lesson { try gradeOneSets() }   // loaded before either changes (the gate's R1)
        let changes = old.fields.entries.compactMap { key, v -> FieldChange? in
            v.isNull ? nil : FieldChange(key, old: v, new: .null)
        }
        pageCache?.forgetRecord(kind, id: id, keys: [old.naturalKey])
        try db.run("DELETE FROM \(kind.table) WHERE id = ?", [.text(id)])
        let seq = try log(kind, id, op: "delete", changes: changes, origin: origin)
        tombstonedKinds?.insert(kind)
        try db.run("INSERT INTO tombstone (entity, record_id, seq) VALUES (?, ?, ?) ON CONFLICT (entity, record_id) DO UPDATE SET seq = excluded.seq",
                   [.text(kind.rawValue), .text(id), .int(seq)])
        return true
    }

    /// Whether a record of this id was deleted (and not created again since).
    public func isTombstoned(_ kind: EntityKind, id: String) throws -> Bool {
        guard try mayHaveTombstones(kind) else { return false }
        return try db.scalar("SELECT 1 FROM tombstone WHERE entity = ? AND record_id = ?", [.text(kind.rawValue), .text(id)]) != nil
    }

    private func mayHaveTombstones(_ kind: EntityKind) throws -> Bool {
        if tombstonedKinds == nil {
            var kinds = Set<EntityKind>()
            try db.forEach("SELECT DISTINCT entity FROM tombstone") { if let k = EntityKind(rawValue: $0[0].text ?? "") { kinds.insert(k) } }
            tombstonedKinds = kinds
        }
        return tombstonedKinds!.contains(kind)
    }

    /// Appends one change-log entry; its `seq`.
    @discardableResult
    func log(_ kind: EntityKind, _ id: String, op: String, changes: [FieldChange], origin: Origin) throws -> Int64 {
        try db.run("INSERT INTO change_log (entity, record_id, op, changes, source, run_id, account, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   [.text(kind.rawValue), .text(id), .text(op), .blob(ChangeCodec.encode(changes, kind: kind)), .text(origin.source),
                    origin.runID.map(SQLValue.text) ?? .null, origin.account.map(SQLValue.text) ?? .null,
                    .text(timestampNow)])
        return db.lastInsertRowID
    }
}
