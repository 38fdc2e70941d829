/// What one job of the region's queue runs: a school's step for a night (docs/region.md).
/// Credentials are paths of files on the workers, never the secrets themselves.
public struct RegionJobSpec: Sendable, Equatable {
    /// The school's code (its store is the region's database with `school=CODE`).
    public var school: String
    /// `sync asu-rso`, `sync epos` or `feed diary`.
    public var step: String
    /// The step's place in the school's night: a later step waits for the earlier ones.
    public var order: Int
    /// The portal's host (`host:port`), whose jobs share a limit and a slow-down; `local` for a diary written to a folder.
    public var host: String
    public var url: String?
    public var schoolID: String?
    public var login: String?
    /// The password file (a diary's token file).
    public var passwordFile: String?
    public var sessionFile: String?
    /// A diary written to a folder instead of a portal.
    public var outDir: String?

    public init(school: String, step: String, order: Int, host: String, url: String? = nil, schoolID: String? = nil,
                login: String? = nil, passwordFile: String? = nil, sessionFile: String? = nil, outDir: String? = nil) {
        self.school = school; self.step = step; self.order = order; self.host = host; self.url = url; self.schoolID = schoolID
        self.login = login; self.passwordFile = passwordFile; self.sessionFile = sessionFile; self.outDir = outDir
    }
}

/// A job a worker claimed: its spec, and the fence its school's commits must pass.
public struct RegionJob: Sendable {
    public let id: Int64
    public let night: String
    public let spec: RegionJobSpec
    public let fence: CommitFence
}

/// The fencing token of a claimed job: the job, its attempt number and the worker holding its
/// lease. A school's store given one (``JournalStore/fence(_:)``) checks, inside every
/// transaction before its COMMIT, that the job is still this attempt's and this worker's; a
/// worker that lost its lease can therefore never commit.
public struct CommitFence: Sendable, Equatable {
    public let job: Int64
    public let attempt: Int
    public let worker: String
    public init(job: Int64, attempt: Int, worker: String) { self.job = job; self.attempt = attempt; self.worker = worker }
}

/// One job as `region status` shows it.
public struct RegionJobRow: Sendable, Equatable {
    public let school: String
    public let step: String
    /// `done`, `running`, `failed` or `waiting`.
    public let state: String
    /// `host:pid` of the worker that holds it (running) or ran it (done, failed).
    public let worker: String?
    /// When it entered its state (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    public let since: String
    public let attempt: Int
    public let error: String?
    /// A running job whose lease ran out (its worker is gone or cut off): the next claim takes it.
    public let leaseExpired: Bool
    /// A waiting job's next try (after a failed attempt), UTC; nil when it may run now.
    public let notBefore: String?
}

/// How many jobs an enqueue created, changed (a waiting job's parameters) and left as they were.
public struct RegionEnqueueCount: Sendable, Equatable {
    public var created = 0, updated = 0, unchanged = 0
    public init() {}
}
