import Foundation
import JournalModel
import JournalStore

/// A finished run of an importing command, recorded so `status` can show the last runs.
///
/// Written only when the run succeeded, in its own small transaction after the data:
/// bad input leaves the store exactly as it was.
public struct RunRecord: Sendable {
    public let id: String
    public let counterpart: String
    public let command: String
    public let startedAt: String

    public init(counterpart: String, command: String, now: Date = Date()) {
        startedAt = RunRecord.stamp(now)
        id = "run-" + startedAt.filter { $0.isNumber }.prefix(14) + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        self.counterpart = counterpart
        self.command = command
    }

    public func save(_ store: JournalStore, status: String, summary: JSON) throws {
        try store.saveRun(RunRow(id: id, counterpart: counterpart, command: command, startedAt: startedAt,
                                 finishedAt: RunRecord.stamp(Date()), status: status, summary: summary.serialized()))
    }

    /// The store's timestamp format, so runs of every kind sort together.
    static func stamp(_ d: Date) -> String { JournalStore.timestamp(d) }
}
