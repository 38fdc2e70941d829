import Foundation
import JournalModel

/// One entry of the conflict queue: a field (or a whole record, field `@record`) on which
/// the journal and a counterpart disagree and the policy asks a person to decide.
///
/// For a field, `base`, `local` and `remote` are JSON scalars (`null` for an empty
/// field); for `@record` they are the record's fields as an object, or `null` when that
/// side has deleted it. Quarantine uses the same queue with counterpart `quarantine`.
public struct ConflictRecord: Sendable, Equatable {
    public let id: Int
    public let counterpart: String
    public let entity: EntityKind
    public let localID: String
    public let field: String
    public let base: JSON
    public let local: JSON
    public let remote: JSON
    public let remoteVersion: String?
    public let policy: String
    public let runID: String?
    public let createdAt: String
    public let resolvedAt: String?
    public let resolution: String?
}

/// One operation in the outbox, as planned (payload in local terms) and as sent (`wire`).
public struct OutboxEntry: Sendable, Equatable {
    public var key: String
    public var counterpart: String
    public var entity: EntityKind
    public var localID: String
    /// `upsert` or `delete`.
    public var op: String
    public var payload: JSON
    public var baseVersion: String?
    public var wire: JSON?
    public var batch: String?
    /// `pending`, `applied`, `conflict`, `rejected` or `failed` (never sent).
    public var status: String
    public var runID: String?
    public var result: JSON?

    public init(key: String, counterpart: String, entity: EntityKind, localID: String, op: String, payload: JSON,
                baseVersion: String?, wire: JSON? = nil, batch: String? = nil, status: String = "pending", runID: String?, result: JSON? = nil) {
        self.key = key; self.counterpart = counterpart; self.entity = entity; self.localID = localID; self.op = op
        self.payload = payload; self.baseVersion = baseVersion; self.wire = wire; self.batch = batch
        self.status = status; self.runID = runID; self.result = result
    }
}

/// The conflict queue, the outbox and the run journal (sync_run, run_checkpoint).
extension JournalStore {
    // MARK: Conflict queue

    private static let conflictColumns = "id, counterpart, entity, local_id, field, base, local, remote, remote_version, policy, run_id, created_at, resolved_at, resolution"

    private static func conflict(_ r: [SQLValue]) -> ConflictRecord? {
        guard let kind = EntityKind(rawValue: r[2].text ?? "") else { return nil }
        func json(_ v: SQLValue) -> JSON { v.text.flatMap { try? JSON.parse($0) } ?? .null }
        return ConflictRecord(id: r[0].int ?? 0, counterpart: r[1].text ?? "", entity: kind, localID: r[3].text ?? "",
                              field: r[4].text ?? "", base: json(r[5]), local: json(r[6]), remote: json(r[7]),
                              remoteVersion: r[8].text, policy: r[9].text ?? "", runID: r[10].text, createdAt: r[11].text ?? "",
                              resolvedAt: r[12].text, resolution: r[13].text)
    }

