import Foundation
import JournalModel
import JournalStore

/// The feed's cursors (table `diary_feed`, one row once the feed has run).
struct DiaryFeedState: Sendable {
    /// The change-log seq the first delivery (the year so far) was taken at.
    var snapshotSeq: Int
    /// Change-log entries up to here are planned into the outbox.
    var plannedSeq: Int
    /// Every event up to here was accepted, a duplicate, or rejected for good.
    var deliveredSeq: Int
    /// Batches answered so far (`--out` names its files by it).
    var batches: Int
    /// The first day of the academic year of the first delivery (`YYYY-MM-DD`).
    var yearStart: String?
    var startedAt: String
}

/// A rejected event as `feed diary --rejected` lists it.
public struct RejectedDiaryEvent: Sendable {
    public let eventID: String
    public let type: String
    public let studentID: String
    public let studentName: String
    public let guardians: [String]
    public let reason: String
    public let rejectedAt: String
    public let attempts: Int

    public var json: JSON {
        .object([("eventId", .string(eventID)), ("type", .string(type)), ("student", .string(studentID)),
                 ("studentName", .string(studentName)), ("guardians", .array(guardians.map(JSON.string))),
                 ("reason", .string(reason)), ("rejectedAt", .string(rejectedAt)), ("attempts", .int(attempts))])
    }
}

/// The outbox of planned events (table `diary_event`): pending until the portal answers;
/// accepted and duplicate ones are removed, rejected ones kept with their reason.
enum DiaryOutbox {
    static func state(_ store: JournalStore) throws -> DiaryFeedState? {
        try store.db.rows("SELECT snapshot_seq, planned_seq, delivered_seq, batches, year_start, started_at FROM diary_feed WHERE id = 1").first.map {
            DiaryFeedState(snapshotSeq: $0[0].int ?? 0, plannedSeq: $0[1].int ?? 0, deliveredSeq: $0[2].int ?? 0,
                           batches: $0[3].int ?? 0, yearStart: $0[4].text, startedAt: $0[5].text ?? "")
        }
    }

    /// The first run: the snapshot is the log as it is now.
    static func begin(_ store: JournalStore, yearStart: CivilDate?) throws -> DiaryFeedState {
        let s = DiaryFeedState(snapshotSeq: store.lastSeq, plannedSeq: 0, deliveredSeq: 0, batches: 0, yearStart: yearStart?.description,
                               startedAt: JournalStore.timestamp(Date()))
        try store.transaction {
            try store.db.run("""
                INSERT INTO diary_feed (id, snapshot_seq, planned_seq, delivered_seq, year_start, started_at, updated_at)
                VALUES (1, ?, 0, 0, ?, ?, ?) ON CONFLICT (id) DO NOTHING
                """, [.int(Int64(s.snapshotSeq)), s.yearStart.map(SQLValue.text) ?? .null, .text(s.startedAt), .text(s.startedAt)])
        }
        return try state(store) ?? s
    }

    /// Moves the planned cursor only (planning must not touch what delivery counts).
    static func setPlanned(_ store: JournalStore, _ seq: Int) throws {
        try store.db.run("UPDATE diary_feed SET planned_seq = ?, updated_at = ? WHERE id = 1",
                         [.int(Int64(seq)), .text(JournalStore.timestamp(Date()))])
    }

    static func save(_ store: JournalStore, _ s: DiaryFeedState) throws {
        try store.db.run("UPDATE diary_feed SET planned_seq = ?, delivered_seq = ?, batches = ?, updated_at = ? WHERE id = 1",
                         [.int(Int64(s.plannedSeq)), .int(Int64(s.deliveredSeq)), .int(Int64(s.batches)), .text(JournalStore.timestamp(Date()))])
    }

