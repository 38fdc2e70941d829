import Foundation
import JournalModel

/// The agreed state of one record with one counterpart: what both sides last held.
///
/// `fields` are in local terms (references hold local ids); `nil` means both sides
/// agreed the record is deleted. `epoch` is the full-pull epoch that last touched the
/// base (see ``SyncCursorState``).
public struct SyncBase: Sendable, Equatable {
    public var fields: FieldValues?
    public var version: String?
    public var epoch: Int
    public init(fields: FieldValues?, version: String?, epoch: Int) {
        self.fields = fields; self.version = version; self.epoch = epoch
    }
}

/// Where a counterpart's pull stands and how far its push has read the change log.
///
/// `cursor` is the counterpart's opaque position (nil: the next pull is a full pull).
/// A full pull runs under a new `epoch`; `fullPull` is set until the records the full
/// pull did not list have been swept as deleted. `pushMark` is the last change-log
/// `seq` turned into outbox operations.
public struct SyncCursorState: Sendable, Equatable {
    public var cursor: String?
    public var epoch: Int
    public var fullPull: Bool
    public var pushMark: Int
    public init(cursor: String? = nil, epoch: Int = 0, fullPull: Bool = false, pushMark: Int = 0) {
        self.cursor = cursor; self.epoch = epoch; self.fullPull = fullPull; self.pushMark = pushMark
    }
}

/// A local record's binding with a counterpart.
public struct IdentityBinding: Sendable, Equatable {
    public let externalID: String
    public let naturalKey: String?
}

/// A pulled item that could not be applied yet (a reference not known yet, or a delete
/// still referenced), kept until a later page or run lets it through.
public struct ParkedItem: Sendable, Equatable {
    public let entity: EntityKind
    public let externalID: String
    public let record: JSON
    public let reason: String
}

/// Store-side state of synchronisation: identity map, bases, cursors, pending and
/// parked records, and change-log reads for the push. The engine's SQL lives here.
extension JournalStore {
    static func encode(_ fields: FieldValues) -> String {
        fields.serialized
    }

    /// Stored field text back as values of `kind` (nil: none, or text this code did not write).
    static func decodeFields(_ kind: EntityKind, _ text: String?) -> FieldValues? {
        guard let text else { return nil }
        return try? FieldValues(kind, json: try? JSON.parse(text))
    }

    /// The current time as the change log stamps it (`2026-09-07T08:30:00.123Z`, UTC).
    public var timestampNow: String {
        let d = now()
        let ms = (d.timeIntervalSince1970 * 1000).rounded(.down)
        if let last = lastStamp, last.ms == ms { return last.text }
        let text = ChangeEntry.timestamp(d)
        lastStamp = (ms, text)
        return text
    }

    /// The same stamp for any instant (quarantine compares change-log times with it).
    public static func timestamp(_ date: Date) -> String { ChangeEntry.timestamp(date) }

    // MARK: Identity map

    public func localID(counterpart: String, _ kind: EntityKind, externalID: String) throws -> String? {
        if let hit = pageCache(counterpart)?.localByExternal[SyncPageCache.Key(kind: kind, id: externalID)] { return hit }
        return try db.scalar("SELECT local_id FROM identity WHERE counterpart = ? AND entity = ? AND external_id = ?",
                      [.text(counterpart), .text(kind.rawValue), .text(externalID)])?.text
    }

    public func externalID(counterpart: String, _ kind: EntityKind, localID: String) throws -> String? {
        if let hit = pageCache(counterpart)?.binding[SyncPageCache.Key(kind: kind, id: localID)] { return hit?.externalID }
        return try db.scalar("SELECT external_id FROM identity WHERE counterpart = ? AND entity = ? AND local_id = ?",
                      [.text(counterpart), .text(kind.rawValue), .text(localID)])?.text
    }

    /// A local record's binding with a counterpart: its external id and the natural key it had.
    public func identity(counterpart: String, _ kind: EntityKind, localID: String) throws -> IdentityBinding? {
        if let hit = pageCache(counterpart)?.binding[SyncPageCache.Key(kind: kind, id: localID)] { return hit }
        var out: IdentityBinding?
        try db.forEach("SELECT external_id, natural_key FROM identity WHERE counterpart = ? AND entity = ? AND local_id = ?",
                       [.text(counterpart), .text(kind.rawValue), .text(localID)]) {
            out = IdentityBinding(externalID: $0[0].text ?? "", naturalKey: $0[1].text)
        }
        return out
    }

