import JournalModel

/// What `journal import` asks of the store to bind a file's record to the store's record
/// of the same natural key: whether an id or a kind is there at all, and the aliases it
/// kept (identity rows of the `journal` counterpart: external id = the file's id).
extension JournalStore {
    /// Whether a record of this kind and id is stored.
    public func hasRecord(_ kind: EntityKind, id: String) throws -> Bool {
        try db.scalar("SELECT 1 FROM \(kind.table) WHERE id = ?", [.text(id)]) != nil
    }

    /// Whether the store holds no record of this kind.
    public func isEmpty(_ kind: EntityKind) throws -> Bool {
        try db.scalar("SELECT 1 FROM \(kind.table) LIMIT 1") == nil
    }

    /// Every alias kept for a counterpart: per kind, external id → local id.
    public func aliases(counterpart: String) throws -> [EntityKind: [String: String]] {
        var out: [EntityKind: [String: String]] = [:]
        try db.forEach("SELECT entity, external_id, local_id FROM identity WHERE counterpart = ?", [.text(counterpart)]) {
            guard let k = EntityKind(rawValue: $0[0].text ?? ""), let ext = $0[1].text, let local = $0[2].text else { return }
            out[k, default: [:]][ext] = local
        }
        return out
    }
}