    /// Adds planned events (an id already there is left alone) and drops the rejected
    /// events of the same records that they replace. Returns how many were dropped.
    @discardableResult
    static func insert(_ store: JournalStore, _ events: [DiaryEvent]) throws -> Int {
        var dropped = 0
        let anyRejected = try store.db.scalar("SELECT 1 FROM diary_event WHERE status = 'rejected' LIMIT 1") != nil
        for e in events {
            if anyRejected {
                try store.db.run("DELETE FROM diary_event WHERE entity = ? AND record_id = ? AND student = ? AND status = 'rejected' AND seq < ?",
                                 [.text(e.entity), .text(e.recordID), .text(e.studentID), .int(Int64(e.seq))])
                dropped += store.db.changes
            }
            try store.db.run("""
                INSERT INTO diary_event (event_id, seq, type, entity, record_id, student, guardians, body, status, changed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (event_id) DO NOTHING
                """, [.text(e.eventID), .int(Int64(e.seq)), .text(e.type.rawValue), .text(e.entity), .text(e.recordID),
                      .text(e.studentID), .text(" " + e.recipients.map(\.guardianID).joined(separator: " ") + " "),
                      .text(e.json.serialized()), .text(e.changedAt)])
        }
        return dropped
    }

    /// The next pending events in cursor order: at most `limit`, and at most `maxBytes` of
    /// bodies (always at least one).
    static func pending(_ store: JournalStore, limit: Int, maxBytes: Int, after: (seq: Int, id: String)? = nil) throws -> [(id: String, seq: Int, body: String)] {
        var out: [(id: String, seq: Int, body: String)] = []
        var bytes = 0
        var sql = "SELECT event_id, seq, body FROM diary_event WHERE status = 'pending'"
        var args: [SQLValue] = []
        if let after { sql += " AND (seq > ? OR (seq = ? AND event_id > ?))"; args = [.int(Int64(after.seq)), .int(Int64(after.seq)), .text(after.id)] }
        sql += " ORDER BY seq, event_id LIMIT ?"
        args.append(.int(Int64(limit)))
        var full = false
        try store.db.forEach(sql, args) { row in
            guard !full else { return }
            let body = row[2].text ?? ""
            let n = body.utf8.count + 1
            if !out.isEmpty && bytes + n > maxBytes { full = true; return }
            bytes += n
            out.append((row[0].text ?? "", row[1].int ?? 0, body))
        }
        return out
    }

    /// Records the portal's answer to a batch, in one transaction with the moved cursor.
    static func acknowledge(_ store: JournalStore, done: [String], rejected: [(id: String, reason: String)],
                            unanswered: [String], state: inout DiaryFeedState) throws {
        let now = JournalStore.timestamp(Date())
        try store.transaction {
            for id in done { try store.db.run("DELETE FROM diary_event WHERE event_id = ?", [.text(id)]) }
            for r in rejected {
                try store.db.run("UPDATE diary_event SET status = 'rejected', reason = ?, rejected_at = ?, attempts = attempts + 1 WHERE event_id = ?",
                                 [.text(r.reason), .text(now), .text(r.id)])
            }
            for id in unanswered { try store.db.run("UPDATE diary_event SET attempts = attempts + 1 WHERE event_id = ?", [.text(id)]) }
            state.deliveredSeq = try deliveredSeq(store, planned: state.plannedSeq)
            state.batches += 1
            try save(store, state)
        }
    }

    /// Just before the oldest pending event, or the planned cursor when nothing is pending.
    static func deliveredSeq(_ store: JournalStore, planned: Int) throws -> Int {
        if let minPending = try store.db.scalar("SELECT min(seq) FROM diary_event WHERE status = 'pending'")?.int {
            return min(planned, minPending - 1)
        }
        return planned
    }