    /// Binds a local id to a counterpart's external id (replacing any other binding of either).
    /// `current` is the local id's binding when the caller has just read it.
    public func bindIdentity(counterpart: String, _ kind: EntityKind, localID: String, externalID: String, naturalKey: String?,
                             current: IdentityBinding?? = .none) throws {
        let args: [SQLValue] = [.text(counterpart), .text(kind.rawValue), .text(localID), .text(externalID)]
        let bound = try current ?? identity(counterpart: counterpart, kind, localID: localID)
        let cache = pageCache(counterpart)
        if bound?.externalID == externalID {
            guard bound?.naturalKey != naturalKey else { return }
            try db.run("UPDATE identity SET natural_key = ? WHERE counterpart = ? AND entity = ? AND local_id = ?",
                       [naturalKey.map(SQLValue.text) ?? .null] + args.prefix(3))
            cache?.bound(kind, localID: localID, externalID: externalID, naturalKey: naturalKey)
            return
        }
        // Nothing to take away when neither id is bound (known from the page's reads): the
        // insert alone. Were the page cache wrong, the insert would fail on the table's keys.
        let externalFree = cache?.localByExternal[SyncPageCache.Key(kind: kind, id: externalID)].map { $0 == nil } ?? false
        if !(bound == nil && externalFree) {
            try db.run("DELETE FROM identity WHERE counterpart = ? AND entity = ? AND (local_id = ? OR external_id = ?)", args)
        }
        cache?.bound(kind, localID: localID, externalID: externalID, naturalKey: naturalKey)
        try db.run("INSERT INTO identity (counterpart, entity, local_id, external_id, natural_key) VALUES (?, ?, ?, ?, ?)",
                   args + [naturalKey.map(SQLValue.text) ?? .null])
    }

    /// The local ids bound to a counterpart whose records had this natural key when last synced.
    public func localIDs(counterpart: String, _ kind: EntityKind, naturalKey: String) throws -> [String] {
        // Sorted here, not by ORDER BY: with it SQLite walks the (counterpart, entity, local_id)
        // index over every record of the kind instead of the natural-key index (quadratic
        // in an initial sync: 3 h at 1 M records).
        try db.rows("SELECT local_id FROM identity INDEXED BY identity_key WHERE counterpart = ? AND entity = ? AND natural_key = ?",
                    [.text(counterpart), .text(kind.rawValue), .text(naturalKey)]).compactMap { $0[0].text }.sorted()
    }

    /// Moves a record's sync state with a counterpart (binding, base, open conflicts,
    /// pending mark) to another local record: the journal replaced the record (deleted
    /// it and entered one with the same key), and the new one carries on its identity.
    public func moveSyncState(counterpart: String, _ kind: EntityKind, from old: String, to new: String) throws {
        let args: [SQLValue] = [.text(new), .text(counterpart), .text(kind.rawValue), .text(old)]
        pageCache?.clear()
        try db.run("UPDATE identity SET local_id = ? WHERE counterpart = ? AND entity = ? AND local_id = ?", args)
        try db.run("DELETE FROM sync_base WHERE counterpart = ? AND entity = ? AND local_id = ?", Array(args.dropFirst(1).prefix(2)) + [.text(new)])
        // The new record was never compared with the base: it is not known to agree.
        try db.run("UPDATE sync_base SET local_id = ?, agreed_seq = NULL WHERE counterpart = ? AND entity = ? AND local_id = ?", args)
        noteOpenConflict(counterpart, kind, new)
        try db.run("UPDATE conflict SET local_id = ? WHERE counterpart = ? AND entity = ? AND local_id = ? AND resolved_at IS NULL", args)
        try db.run("DELETE FROM sync_pending WHERE counterpart = ? AND entity = ? AND local_id = ?", Array(args.dropFirst(1)))
        try markPending(counterpart: counterpart, kind, localID: new)
    }

    /// Every binding with a counterpart, ordered by kind and local id (for tests and reports).
    /// The identity bindings with a counterpart, of one kind or of all.
    public func identities(counterpart: String, _ kind: EntityKind? = nil) throws -> [(entity: EntityKind, localID: String, externalID: String)] {
        var out: [(EntityKind, String, String)] = []
        let sql = "SELECT entity, local_id, external_id FROM identity WHERE counterpart = ?" + (kind == nil ? "" : " AND entity = ?") + " ORDER BY entity, local_id"
        try db.forEach(sql, [.text(counterpart)] + (kind.map { [SQLValue.text($0.rawValue)] } ?? [])) {
            if let k = EntityKind(rawValue: $0[0].text ?? "") { out.append((k, $0[1].text ?? "", $0[2].text ?? "")) }
        }
        return out.map { (entity: $0.0, localID: $0.1, externalID: $0.2) }
    }

