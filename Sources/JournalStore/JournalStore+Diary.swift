import JournalModel

/// The parents' diary feed's tables: `diary_feed` (cursors), `diary_event` (the outbox)
/// and `diary_forecast` (the forecasts last sent), and the journal reads the feed needs.
extension JournalStore {
    // MARK: cursors

    public func diaryFeedCursors() throws -> DiaryFeedCursors? {
        try db.rows("SELECT snapshot_seq, planned_seq, delivered_seq, batches, year_start, started_at FROM diary_feed WHERE id = 1").first.map {
            DiaryFeedCursors(snapshotSeq: $0[0].int ?? 0, plannedSeq: $0[1].int ?? 0, deliveredSeq: $0[2].int ?? 0,
                             batches: $0[3].int ?? 0, yearStart: $0[4].text, startedAt: $0[5].text ?? "")
        }
    }

    /// Stores the first run's cursors unless a row is there already.
    public func beginDiaryFeed(_ s: DiaryFeedCursors) throws {
        try db.run("""
            INSERT INTO diary_feed (id, snapshot_seq, planned_seq, delivered_seq, year_start, started_at, updated_at)
            VALUES (1, ?, 0, 0, ?, ?, ?) ON CONFLICT (id) DO NOTHING
            """, [.int(Int64(s.snapshotSeq)), s.yearStart.map(SQLValue.text) ?? .null, .text(s.startedAt), .text(s.startedAt)])
    }

    /// Moves the planned cursor only.
    public func setDiaryPlannedSeq(_ seq: Int, updatedAt: String) throws {
        try db.run("UPDATE diary_feed SET planned_seq = ?, updated_at = ? WHERE id = 1", [.int(Int64(seq)), .text(updatedAt)])
    }

    public func saveDiaryFeedCursors(_ s: DiaryFeedCursors, updatedAt: String) throws {
        try db.run("UPDATE diary_feed SET planned_seq = ?, delivered_seq = ?, batches = ?, updated_at = ? WHERE id = 1",
                   [.int(Int64(s.plannedSeq)), .int(Int64(s.deliveredSeq)), .int(Int64(s.batches)), .text(updatedAt)])
    }

    // MARK: the outbox

    public func hasRejectedDiaryEvents() throws -> Bool {
        try db.scalar("SELECT 1 FROM diary_event WHERE status = 'rejected' LIMIT 1") != nil
    }

    /// Deletes the rejected events of a record for a student older than `seq`; returns how many.
    public func dropRejectedDiaryEvents(entity: String, recordID: String, studentID: String, before seq: Int) throws -> Int {
        try db.run("DELETE FROM diary_event WHERE entity = ? AND record_id = ? AND student = ? AND status = 'rejected' AND seq < ?",
                   [.text(entity), .text(recordID), .text(studentID), .int(Int64(seq))])
        return db.changes
    }

    /// Adds a pending event (an id already there is left alone).
    public func insertDiaryEvent(_ e: StoredDiaryEvent) throws {
        try db.run("""
            INSERT INTO diary_event (event_id, seq, type, entity, record_id, student, guardians, body, status, changed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (event_id) DO NOTHING
            """, [.text(e.eventID), .int(Int64(e.seq)), .text(e.type), .text(e.entity), .text(e.recordID),
                  .text(e.studentID), .text(e.guardians), .text(e.body), .text(e.changedAt)])
    }

    /// The next pending events in cursor order: at most `limit`, and at most `maxBytes` of
    /// bodies (always at least one).
    public func pendingDiaryEvents(limit: Int, maxBytes: Int, after: (seq: Int, id: String)?) throws -> [(id: String, seq: Int, body: String)] {
        var out: [(id: String, seq: Int, body: String)] = []
        var bytes = 0
        var sql = "SELECT event_id, seq, body FROM diary_event WHERE status = 'pending'"
        var args: [SQLValue] = []
        if let after { sql += " AND (seq > ? OR (seq = ? AND event_id > ?))"; args = [.int(Int64(after.seq)), .int(Int64(after.seq)), .text(after.id)] }
        sql += " ORDER BY seq, event_id LIMIT ?"
        args.append(.int(Int64(limit)))
        var full = false
        try db.forEach(sql, args) { row in
            guard !full else { return }
            let body = row[2].text ?? ""
            let n = body.utf8.count + 1
            if !out.isEmpty && bytes + n > maxBytes { full = true; return }
            bytes += n
            out.append((row[0].text ?? "", row[1].int ?? 0, body))
        }
        return out
    }

