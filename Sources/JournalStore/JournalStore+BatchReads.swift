import JournalModel

/// Reads of many records, bindings or bases of one kind at once, for the push plan: a
/// night plans thousands of records, and one query per record and table cost more than
/// the plan itself.
extension JournalStore {
    /// The journal records of one kind with these ids (those that exist), by id.
    public func records(_ kind: EntityKind, ids: [String]) throws -> [String: Record] {
        var out: [String: Record] = [:]
        for chunk in JournalStore.batches(ids) {
            try db.forEach("SELECT \(JournalStore.recordColumns(kind)) FROM \(kind.table) WHERE id IN (\(JournalStore.placeholders(chunk.count)))",
                           chunk.map(SQLValue.text)) { row in
                let r = decodeRecord(kind, row)
                out[r.id] = r
            }
        }
        return out
    }

    /// The counterpart's ids of the records of one kind with these local ids (those bound), by local id.
    public func externalIDs(counterpart: String, _ kind: EntityKind, localIDs: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for chunk in JournalStore.batches(localIDs) {
            try db.forEach("SELECT local_id, external_id FROM identity WHERE counterpart = ? AND entity = ? AND local_id IN (\(JournalStore.placeholders(chunk.count)))",
                           [.text(counterpart), .text(kind.rawValue)] + chunk.map(SQLValue.text)) { row in
                if let local = row[0].text, let ext = row[1].text { out[local] = ext }
            }
        }
        return out
    }

    /// The bases of the records of one kind with these local ids (those that have one), by local id.
    public func syncBases(counterpart: String, _ kind: EntityKind, localIDs: [String]) throws -> [String: SyncBase] {
        var out: [String: SyncBase] = [:]
        for chunk in JournalStore.batches(localIDs) {
            try db.forEach("SELECT local_id, fields, version, epoch FROM sync_base WHERE counterpart = ? AND entity = ? AND local_id IN (\(JournalStore.placeholders(chunk.count)))",
                           [.text(counterpart), .text(kind.rawValue)] + chunk.map(SQLValue.text)) { row in
                guard let local = row[0].text else { return }
                out[local] = SyncBase(fields: JournalStore.decodeFields(kind, row[1].text), version: row[2].text, epoch: row[3].int ?? 0)
            }
        }
        return out
    }

    /// Distinct ids in pieces of at most 256, each padded (with its last id again) to 1, 16
    /// or 256 entries, so that a few prepared statements serve every piece.
    static func batches(_ ids: [String]) -> [[String]] {
        let unique = Array(Set(ids)).sorted()
        var out: [[String]] = []
        var i = 0
        while i < unique.count {
            let n = min(256, unique.count - i)
            var piece = Array(unique[i..<(i + n)])
            let size = [1, 16, 256].first { $0 >= n } ?? n
            while piece.count < size { piece.append(piece[piece.count - 1]) }
            out.append(piece)
            i += n
        }
        return out
    }

    static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }
}
