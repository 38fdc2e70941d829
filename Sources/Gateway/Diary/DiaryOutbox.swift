import Foundation
import JournalModel
import JournalStore

/// The feed's cursors (table `diary_feed`, one row once the feed has run).
typealias DiaryFeedState = DiaryFeedCursors

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
        try store.diaryFeedCursors()
    }

    /// The first run: the snapshot is the log as it is now.
    static func begin(_ store: JournalStore, yearStart: CivilDate?) throws -> DiaryFeedState {
        let s = DiaryFeedState(snapshotSeq: store.lastSeq, plannedSeq: 0, deliveredSeq: 0, batches: 0, yearStart: yearStart?.description,
                               startedAt: JournalStore.timestamp(Date()))
        try store.transaction { try store.beginDiaryFeed(s) }
        return try state(store) ?? s
    }

    /// Moves the planned cursor only (planning must not touch what delivery counts).
    static func setPlanned(_ store: JournalStore, _ seq: Int) throws {
        try store.setDiaryPlannedSeq(seq, updatedAt: JournalStore.timestamp(Date()))
    }

    static func save(_ store: JournalStore, _ s: DiaryFeedState) throws {
        try store.saveDiaryFeedCursors(s, updatedAt: JournalStore.timestamp(Date()))
    }

    /// Adds planned events (an id already there is left alone) and drops the rejected
    /// events of the same records that they replace. Returns how many were dropped.
    @discardableResult
    static func insert(_ store: JournalStore, _ events: [DiaryEvent]) throws -> Int {
        var dropped = 0
        let anyRejected = try store.hasRejectedDiaryEvents()
        for e in events {
            if anyRejected {
                dropped += try store.dropRejectedDiaryEvents(entity: e.entity, recordID: e.recordID, studentID: e.studentID, before: e.seq)
            }
            try store.insertDiaryEvent(StoredDiaryEvent(
                eventID: e.eventID, seq: e.seq, type: e.type.rawValue, entity: e.entity, recordID: e.recordID, studentID: e.studentID,
                guardians: " " + e.recipients.map(\.guardianID).joined(separator: " ") + " ", body: e.json.serialized(), changedAt: e.changedAt))
        }
        return dropped
    }

    /// The next pending events in cursor order: at most `limit`, and at most `maxBytes` of
    /// bodies (always at least one).
    static func pending(_ store: JournalStore, limit: Int, maxBytes: Int, after: (seq: Int, id: String)? = nil) throws -> [(id: String, seq: Int, body: String)] {
        try store.pendingDiaryEvents(limit: limit, maxBytes: maxBytes, after: after)
    }

    /// Records the portal's answer to a batch, in one transaction with the moved cursor.
    static func acknowledge(_ store: JournalStore, done: [String], rejected: [(id: String, reason: String)],
                            unanswered: [String], state: inout DiaryFeedState) throws {
        let now = JournalStore.timestamp(Date())
        try store.transaction {
            for id in done { try store.deleteDiaryEvent(id) }
            for r in rejected { try store.rejectDiaryEvent(r.id, reason: r.reason, at: now) }
            for id in unanswered { try store.countDiaryAttempt(id) }
            state.deliveredSeq = try deliveredSeq(store, planned: state.plannedSeq)
            state.batches += 1
            try save(store, state)
        }
    }

    /// Just before the oldest pending event, or the planned cursor when nothing is pending.
    static func deliveredSeq(_ store: JournalStore, planned: Int) throws -> Int {
        if let minPending = try store.oldestPendingDiarySeq() {
            return min(planned, minPending - 1)
        }
        return planned
    }

    /// Makes rejected events about these students, or to these guardians, pending again
    /// with refreshed recipients (`rerender` returns nil when nobody is left: dropped).
    static func retryRejected(_ store: JournalStore, students: Set<String>, guardians: Set<String>,
                              rerender: (String, String) -> String?) throws -> (retried: Int, dropped: Int) {
        guard !students.isEmpty || !guardians.isEmpty else { return (0, 0) }
        let rows = try store.rejectedDiaryEventBodies()
        var retried = 0, dropped = 0
        for r in rows {
            let concerned = students.contains(r.student) || guardians.contains { r.guardians.contains(" \($0) ") }
            guard concerned else { continue }
            if let body = rerender(r.body, r.student) {
                let ids = ((try? JSON.parse(body))?["recipients"]?.array ?? []).compactMap { $0["guardianId"]?.string }
                try store.retryDiaryEvent(r.id, body: body, guardians: " " + ids.joined(separator: " ") + " ")
                retried += 1
            } else {
                try store.deleteDiaryEvent(r.id)
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
        try store.forEachDiaryEvent { id, body, guardians in
            let ids = guardians.split(separator: " ").map(String.init)
            if ids.contains(where: { merged[$0] != nil }) { rows.append((id, body)) }
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
            try store.updateDiaryEvent(r.id, body: JSON.object(pairs).serialized(), guardians: " " + ids.joined(separator: " ") + " ")
        }
        return rows.count
    }

    static func rejected(_ store: JournalStore) throws -> [RejectedDiaryEvent] {
        try store.rejectedDiaryEvents().map { r in
            let name = (try? JSON.parse(r.body))?["student"]?["name"]?.string ?? ""
            return RejectedDiaryEvent(eventID: r.eventID, type: r.type, studentID: r.studentID, studentName: name,
                                      guardians: r.guardians.split(separator: " ").map(String.init), reason: r.reason,
                                      rejectedAt: r.rejectedAt, attempts: r.attempts)
        }
    }

    static func count(_ store: JournalStore, status: String) throws -> Int {
        try store.diaryEventCount(status: status)
    }
}
