import JournalModel

/// The parents' diary feed's cursors (one row once the feed has run).
public struct DiaryFeedCursors: Sendable {
    /// The change-log seq the first delivery (the year so far) was taken at.
    public var snapshotSeq: Int
    /// Change-log entries up to here are planned into the outbox.
    public var plannedSeq: Int
    /// Every event up to here was accepted, a duplicate, or rejected for good.
    public var deliveredSeq: Int
    /// Batches answered so far (`--out` names its files by it).
    public var batches: Int
    /// The first day of the academic year of the first delivery (`YYYY-MM-DD`).
    public var yearStart: String?
    public var startedAt: String

    public init(snapshotSeq: Int, plannedSeq: Int, deliveredSeq: Int, batches: Int, yearStart: String?, startedAt: String) {
        self.snapshotSeq = snapshotSeq; self.plannedSeq = plannedSeq; self.deliveredSeq = deliveredSeq
        self.batches = batches; self.yearStart = yearStart; self.startedAt = startedAt
    }
}

/// A planned diary event as the outbox stores it.
public struct StoredDiaryEvent: Sendable {
    public let eventID: String
    public let seq: Int
    public let type: String
    public let entity: String
    public let recordID: String
    public let studentID: String
    /// The recipients' guardian ids, ` a b c ` (spaces around each, so a search for ` a ` is exact).
    public let guardians: String
    /// The event as sent (JSON text).
    public let body: String
    public let changedAt: String

    public init(eventID: String, seq: Int, type: String, entity: String, recordID: String, studentID: String,
                guardians: String, body: String, changedAt: String) {
        self.eventID = eventID; self.seq = seq; self.type = type; self.entity = entity; self.recordID = recordID
        self.studentID = studentID; self.guardians = guardians; self.body = body; self.changedAt = changedAt
    }
}

/// A rejected event with what `feed diary --rejected` lists.
public struct RejectedDiaryEventRow: Sendable {
    public let eventID: String
    public let type: String
    public let studentID: String
    public let guardians: String
    public let reason: String
    public let rejectedAt: String
    public let attempts: Int
    public let body: String
}

/// A change-log entry as the diary feed reads it, with the record's later history.
public struct DiaryChange: Sendable {
    public let seq: Int
    public let kind: EntityKind
    public let recordID: String
    public let op: String
    public let changes: [FieldChange]
    public let at: String
    /// The record's newest entry in the whole log.
    public let latestSeq: Int
    /// The record's newest entry at or before the first delivery's snapshot.
    public let latestAtSnapshot: Int?
}