    // MARK: Bases

    public func syncBase(counterpart: String, _ kind: EntityKind, localID: String) throws -> SyncBase? {
        if let hit = pageCache(counterpart)?.base[SyncPageCache.Key(kind: kind, id: localID)] { return hit }
        var out: SyncBase?
        try db.forEach("SELECT fields, version, epoch FROM sync_base WHERE counterpart = ? AND entity = ? AND local_id = ?",
                       [.text(counterpart), .text(kind.rawValue), .text(localID)]) {
            out = SyncBase(fields: JournalStore.decodeFields(kind, $0[0].text), version: $0[1].text, epoch: $0[2].int ?? 0)
        }
        return out
    }

    /// Sets a record's base. `agreed`: the journal's record stands exactly as `base.fields`
    /// now, with nothing to push and no open conflict; the base then carries the change log's
    /// last `seq` (its agreed mark), and ``changedRecords(since:skipping:agreedWith:)`` passes
    /// over the record until a change after that mark. Otherwise the mark is cleared.
    public func setSyncBase(counterpart: String, _ kind: EntityKind, localID: String, _ base: SyncBase, agreed: Bool = false) throws {
        pageCache(counterpart)?.base[SyncPageCache.Key(kind: kind, id: localID)] = .some(base)
        try db.run("""
            INSERT INTO sync_base (counterpart, entity, local_id, fields, version, epoch, agreed_seq)
            VALUES (?, ?, ?, ?, ?, ?, \(agreed ? "(SELECT max(seq) FROM change_log)" : "NULL"))
            ON CONFLICT (counterpart, entity, local_id) DO UPDATE SET fields = excluded.fields, version = excluded.version, epoch = excluded.epoch,
                agreed_seq = excluded.agreed_seq
            """, [.text(counterpart), .text(kind.rawValue), .text(localID), base.fields.map { .text(JournalStore.encode($0)) } ?? .null,
                  base.version.map(SQLValue.text) ?? .null, .int(Int64(base.epoch))])
    }

    /// Clears a record's agreed mark, its base unchanged: the journal's record was written
    /// to something other than the base (``setSyncBase(counterpart:_:localID:_:agreed:)``).
    public func clearAgreedMark(counterpart: String, _ kind: EntityKind, localID: String) throws {
        try db.run("UPDATE sync_base SET agreed_seq = NULL WHERE counterpart = ? AND entity = ? AND local_id = ? AND agreed_seq IS NOT NULL",
                   [.text(counterpart), .text(kind.rawValue), .text(localID)])
    }

    /// Records agreed to exist whose base no pull or push of `epoch` touched (a full pull did not list them).
    public func basesNotSeen(counterpart: String, epoch: Int) throws -> [(entity: EntityKind, localID: String)] {
        var out: [(EntityKind, String)] = []
        try db.forEach("SELECT entity, local_id FROM sync_base WHERE counterpart = ? AND epoch < ? AND fields IS NOT NULL ORDER BY entity, local_id",
                       [.text(counterpart), .int(Int64(epoch))]) {
            if let k = EntityKind(rawValue: $0[0].text ?? "") { out.append((k, $0[1].text ?? "")) }
        }
        return out.map { (entity: $0.0, localID: $0.1) }
    }

    /// Per kind, the records agreed to exist whose base a pull or push of `epoch` touched
    /// (what a full pull listed so far).
    public func basesSeen(counterpart: String, epoch: Int) throws -> [EntityKind: Int] {
        var out: [EntityKind: Int] = [:]
        try db.forEach("SELECT entity, count(*) FROM sync_base WHERE counterpart = ? AND epoch >= ? AND fields IS NOT NULL GROUP BY entity",
                       [.text(counterpart), .int(Int64(epoch))]) {
            if let k = EntityKind(rawValue: $0[0].text ?? "") { out[k] = $0[1].int ?? 0 }
        }
        return out
    }

    /// Every base with a counterpart (for tests and reports).
    public func syncBases(counterpart: String) throws -> [(entity: EntityKind, localID: String, base: SyncBase)] {
        var out: [(EntityKind, String, SyncBase)] = []
        try db.forEach("SELECT entity, local_id, fields, version, epoch FROM sync_base WHERE counterpart = ? ORDER BY entity, local_id", [.text(counterpart)]) {
            if let k = EntityKind(rawValue: $0[0].text ?? "") {
                out.append((k, $0[1].text ?? "", SyncBase(fields: JournalStore.decodeFields(k, $0[2].text), version: $0[3].text, epoch: $0[4].int ?? 0)))
            }
        }
        return out.map { (entity: $0.0, localID: $0.1, base: $0.2) }
    }

