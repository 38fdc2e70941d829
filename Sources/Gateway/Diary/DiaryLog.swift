import Foundation
import JournalModel
import JournalStore

/// One change-log entry as the feed reads it, with what it needs to know about the
/// record's later history.
struct DiaryLogEntry {
    let seq: Int
    let kind: EntityKind
    let recordID: String
    let op: String
    let changes: [FieldChange]
    let at: String
    /// The record's newest entry in the whole log.
    let latestSeq: Int
    /// The record's newest entry at or before the first delivery's snapshot.
    let latestAtSnapshot: Int?
}

/// Reading the change log in chunks, and a record's state as it was right after an entry.
enum DiaryLog {
    /// The kinds whose changes become events or change recipients.
    static let kinds: [EntityKind] = [.mark, .attendance, .homework, .finalMark, .lesson, .guardian, .guardianship, .student]

    /// Up to `limit` relevant entries after `after` and at most `upTo`, oldest first.
    ///
    /// The chunk boundary is fixed by the log alone, so planning the same range twice
    /// (after a crash) gives the same chunks and the same events.
    static func entries(_ store: JournalStore, after: Int, upTo: Int, snapshot: Int, limit: Int) throws -> [DiaryLogEntry] {
        try store.diaryChanges(after: after, upTo: upTo, snapshot: snapshot, limit: limit, kinds: kinds).map {
            DiaryLogEntry(seq: $0.seq, kind: $0.kind, recordID: $0.recordID, op: $0.op, changes: $0.changes, at: $0.at,
                          latestSeq: $0.latestSeq, latestAtSnapshot: $0.latestAtSnapshot)
        }
    }

    /// The seq of the last relevant entry in `(after, upTo]` when the chunk was full, so the
    /// next chunk starts after it; `upTo` when the range is exhausted.
    static func chunkEnd(_ entries: [DiaryLogEntry], limit: Int, upTo: Int) -> Int {
        entries.count < limit ? upTo : (entries.last?.seq ?? upTo)
    }

    /// The record right after `entry` (nil when the entry deleted it) and right before it
    /// (nil when the entry created it).
    ///
    /// Starts from the stored record and undoes the record's later entries, newest first;
    /// most records have none, and then this is one read.
    static func states(_ store: JournalStore, _ entry: DiaryLogEntry) throws -> (before: Record?, after: Record?) {
        var state: Record? = store.record(entry.kind, id: entry.recordID)?.normalized
        if entry.latestSeq > entry.seq {
            let later = try store.history(recordID: entry.recordID)
                .filter { $0.entity == entry.kind && $0.seq > entry.seq }.sorted { $0.seq > $1.seq }
            for e in later { state = undo(state, op: e.op, changes: e.changes, kind: entry.kind, id: entry.recordID) }
        }
        let after = entry.op == "delete" ? nil : state
        let before = undo(entry.op == "delete" ? nil : state, op: entry.op, changes: entry.changes, kind: entry.kind, id: entry.recordID)
        return (before, after)
    }

    /// The state before an entry, given the state after it.
    static func undo(_ after: Record?, op: String, changes: [FieldChange], kind: EntityKind, id: String) -> Record? {
        switch op {
        case "create":
            return nil
        case "delete":
            var r = Record(kind, id: id)
            for c in changes { if let f = c.key { r[f] = c.old } }
            return r.normalized
        default:
            guard var r = after else { return nil }
            for c in changes { if let f = c.key { r[f] = c.old } }
            return r
        }
    }
}
