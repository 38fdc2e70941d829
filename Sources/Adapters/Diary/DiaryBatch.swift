import Foundation
import JournalModel
import SyncModel

/// One batch as it goes out: at most 1,000 events and 5 MB (formats/diary-feed.md).
public struct DiaryBatch: Sendable {
    /// Deterministic: the hash of the event ids, so a resent batch carries the same id.
    public let batchID: String
    public let events: [(id: String, seq: Int, body: String)]
    public let body: Data
    /// The batch's number in the feed (1, 2, …): `--out` names files by it.
    public let number: Int

    public static let maxEvents = 1000
    /// «5 MB» read as 5,000,000 bytes, the stricter of the two readings.
    public static let maxBytes = 5_000_000
    /// Room kept for the envelope around the events.
    public static let envelope = 512

    public init(schoolID: String, number: Int, events: [(id: String, seq: Int, body: String)]) {
        self.events = events
        self.number = number
        batchID = StableHash.hex(events.map(\.id))
        var text = "{\"schoolId\":"
        JSON.writeString(schoolID, to: &text)
        text += ",\"batchId\":\"\(batchID)\",\"events\":["
        for (i, e) in events.enumerated() {
            if i > 0 { text += "," }
            text += e.body
        }
        text += "]}"
        body = Data(text.utf8)
    }
}

/// The portal's answer to one batch.
public struct DiaryBatchAnswer: Sendable {
    public var accepted: [String] = []
    public var duplicates: [String] = []
    public var rejected: [(id: String, reason: String)] = []

    public init(accepted: [String] = [], duplicates: [String] = [], rejected: [(id: String, reason: String)] = []) {
        self.accepted = accepted; self.duplicates = duplicates; self.rejected = rejected
    }
}

/// Where batches go: the portal over HTTP, or files for portals that take uploads.
public protocol DiarySink {
    /// The URL or directory, for the summary.
    var target: String { get }
    /// Sends one batch and returns the answer.
    ///
    /// - Throws: ``DiaryPortalError`` (its kind decides the exit code: 69 unreachable, 75
    ///   come back later, 77 token refused, 65 a batch or an answer that breaks the document).
    func send(_ batch: DiaryBatch) throws -> DiaryBatchAnswer
}