    /// Makes rejected events about these students, or to these guardians, pending again
    /// with refreshed recipients (`rerender` returns nil when nobody is left: dropped).
    static func retryRejected(_ store: JournalStore, students: Set<String>, guardians: Set<String>,
                              rerender: (String, String) -> String?) throws -> (retried: Int, dropped: Int) {
        guard !students.isEmpty || !guardians.isEmpty else { return (0, 0) }
        var rows: [(id: String, student: String, body: String, guardians: String)] = []
        try store.db.forEach("SELECT event_id, student, body, guardians FROM diary_event WHERE status = 'rejected' ORDER BY seq") { r in
            rows.append((r[0].text ?? "", r[1].text ?? "", r[2].text ?? "", r[3].text ?? ""))
        }
        var retried = 0, dropped = 0
        for r in rows {
            let concerned = students.contains(r.student) || guardians.contains { r.guardians.contains(" \($0) ") }
            guard concerned else { continue }
            if let body = rerender(r.body, r.student) {
                let ids = ((try? JSON.parse(body))?["recipients"]?.array ?? []).compactMap { $0["guardianId"]?.string }
                try store.db.run("UPDATE diary_event SET status = 'pending', reason = NULL, body = ?, guardians = ? WHERE event_id = ?",
                                 [.text(body), .text(" " + ids.joined(separator: " ") + " "), .text(r.id)])
                retried += 1
            } else {
                try store.db.run("DELETE FROM diary_event WHERE event_id = ?", [.text(r.id)])
                dropped += 1
            }
        }
        return (retried, dropped)
    }

    /// Events not delivered yet (pending or rejected) that name a merged guardian go to the
    /// guardian it was merged into, once: `merged` maps a duplicate's id to the survivor's.
    /// Returns how many events changed.
    static func readdress(_ store: JournalStore, merged: [String: String], dir: DiaryDirectory) throws -> Int {
        guard !merged.isEmpty else { return 0 }
        var rows: [(id: String, body: String)] = []
        try store.db.forEach("SELECT event_id, body, guardians FROM diary_event ORDER BY seq") { r in
            let ids = (r[2].text ?? "").split(separator: " ").map(String.init)
            if ids.contains(where: { merged[$0] != nil }) { rows.append((r[0].text ?? "", r[1].text ?? "")) }
        }
        for r in rows {
            guard case .object(var pairs)? = try? JSON.parse(r.body) else { continue }
            var ids: [String] = []
            for j in pairs.first(where: { $0.0 == "recipients" })?.1.array ?? [] {
                guard let id = j["guardianId"]?.string else { continue }
                let now = merged[id] ?? id
                if !ids.contains(now) { ids.append(now) }
            }
            let recipients = ids.compactMap(dir.recipient)
            for i in pairs.indices where pairs[i].0 == "recipients" { pairs[i].1 = .array(recipients.map(\.json)) }
            try store.db.run("UPDATE diary_event SET body = ?, guardians = ? WHERE event_id = ?",
                             [.text(JSON.object(pairs).serialized()), .text(" " + ids.joined(separator: " ") + " "), .text(r.id)])
        }
        return rows.count
    }

    static func rejected(_ store: JournalStore) throws -> [RejectedDiaryEvent] {
        var out: [RejectedDiaryEvent] = []
        try store.db.forEach("""
            SELECT event_id, type, student, guardians, reason, rejected_at, attempts, body FROM diary_event
            WHERE status = 'rejected' ORDER BY seq, event_id
            """) { r in
            let name = (try? JSON.parse(r[7].text ?? ""))?["student"]?["name"]?.string ?? ""
            out.append(RejectedDiaryEvent(eventID: r[0].text ?? "", type: r[1].text ?? "", studentID: r[2].text ?? "", studentName: name,
                                          guardians: (r[3].text ?? "").split(separator: " ").map(String.init), reason: r[4].text ?? "",
                                          rejectedAt: r[5].text ?? "", attempts: r[6].int ?? 0))
        }
        return out
    }

    static func count(_ store: JournalStore, status: String) throws -> Int {
        try store.db.scalar("SELECT count(*) FROM diary_event WHERE status = ?", [.text(status)])?.int ?? 0
    }
}
