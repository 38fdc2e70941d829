import JournalModel

/// Reads of a counterpart's parked items that leave their records where they are: a run
/// looks at every parked item's reason (a year of lessons can wait for their dates), and
/// reads the record only of those it tries again.
extension JournalStore {
    /// The counterpart's parked items without their records, in the order they were parked
    /// (as ``parkedItems(counterpart:)``).
    public func parkedReasons(counterpart: String) throws -> [(entity: EntityKind, externalID: String, reason: String)] {
        var out: [(entity: EntityKind, externalID: String, reason: String)] = []
        try db.forEach("SELECT entity, external_id, reason FROM sync_parked WHERE counterpart = ? ORDER BY at, entity, external_id",
                       [.text(counterpart)]) {
            guard let k = EntityKind(rawValue: $0[0].text ?? "") else { return }
            out.append((k, $0[1].text ?? "", $0[2].text ?? ""))
        }
        return out
    }

    /// The record one parked item keeps; nil when it is not parked (or its record does not parse).
    public func parkedRecord(counterpart: String, _ kind: EntityKind, externalID: String) throws -> JSON? {
        guard let text = try db.scalar("SELECT record FROM sync_parked WHERE counterpart = ? AND entity = ? AND external_id = ?",
                                       [.text(counterpart), .text(kind.rawValue), .text(externalID)])?.text else { return nil }
        return try? JSON.parse(text)
    }
}
