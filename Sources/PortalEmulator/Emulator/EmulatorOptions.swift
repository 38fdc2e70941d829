import Foundation

/// How to run the АСУ РСО emulator (`journal-gateway emulator asu-rso …`).
public struct EmulatorOptions: Sendable {
    /// Port on 127.0.0.1; 0 lets the kernel pick one (see `RunningEmulator.port`).
    public var port: UInt16
    /// Where the state is saved after every change (`state.json`, written to a temporary
    /// file and renamed). When it already holds a state, the emulator continues from it
    /// instead of the seed. Nil: in memory only.
    public var stateDir: String?
    /// The seed directory (`school.json`, `students.json`, `lessons.json`, `finalmarks.json`);
    /// nil: `samples/asu-rso` found by `defaultSeedDirectory()`.
    public var seedDir: String?
    /// Faults to inject into protocol requests.
    public var faults: FaultSpec
    /// Seed of the fault generator: the same seed and the same requests give the same faults.
    public var seed: UInt64
    /// Seconds a session lives without requests (`timeOut` in the login answer).
    public var tokenLifetime: Double
    /// Keep only the newest N vers in the change feed: an older `since` answers 410. Nil keeps all.
    public var feedRetention: Int?
    /// Send five-point marks as JSON numbers (nil: as the seed's `marksAsNumbers` says).
    public var marksAsNumbers: Bool?
    /// The clock: session expiry, idempotency key retention, and «today» for lessons (R2).
    public var clock: @Sendable () -> Date
    /// Only ЕСИА (Госуслуги) sign-in works (`--esia-only`): no salt in `auth/getdata`, a
    /// password login refused; one session is opened at start, as if in a browser, and its
    /// `at` token (`RunningEmulator.session`) is the only one accepted.
    public var esiaOnly = false
    /// Seconds that browser session lives (`--session-ttl`); nil: as long as the emulator runs.
    public var sessionTTL: Double?
    /// `--novel-codes`: a seed gets codes the shipped tables lack (an assignment type, a mark
    /// value, an absence reason), used by some journal items (`PortalState+NovelCodes.swift`).
    public var novelCodes = false
    /// What formats/asu-rso.md does not have (`--extensions`), off by default: the
    /// `Idempotent-Replay: true` header on a replayed batch answer. No adapter test uses it.
    public var extensions = false
    /// Receives one line per protocol request (method, path, status; never a body or a query).
    public var log: (@Sendable (String) -> Void)?

    public init(port: UInt16 = 0, stateDir: String? = nil, seedDir: String? = nil, faults: FaultSpec = .none, seed: UInt64 = 1,
                tokenLifetime: Double = 2700, feedRetention: Int? = nil, marksAsNumbers: Bool? = nil,
                clock: @escaping @Sendable () -> Date = { Date() }, log: (@Sendable (String) -> Void)? = nil) {
        self.port = port; self.stateDir = stateDir; self.seedDir = seedDir; self.faults = faults; self.seed = seed
        self.tokenLifetime = tokenLifetime; self.feedRetention = feedRetention; self.marksAsNumbers = marksAsNumbers
        self.clock = clock; self.log = log
    }

    /// `samples/asu-rso` under the current directory, or above the running executable
    /// (`.build/debug/journal-gateway` → the package root); nil when neither has one.
    public static func defaultSeedDirectory() -> String? {
        let fm = FileManager.default
        var candidates = [fm.currentDirectoryPath]
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.path)
            dir = dir.deletingLastPathComponent()
        }
        for base in candidates {
            let seed = base + "/samples/asu-rso"
            if fm.fileExists(atPath: seed + "/school.json") { return seed }
        }
        return nil
    }
}