    // MARK: Cursor and push mark

    public func syncCursor(counterpart: String) throws -> SyncCursorState {
        var out = SyncCursorState()
        try db.forEach("SELECT cursor, epoch, full_pull, push_mark FROM sync_cursor WHERE counterpart = ?", [.text(counterpart)]) {
            out = SyncCursorState(cursor: $0[0].text, epoch: $0[1].int ?? 0, fullPull: ($0[2].int ?? 0) != 0, pushMark: $0[3].int ?? 0)
        }
        return out
    }

    public func setSyncCursor(counterpart: String, _ s: SyncCursorState) throws {
        try db.run("""
            INSERT INTO sync_cursor (counterpart, cursor, epoch, full_pull, push_mark, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (counterpart) DO UPDATE SET cursor = excluded.cursor, epoch = excluded.epoch, full_pull = excluded.full_pull,
                push_mark = excluded.push_mark, updated_at = excluded.updated_at
            """, [.text(counterpart), s.cursor.map(SQLValue.text) ?? .null, .int(Int64(s.epoch)), .int(s.fullPull ? 1 : 0),
                  .int(Int64(s.pushMark)), .text(timestampNow)])
    }

    // MARK: Records waiting for a push decision

    public func markPending(counterpart: String, _ kind: EntityKind, localID: String) throws {
        try db.run("INSERT INTO sync_pending (counterpart, entity, local_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                   [.text(counterpart), .text(kind.rawValue), .text(localID)])
    }

    public func pendingRecords(counterpart: String) throws -> [(entity: EntityKind, localID: String)] {
        var out: [(EntityKind, String)] = []
        try db.forEach("SELECT entity, local_id FROM sync_pending WHERE counterpart = ?", [.text(counterpart)]) {
            if let k = EntityKind(rawValue: $0[0].text ?? "") { out.append((k, $0[1].text ?? "")) }
        }
        return out.map { (entity: $0.0, localID: $0.1) }
    }

    public func clearPending(counterpart: String, _ kind: EntityKind, localID: String) throws {
        try db.run("DELETE FROM sync_pending WHERE counterpart = ? AND entity = ? AND local_id = ?",
                   [.text(counterpart), .text(kind.rawValue), .text(localID)])
    }

    // MARK: Parked items

    /// Keeps a pulled item that cannot be applied yet; a later delivery of the same item replaces it.
    public func park(counterpart: String, _ kind: EntityKind, externalID: String, record: JSON, reason: String, runID: String?) throws {
        parkedKeys?.insert(JournalStore.hintKey(counterpart, kind.rawValue, externalID))
        try db.run("""
            INSERT INTO sync_parked (counterpart, entity, external_id, record, reason, run_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (counterpart, entity, external_id) DO UPDATE SET record = excluded.record, reason = excluded.reason,
                run_id = excluded.run_id, at = excluded.at
            """, [.text(counterpart), .text(kind.rawValue), .text(externalID), .text(record.serialized()), .text(reason),
                  runID.map(SQLValue.text) ?? .null, .text(timestampNow)])
    }

    /// Every parked item's counterpart and reason (for `status`), without the records.
    public func parkedReasons() throws -> [(counterpart: String, reason: String)] {
        var out: [(counterpart: String, reason: String)] = []
        try db.forEach("SELECT counterpart, reason FROM sync_parked ORDER BY counterpart") { out.append(($0[0].text ?? "", $0[1].text ?? "")) }
        return out
    }

    public func parkedItems(counterpart: String) throws -> [ParkedItem] {
        var out: [ParkedItem] = []
        try db.forEach("SELECT entity, external_id, record, reason FROM sync_parked WHERE counterpart = ? ORDER BY at, entity, external_id",
                       [.text(counterpart)]) {
            guard let k = EntityKind(rawValue: $0[0].text ?? ""), let rec = try? JSON.parse($0[2].text ?? "") else { return }
            out.append(ParkedItem(entity: k, externalID: $0[1].text ?? "", record: rec, reason: $0[3].text ?? ""))
        }
        return out
    }

    /// The reason an item is parked with; nil when it is not parked (no query in the common case, none parked).
    public func parkedReason(counterpart: String, _ kind: EntityKind, externalID: String) throws -> String? {
        if parkedKeys == nil { parkedKeys = try hintKeys("SELECT counterpart, entity, external_id FROM sync_parked") }
        guard parkedKeys?.contains(JournalStore.hintKey(counterpart, kind.rawValue, externalID)) == true else { return nil }
        return try db.scalar("SELECT reason FROM sync_parked WHERE counterpart = ? AND entity = ? AND external_id = ?",
                             [.text(counterpart), .text(kind.rawValue), .text(externalID)])?.text
    }

    public func unpark(counterpart: String, _ kind: EntityKind, externalID: String) throws {
        if parkedKeys == nil { parkedKeys = try hintKeys("SELECT counterpart, entity, external_id FROM sync_parked") }
        guard parkedKeys?.contains(JournalStore.hintKey(counterpart, kind.rawValue, externalID)) == true else { return }
        try db.run("DELETE FROM sync_parked WHERE counterpart = ? AND entity = ? AND external_id = ?",
                   [.text(counterpart), .text(kind.rawValue), .text(externalID)])
    }

    // MARK: Change-log reads and writes for the engine

    /// The records changed after `seq`, skipping entries whose origin source is in `skipping`
    /// and, with `agreedWith`, records whose base with that counterpart carries an agreed mark
    /// at or after their last such change (they stand as agreed: nothing to plan); and the
    /// change log's last `seq`.
    ///
    /// Each record once, in kind order and then id order. Grouped and filtered by the
    /// database: after a journal import this is every record of the journal (~1 M at 2,000
    /// pupils), of which an initial sync leaves nearly all agreed.
    public func changedRecords(since seq: Int, skipping: Set<String>, agreedWith counterpart: String? = nil) throws
        -> (records: [(entity: EntityKind, localID: String)], lastSeq: Int) {
        let skipped = skipping.sorted()
        var args: [SQLValue] = [.int(Int64(seq))] + skipped.map { .text($0) }
        // NOT INDEXED: the rows after the mark by `seq` (a night reads a few thousand), not the
        // whole log in (entity, record_id) order to save the grouping's sort.
        var sql = "SELECT entity, record_id, max(seq) AS last_seq FROM change_log NOT INDEXED WHERE seq > ?"
            + (skipped.isEmpty ? "" : " AND source NOT IN (" + skipped.map { _ in "?" }.joined(separator: ", ") + ")")
            + " GROUP BY entity, record_id"
        if let counterpart {
            sql = "SELECT g.entity, g.record_id FROM (" + sql + ") g WHERE NOT EXISTS (SELECT 1 FROM sync_base b WHERE b.counterpart = ? "
                + "AND b.entity = g.entity AND b.local_id = g.record_id AND b.agreed_seq >= g.last_seq)"
            args.append(.text(counterpart))
        }
        var byKind: [EntityKind: [String]] = [:]
        try db.forEach(sql, args) { row in
            guard let k = EntityKind(rawValue: row[0].text ?? "") else { return }
            byKind[k, default: []].append(row[1].text ?? "")
        }
        let last = try db.scalar("SELECT max(seq) FROM change_log")?.int ?? seq
        var out: [(entity: EntityKind, localID: String)] = []
        for kind in byKind.keys.sorted() {
            for id in (byKind.removeValue(forKey: kind) ?? []).sorted() { out.append((entity: kind, localID: id)) }
        }
        return (out, max(last, seq))
    }

    /// Appends a change-log entry that records a decision rather than a write of the
    /// record (a counterpart's value overruled, a conflict resolved in favour of the
    /// value already stored). Call inside ``transaction(_:)``.
    @discardableResult
    public func logDecision(_ kind: EntityKind, id: String, op: String, changes: [FieldChange], origin: Origin) throws -> Int {
        Int(try log(kind, id, op: op, changes: changes, origin: origin))
    }

    /// Change-log entries made by `account` at or after `at` (a ``timestamp(_:)`` string), oldest first.
    public func changes(byAccount account: String, since at: String) throws -> [ChangeEntry] {
        try logEntries("WHERE account = ? AND at >= ? ORDER BY seq", [.text(account), .text(at)])
    }

    /// Change-log entries of one record after `seq`, oldest first.
    public func changes(of kind: EntityKind, id: String, after seq: Int) throws -> [ChangeEntry] {
        try logEntries("WHERE entity = ? AND record_id = ? AND seq > ? ORDER BY seq", [.text(kind.rawValue), .text(id), .int(Int64(seq))])
    }

    private func logEntries(_ condition: String, _ args: [SQLValue]) throws -> [ChangeEntry] {
        try entries(JournalStore.entrySQL + " " + condition, args)
    }
}
