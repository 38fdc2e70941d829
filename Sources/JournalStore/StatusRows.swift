/// A finished run of a command, as `status` lists it (table `sync_run`).
public struct RunRow: Sendable {
    public let id: String
    public let counterpart: String
    public let command: String
    public let startedAt: String
    public let finishedAt: String?
    public let status: String
    /// The run's summary (JSON text), when it has one.
    public let summary: String?

    public init(id: String, counterpart: String, command: String, startedAt: String, finishedAt: String?, status: String, summary: String?) {
        self.id = id; self.counterpart = counterpart; self.command = command; self.startedAt = startedAt
        self.finishedAt = finishedAt; self.status = status; self.summary = summary
    }
}

/// A pupil's movement as `status` lists it.
public struct MovementRow: Sendable {
    public let date: String
    public let kind: String
    public let fileNumber: String?
    public let fromClass: String?
    public let toClass: String?
}