    public func deleteDiaryEvent(_ eventID: String) throws {
        try db.run("DELETE FROM diary_event WHERE event_id = ?", [.text(eventID)])
    }

    public func rejectDiaryEvent(_ eventID: String, reason: String, at: String) throws {
        try db.run("UPDATE diary_event SET status = 'rejected', reason = ?, rejected_at = ?, attempts = attempts + 1 WHERE event_id = ?",
                   [.text(reason), .text(at), .text(eventID)])
    }

    public func countDiaryAttempt(_ eventID: String) throws {
        try db.run("UPDATE diary_event SET attempts = attempts + 1 WHERE event_id = ?", [.text(eventID)])
    }

    /// The seq of the oldest pending event.
    public func oldestPendingDiarySeq() throws -> Int? {
        try db.scalar("SELECT min(seq) FROM diary_event WHERE status = 'pending'")?.int
    }

    /// The change time of the oldest pending event.
    public func oldestPendingDiaryChange() throws -> String? {
        try db.scalar("SELECT min(changed_at) FROM diary_event WHERE status = 'pending'")?.text
    }

    /// Rejected events, oldest first: id, student, body, guardians.
    public func rejectedDiaryEventBodies() throws -> [(id: String, student: String, body: String, guardians: String)] {
        var rows: [(id: String, student: String, body: String, guardians: String)] = []
        try db.forEach("SELECT event_id, student, body, guardians FROM diary_event WHERE status = 'rejected' ORDER BY seq") { r in
            rows.append((r[0].text ?? "", r[1].text ?? "", r[2].text ?? "", r[3].text ?? ""))
        }
        return rows
    }

    /// Makes a rejected event pending again with a new body and recipients.
    public func retryDiaryEvent(_ eventID: String, body: String, guardians: String) throws {
        try db.run("UPDATE diary_event SET status = 'pending', reason = NULL, body = ?, guardians = ? WHERE event_id = ?",
                   [.text(body), .text(guardians), .text(eventID)])
    }

    /// Every event in the outbox (pending or rejected), oldest first: id, body, guardians.
    public func forEachDiaryEvent(_ body: (_ id: String, _ body: String, _ guardians: String) throws -> Void) throws {
        try db.forEach("SELECT event_id, body, guardians FROM diary_event ORDER BY seq") { r in
            try body(r[0].text ?? "", r[1].text ?? "", r[2].text ?? "")
        }
    }

    public func updateDiaryEvent(_ eventID: String, body: String, guardians: String) throws {
        try db.run("UPDATE diary_event SET body = ?, guardians = ? WHERE event_id = ?", [.text(body), .text(guardians), .text(eventID)])
    }

    public func rejectedDiaryEvents() throws -> [RejectedDiaryEventRow] {
        var out: [RejectedDiaryEventRow] = []
        try db.forEach("""
            SELECT event_id, type, student, guardians, reason, rejected_at, attempts, body FROM diary_event
            WHERE status = 'rejected' ORDER BY seq, event_id
            """) { r in
            out.append(RejectedDiaryEventRow(eventID: r[0].text ?? "", type: r[1].text ?? "", studentID: r[2].text ?? "",
                                             guardians: r[3].text ?? "", reason: r[4].text ?? "", rejectedAt: r[5].text ?? "",
                                             attempts: r[6].int ?? 0, body: r[7].text ?? ""))
        }
        return out
    }

    public func diaryEventCount(status: String) throws -> Int {
        try db.scalar("SELECT count(*) FROM diary_event WHERE status = ?", [.text(status)])?.int ?? 0
    }

    // MARK: forecasts

    /// The forecast last sent: nil when none was, `.some(nil)` when «no forecast» was.
    public func diaryForecast(student: String, subject: String, period: String) throws -> String?? {
        try db.rows("SELECT value FROM diary_forecast WHERE student = ? AND subject = ? AND period = ?",
                    [.text(student), .text(subject), .text(period)]).first.map { $0[0].text }
    }

    public func setDiaryForecast(student: String, subject: String, period: String, value: String?, seq: Int) throws {
        try db.run("""
            INSERT INTO diary_forecast (student, subject, period, value, seq) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (student, subject, period) DO UPDATE SET value = excluded.value, seq = excluded.seq
            """, [.text(student), .text(subject), .text(period), value.map(SQLValue.text) ?? .null, .int(Int64(seq))])
    }
}
