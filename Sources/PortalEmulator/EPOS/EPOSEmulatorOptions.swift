import Dispatch
import Foundation

/// How to run the ЭПОС.Школа emulator (`journal-gateway emulator epos …`).
public struct EPOSEmulatorOptions: Sendable {
    /// Port on 127.0.0.1; 0 lets the kernel pick one (see `RunningEPOSEmulator.port`).
    public var port: UInt16
    /// Where the state is saved after every change (`state.json`, written to a temporary file
    /// and renamed). When it already holds a state, the emulator continues from it instead of
    /// the seed. Nil: in memory only.
    public var stateDir: String?
    /// The seed directory (`school.json` and one file per kind); nil: `samples/epos` found by
    /// `defaultSeedDirectory()`.
    public var seedDir: String?
    /// Faults to inject into protocol requests (`502`, `504` and `mutate-while-paging` too).
    public var faults: FaultSpec
    /// Seed of the fault generator: the same seed and the same requests give the same faults.
    public var seed: UInt64
    /// Seconds a token lives from its issue (`expires_at`); 2 hours by default.
    public var tokenLifetime: Double
    /// Requests a second allowed per token (429 with `Retry-After` beyond); nil: no limit.
    /// Measured on a monotonic clock, not on `clock`.
    public var requestsPerSecond: Int?
    /// The clock: token expiry, `updated_at` of changes, and «today» for lessons (R2).
    public var clock: @Sendable () -> Date
    /// Only ЕСИА (Госуслуги) sign-in (`--esia-only`): `POST /v2/token` refuses passwords
    /// with `401 password_login_disabled`; one session is opened at start, as if in a browser
    /// (`RunningEPOSEmulator.session`), living `sessionTTL` seconds (nil: `tokenLifetime`).
    public var esiaOnly = false
    public var sessionTTL: Double?
    /// `--novel-codes`: a seed gets codes the shipped tables lack (a control form, a mark
    /// value, an absence reason), used by some rows (`EPOSState+NovelCodes.swift`).
    public var novelCodes = false
    /// What formats/epos.md does not have (`--extensions`), off by default: `GET
    /// /core/api/teachers`; `class_unit_id` on students, groups and schedule items,
    /// `subject_id` on control forms, `external_id` on schedule items, attendances and final
    /// marks, `deleted_at: null` on live final marks; lists, groups, students and control
    /// forms without their class or subject (the whole school); a space read as the `+` of an
    /// offset. No adapter test uses it.
    public var extensions = false
    /// Receives one line per protocol request (method, path, status; never a body or a query).
    public var log: (@Sendable (String) -> Void)?
    /// The rate limit's clock, in seconds: monotonic by default; tests set their own so that
    /// a loaded machine cannot stretch a burst past the one-second window.
    public var rateClock: @Sendable () -> Double = EPOSEmulatorOptions.monotonic

    public init(port: UInt16 = 0, stateDir: String? = nil, seedDir: String? = nil, faults: FaultSpec = .none, seed: UInt64 = 1,
                tokenLifetime: Double = 7200, requestsPerSecond: Int? = 10,
                clock: @escaping @Sendable () -> Date = { Date() }, log: (@Sendable (String) -> Void)? = nil) {
        self.port = port; self.stateDir = stateDir; self.seedDir = seedDir; self.faults = faults; self.seed = seed
        self.tokenLifetime = tokenLifetime; self.requestsPerSecond = requestsPerSecond; self.clock = clock; self.log = log
    }

    /// Seconds on a monotonic clock (the rate limit's).
    static func monotonic() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// `samples/epos` under the current directory, or above the running executable; nil when
    /// neither has one.
    public static func defaultSeedDirectory() -> String? {
        let fm = FileManager.default
        var candidates = [fm.currentDirectoryPath]
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.path)
            dir = dir.deletingLastPathComponent()
        }
        for base in candidates where fm.fileExists(atPath: base + "/samples/epos/school.json") { return base + "/samples/epos" }
        return nil
    }
}