    @discardableResult
    public func insertConflict(counterpart: String, _ kind: EntityKind, localID: String, field: String, base: JSON, local: JSON,
                               remote: JSON, remoteVersion: String?, policy: String, runID: String?) throws -> Int {
        noteOpenConflict(counterpart, kind, localID)
        try db.run("""
            INSERT INTO conflict (counterpart, entity, local_id, field, base, local, remote, remote_version, policy, run_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(counterpart), .text(kind.rawValue), .text(localID), .text(field), .text(base.serialized()),
                  .text(local.serialized()), .text(remote.serialized()), remoteVersion.map(SQLValue.text) ?? .null,
                  .text(policy), runID.map(SQLValue.text) ?? .null, .text(timestampNow)])
        return Int(db.lastInsertRowID)
    }

    /// Open conflicts of one record with one counterpart.
    public func openConflicts(counterpart: String, _ kind: EntityKind, localID: String) throws -> [ConflictRecord] {
        if openConflictKeys == nil {
            openConflictKeys = try hintKeys("SELECT counterpart, entity, local_id FROM conflict WHERE resolved_at IS NULL")
        }
        guard openConflictKeys?.contains(JournalStore.hintKey(counterpart, kind.rawValue, localID)) == true else { return [] }
        return try db.rows("SELECT \(JournalStore.conflictColumns) FROM conflict WHERE counterpart = ? AND entity = ? AND local_id = ? AND resolved_at IS NULL ORDER BY id",
                    [.text(counterpart), .text(kind.rawValue), .text(localID)]).compactMap(JournalStore.conflict)
    }

    /// The queue, oldest first; resolved entries too when asked.
    public func conflicts(includeResolved: Bool = false) throws -> [ConflictRecord] {
        try db.rows("SELECT \(JournalStore.conflictColumns) FROM conflict\(includeResolved ? "" : " WHERE resolved_at IS NULL") ORDER BY id")
            .compactMap(JournalStore.conflict)
    }

    public func conflict(id: Int) throws -> ConflictRecord? {
        try db.rows("SELECT \(JournalStore.conflictColumns) FROM conflict WHERE id = ?", [.int(Int64(id))]).first.flatMap(JournalStore.conflict)
    }

    static func hintKey(_ counterpart: String, _ entity: String, _ id: String) -> String {
        counterpart + "\u{1F}" + entity + "\u{1F}" + id
    }

    /// The ``hintKey(_:_:_:)`` of every row a (counterpart, entity, id) query returns.
    func hintKeys(_ sql: String) throws -> Set<String> {
        var keys = Set<String>()
        try db.forEach(sql) { keys.insert(JournalStore.hintKey($0[0].text ?? "", $0[1].text ?? "", $0[2].text ?? "")) }
        return keys
    }

    /// Keeps ``openConflicts(counterpart:_:localID:)`` asking the table for this record.
    func noteOpenConflict(_ counterpart: String, _ kind: EntityKind, _ localID: String) {
        openConflictKeys?.insert(JournalStore.hintKey(counterpart, kind.rawValue, localID))
    }

    /// Records the counterpart's newer value for an open conflict.
    public func updateConflictRemote(id: Int, remote: JSON, remoteVersion: String?) throws {
        try db.run("UPDATE conflict SET remote = ?, remote_version = ? WHERE id = ?",
                   [.text(remote.serialized()), remoteVersion.map(SQLValue.text) ?? .null, .int(Int64(id))])
    }

    /// Closes a conflict (`local`, `remote`, `value: …`, `agreed`, `superseded`).
    public func closeConflict(id: Int, resolution: String) throws {
        try db.run("UPDATE conflict SET resolved_at = ?, resolution = ? WHERE id = ? AND resolved_at IS NULL",
                   [.text(timestampNow), .text(resolution), .int(Int64(id))])
    }

    // MARK: Outbox

    private static let outboxColumns = "key, counterpart, entity, local_id, op, payload, base_version, wire, batch, status, run_id, result"

    private static func outbox(_ r: [SQLValue]) -> OutboxEntry? {
        guard let kind = EntityKind(rawValue: r[2].text ?? ""), let payload = try? JSON.parse(r[5].text ?? "") else { return nil }
        return OutboxEntry(key: r[0].text ?? "", counterpart: r[1].text ?? "", entity: kind, localID: r[3].text ?? "", op: r[4].text ?? "",
                           payload: payload, baseVersion: r[6].text, wire: r[7].text.flatMap { try? JSON.parse($0) }, batch: r[8].text,
                           status: r[9].text ?? "", runID: r[10].text, result: r[11].text.flatMap { try? JSON.parse($0) })
    }

    public func outboxEntry(key: String) throws -> OutboxEntry? {
        try db.rows("SELECT \(JournalStore.outboxColumns) FROM outbox WHERE key = ?", [.text(key)]).first.flatMap(JournalStore.outbox)
    }

    /// Adds a planned operation. A key already present keeps its row, except one that was
    /// never sent (`failed`), which becomes pending again.
    public func enqueueOutbox(_ e: OutboxEntry) throws {
        try db.run("""
            INSERT INTO outbox (key, counterpart, entity, local_id, op, payload, base_version, status, run_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
            ON CONFLICT (key) DO UPDATE SET status = 'pending', wire = NULL, batch = NULL, run_id = excluded.run_id WHERE outbox.status = 'failed'
            """, [.text(e.key), .text(e.counterpart), .text(e.entity.rawValue), .text(e.localID), .text(e.op), .text(e.payload.serialized()),
                  e.baseVersion.map(SQLValue.text) ?? .null, e.runID.map(SQLValue.text) ?? .null, .text(timestampNow)])
    }

    /// Pending operations of a counterpart, in the order they were planned.
    public func pendingOutbox(counterpart: String) throws -> [OutboxEntry] {
        try db.rows("SELECT \(JournalStore.outboxColumns) FROM outbox WHERE counterpart = ? AND status = 'pending' ORDER BY rowid",
                    [.text(counterpart)]).compactMap(JournalStore.outbox)
    }

    /// Every operation of a counterpart (for tests and reports).
    public func outbox(counterpart: String) throws -> [OutboxEntry] {
        try db.rows("SELECT \(JournalStore.outboxColumns) FROM outbox WHERE counterpart = ? ORDER BY rowid", [.text(counterpart)])
            .compactMap(JournalStore.outbox)
    }

    /// Fixes the operation as it will be sent, in which batch: from here on it is resent exactly so.
    public func assignBatch(key: String, batch: String, wire: JSON) throws {
        try db.run("UPDATE outbox SET batch = ?, wire = ?, sent_at = ? WHERE key = ?",
                   [.text(batch), .text(wire.serialized()), .text(timestampNow), .text(key)])
    }

    /// Records the counterpart's answer (or a failure to send) for an operation.
    public func settleOutbox(key: String, status: String, result: JSON, runID: String?) throws {
        try db.run("UPDATE outbox SET status = ?, result = ?, run_id = ifnull(?, run_id) WHERE key = ?",
                   [.text(status), .text(result.serialized()), runID.map(SQLValue.text) ?? .null, .text(key)])
    }

    // MARK: Run journal

    public func beginSyncRun(id: String, counterpart: String, command: String, cursorStart: String?) throws {
        try db.run("INSERT INTO sync_run (id, counterpart, command, started_at, status, cursor_start) VALUES (?, ?, ?, ?, 'running', ?)",
                   [.text(id), .text(counterpart), .text(command), .text(timestampNow), cursorStart.map(SQLValue.text) ?? .null])
    }

    /// Marks runs of a counterpart still recorded as running (their process died) as interrupted.
    @discardableResult
    public func interruptRunningRuns(counterpart: String) throws -> [String] {
        let ids = try db.rows("SELECT id FROM sync_run WHERE counterpart = ? AND status = 'running' ORDER BY started_at", [.text(counterpart)])
            .compactMap { $0[0].text }
        try db.run("UPDATE sync_run SET status = 'interrupted' WHERE counterpart = ? AND status = 'running'", [.text(counterpart)])
        return ids
    }

    /// Appends a checkpoint to a run (call in the same transaction as the work it records).
    public func addCheckpoint(runID: String, kind: String, detail: JSON) throws {
        try db.run("""
            INSERT INTO run_checkpoint (run_id, seq, kind, detail, at)
            VALUES (?, (SELECT ifnull(max(seq), 0) + 1 FROM run_checkpoint WHERE run_id = ?), ?, ?, ?)
            """, [.text(runID), .text(runID), .text(kind), .text(detail.serialized()), .text(timestampNow)])
    }

    public func checkpoints(runID: String) throws -> [(kind: String, detail: JSON)] {
        try db.rows("SELECT kind, detail FROM run_checkpoint WHERE run_id = ? ORDER BY seq", [.text(runID)]).map {
            (kind: $0[0].text ?? "", detail: (try? JSON.parse($0[1].text ?? "")) ?? .null)
        }
    }

    public func finishSyncRun(id: String, status: String, cursorEnd: String?, summary: JSON) throws {
        try db.run("UPDATE sync_run SET finished_at = ?, status = ?, cursor_end = ?, summary = ? WHERE id = ?",
                   [.text(timestampNow), .text(status), cursorEnd.map(SQLValue.text) ?? .null, .text(summary.serialized()), .text(id)])
    }

    /// A run's status (`running`, `ok`, `failed`, `unavailable`, `interrupted`), or nil.
    public func syncRunStatus(id: String) throws -> String? {
        try db.scalar("SELECT status FROM sync_run WHERE id = ?", [.text(id)])?.text
    }
}
