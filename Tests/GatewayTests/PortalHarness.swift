import Foundation
import Synchronization
import Testing
@testable import Gateway
import JournalModel
@testable import JournalStore
import PortalEmulator
import TestSupport

/// The portals the E2E battery runs against: each scenario is written once and runs as
/// `@Test(arguments: Portal.allCases, StoreBackend.allCases)`, i.e. on both portals and on
/// both store backends in one `swift test`.
enum Portal: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case asuRSO = "asu-rso"
    case epos

    var testDescription: String {
        switch self {
        case .asuRSO: "АСУ РСО"
        case .epos: "ЭПОС.Школа"
        }
    }

    var harness: PortalHarness {
        switch self {
        case .asuRSO: .asuRSO
        case .epos: .epos
        }
    }
}

/// What a started emulator of either portal offers the battery beyond `RunningPortalEmulator`.
protocol E2EEmulator: RunningPortalEmulator {
    /// Changes the portal's data as its own users would (`POST /_emulator/edit`).
    func edit(_ operations: [JSON]) -> JSON
    /// Opens another session as a person would in a browser (ЕСИА-only portals).
    func openBrowserSession() -> String
}

extension RunningEmulator: E2EEmulator {}
extension RunningEPOSEmulator: E2EEmulator {}

/// One portal's side of the E2E battery: which emulator to start, which sync command to run,
/// which store to start from (the sample contingent and week plus what only the journal has,
/// in the portal's region), and the portal's own fault mix. Everything else — syncing until
/// clean, the reference run, fingerprints, store copies per backend — is the same code for both.
struct PortalHarness: Sendable {
    let portal: Portal
    /// The school's time zone (АСУ РСО: Samara; ЭПОС.Школа: Perm).
    let timezone: String
    /// Journal JSON Lines only the journal has, for the first sync to write.
    let extraLines: [String]
    /// "Five percent faults": every fault kind the portal's emulator injects.
    let faultMix: String
    /// The seed of the kill -9 points.
    let killSeed: UInt64
    /// How a sign-in request appears in the emulator's log.
    let signIn: String

    static let asuRSO = PortalHarness(
        portal: .asuRSO, timezone: "Europe/Samara",
        extraLines: [#"{"type": "mark", "id": "mk-local-only", "lesson": "les-9А-2026-09-07-1", "student": "stu-09-1026", "work_type": "wt-self", "value": "5", "weight": 1}"#],
        faultMix: "500=0.05,429=0.05,drop=0.05,truncate=0.02,dup-page=0.05,retry-after=0",
        killSeed: 2026, signIn: "POST /webapi/login ")

    /// A Perm store: besides the АСУ РСО one's mark, a new lesson with its homework, a mark
    /// and an absence; a mark on an old lesson; a changed topic.
    static let epos = PortalHarness(
        portal: .epos, timezone: "Asia/Yekaterinburg",
        extraLines: [
            #"{"type": "mark", "id": "mk-local-only", "lesson": "les-9А-2026-09-07-1", "student": "stu-09-1026", "work_type": "wt-self", "value": "5", "weight": 1}"#,
            #"{"type": "lesson", "id": "les-5Б-2026-09-12-1", "class": "cls-5Б", "subject": "sub-math", "date": "2026-09-12", "number": 1, "teacher": "t-302", "topic": "Дроби"}"#,
            #"{"type": "homework", "id": "hw-5Б-2026-09-12-1", "lesson": "les-5Б-2026-09-12-1", "text": "№ 1, 2 (стр. 40)", "due": "2026-09-14"}"#,
            #"{"type": "mark", "id": "mk-5Б-2026-09-12-1-05-1016-answer", "lesson": "les-5Б-2026-09-12-1", "student": "stu-05-1016", "work_type": "wt-answer", "value": "4", "point": false, "weight": 1}"#,
            #"{"type": "attendance", "id": "at-5Б-2026-09-12-1-05-1017", "lesson": "les-5Б-2026-09-12-1", "student": "stu-05-1017", "kind": "absent", "reason": "Б"}"#,
            #"{"type": "lesson", "id": "les-5А-2026-09-07-1", "class": "cls-5А", "subject": "sub-math", "date": "2026-09-07", "number": 1, "teacher": "t-301", "topic": "Натуральные числа и шкалы"}"#],
        faultMix: "500=0.05,502=0.02,503=0.02,504=0.02,429=0.05,drop=0.05,truncate=0.02,expire-token=0.02,mutate-while-paging=0.05,retry-after=0",
        killSeed: 2027, signIn: "POST /v2/token ")

    // MARK: Emulators

    /// The АСУ РСО emulator on loopback.
    static func startASURSO(faults: String? = nil, seed: UInt64 = 1, novelCodes: Bool = false,
                            log: (@Sendable (String) -> Void)? = nil) throws -> RunningEmulator {
        var o = EmulatorOptions(seedDir: samples + "/asu-rso", seed: seed, log: log)
        if let faults { o.faults = try FaultSpec(parsing: faults) }
        o.novelCodes = novelCodes
        return try ASURSOEmulator.start(o)
    }

    /// The ЭПОС.Школа emulator on loopback, without its rate limit unless `limit` is given (the
    /// binary runs with `--requests-per-second 1000`, so that fifty killed runs fit in seconds).
    static func startEPOS(faults: String? = nil, seed: UInt64 = 1, limit: Int? = nil, novelCodes: Bool = false,
                          log: (@Sendable (String) -> Void)? = nil) throws -> RunningEPOSEmulator {
        var o = EPOSEmulatorOptions(seedDir: samples + "/epos", seed: seed, requestsPerSecond: limit, log: log)
        if let faults { o.faults = try FaultSpec(parsing: faults) }
        o.novelCodes = novelCodes
        return try EPOSEmulator.start(o)
    }

    /// This portal's emulator.
    func start(faults: String? = nil, seed: UInt64 = 1, novelCodes: Bool = false,
               log: (@Sendable (String) -> Void)? = nil) throws -> any E2EEmulator {
        switch portal {
        case .asuRSO: try Self.startASURSO(faults: faults, seed: seed, novelCodes: novelCodes, log: log)
        case .epos: try Self.startEPOS(faults: faults, seed: seed, novelCodes: novelCodes, log: log)
        }
    }

    // MARK: The sync command

    /// `--store STORE sync PORTAL --url … --school-id … --login … --json` (ЭПОС.Школа: with
    /// `--requests-per-second pace`).
    func syncArgs(_ e: any RunningPortalEmulator, store: String, pace: Int = 1000) -> [String] {
        ["--store", store, "sync", portal.rawValue, "--url", e.url.absoluteString, "--school-id", e.schoolID, "--login", e.login]
            + (portal == .epos ? ["--requests-per-second", String(pace)] : []) + ["--json"]
    }

    /// The binary's environment: the emulator's password, the shipped tables, the samples.
    func env(_ e: any RunningPortalEmulator, _ extra: [String: String] = [:]) -> [String: String] {
        ["JOURNAL_GATEWAY_PASSWORD": e.password, "JOURNAL_GATEWAY_MAPPINGS": packageRoot.path + "/mappings",
         "JOURNAL_GATEWAY_SAMPLES": samples].merging(extra) { $1 }
    }

    /// One sync by the real binary.
    func sync(_ e: any RunningPortalEmulator, store: String, _ extra: [String: String] = [:]) throws -> CLIResult {
        try runBinary(syncArgs(e, store: store), environment: env(e, extra))
    }

    /// Syncs until a run ends with exit 0 (a run may stop early on faults); returns the runs.
    @discardableResult
    func syncUntilClean(_ e: any RunningPortalEmulator, store: String, max: Int = 6, _ extra: [String: String] = [:]) throws -> [CLIResult] {
        var runs: [CLIResult] = []
        for _ in 0..<max {
            let r = try sync(e, store: store, extra)
            runs.append(r)
            if r.code == 0 { return runs }
        }
        Issue.record("no clean sync in \(max) runs: \(runs.map { "\($0.code): \($0.err.prefix(300)) \($0.out.prefix(1500))" })")
        return runs
    }

    /// A started binary (for the kill tests).
    func launch(_ e: any RunningPortalEmulator, store: String, _ extra: [String: String] = [:]) throws -> Process {
        let p = Process()
        p.executableURL = try gatewayBinary()
        p.arguments = syncArgs(e, store: store)
        p.environment = env(e, extra)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// What must be equal between two runs that reached the same state: the journal
    /// (exported), the portal's content (without its own ids and vers).
    func fingerprint(store: String, _ e: any RunningPortalEmulator) -> Fingerprint {
        Fingerprint(journal: cli(["journal", "export"], store: store).out, portal: e.stateDocument(content: true).serialized())
    }

    /// The pushes a `--json` summary reports, over every kind.
    static func pushed(_ out: String) throws -> Int {
        try (JSON.parse(out)["entities"]?.pairs ?? []).reduce(0) { $0 + ($1.1["pushed"]?.int ?? 0) }
    }

    // MARK: Stores

    /// A copy, for one test, of the portal's prepared store on `backend`.
    func freshStore(_ dir: TempDir, _ backend: StoreBackend = .sqlite) throws -> String {
        try prepared(backend).copy(in: dir)
    }

    /// The sample contingent list, the sample week and `extraLines`, in the school's time zone:
    /// made once per portal and backend, copied per test.
    func prepared(_ backend: StoreBackend) throws -> PreparedStore {
        try Self.preparedStores.withLock { cache in
            let key = "\(portal.rawValue) \(backend.rawValue)"
            if let made = cache[key] { return made }
            let made = try PreparedStore(backend, name: "e2e-\(portal.rawValue)") { store in
                let extra = FileManager.default.temporaryDirectory.appendingPathComponent("jg-extra-\(UUID().uuidString).jsonl").path
                defer { try? FileManager.default.removeItem(atPath: extra) }
                try (extraLines.joined(separator: "\n") + "\n").write(toFile: extra, atomically: false, encoding: .utf8)
                for args in [["init", "--school", "Школа № 122", "--timezone", timezone],
                             ["import", "contingent", samples + "/contingent/list-2026-09-01.csv"],
                             ["journal", "import", samples + "/journal/week.jsonl"],
                             ["journal", "import", extra]] {
                    let r = cli(args, store: store)
                    guard r.code == 0 else { throw TestSupportError("preparing \(args): \(r.err)") }
                }
                // The WAL folded in, so that a byte copy is the whole store.
                if backend == .sqlite { try JournalStore.open(at: store).checkpoint() }
            }
            cache[key] = made
            return made
        }
    }

    private static let preparedStores = Mutex<[String: PreparedStore]>([:])

    // MARK: The reference run

    /// What a clean run leaves, and what it took.
    struct Fingerprint: Equatable { let journal: String; let portal: String }
    struct Reference { let fingerprint: Fingerprint; let seconds: Double; let requests: Int }

    /// The reference: a clean sync of a fresh SQLite store against a fresh emulator (with its
    /// duration and the number of protocol requests it made). Runs on PostgreSQL are compared
    /// with it too: the same journal whichever backend holds it.
    var reference: Reference {
        switch portal {
        case .asuRSO: Self.asuRSOReference
        case .epos: Self.eposReference
        }
    }

    private static let asuRSOReference = PortalHarness.asuRSO.makeReference()
    private static let eposReference = PortalHarness.epos.makeReference()

    private func makeReference() -> Reference {
        let dir = try! TempDir()
        let store = try! freshStore(dir)
        let requests = Mutex(0)
        let e = try! start { _ in requests.withLock { $0 += 1 } }
        defer { e.stop() }
        let start = Date()
        let r = try! sync(e, store: store)
        precondition(r.code == 0, "reference sync failed: \(r.err) \(r.out)")
        let seconds = Date().timeIntervalSince(start)
        return Reference(fingerprint: fingerprint(store: store, e), seconds: seconds, requests: requests.withLock { $0 })
    }

    /// Whether a kill test tries its seeded point `point` on `backend`: every point on SQLite;
    /// on PostgreSQL one pair in `every` (a request point and a moment point, spread over the
    /// whole seeded sequence, which is drawn in full either way so that the points are the
    /// same as SQLite's). Each point is a store copy, a killed run and a clean run; fewer of
    /// them keep `swift test` lean, and both kinds of point are still tried on PostgreSQL.
    static func tries(_ point: Int, on backend: StoreBackend, every: Int) -> Bool {
        backend == .sqlite || (point / 2) % every == 0
    }

    /// Where a killed run stopped: before it started, while pulling, after it had written
    /// to the portal, or after it finished.
    static func moment(store: String, _ e: any RunningPortalEmulator) -> String {
        guard let s = try? JournalStore.open(at: store),
              let status = try? s.db.scalar("SELECT status FROM sync_run ORDER BY started_at DESC LIMIT 1")?.text else { return "0 before the run" }
        if status != "running" { return "4 finished" }
        if (e.stats()["operations_applied"]?.int ?? 0) > 0 { return "3 after a write" }
        let outbox = (try? s.db.scalar("SELECT count(*) FROM outbox")?.int) ?? 0
        return outbox > 0 ? "2 planned, nothing written" : "1 pulling"
    }
}

/// The emulator, for a log callback set before it starts.
final class EmulatorBox<E: AnyObject & Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: E?
    var emulator: E? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

/// Shorthands for suites of one portal written before the harness (NightE2ETests).
enum ASURSOSyncE2ETests {
    static func freshStore(_ dir: TempDir) throws -> String { try PortalHarness.asuRSO.freshStore(dir) }
}

enum EPOSSyncE2ETests {
    static func freshStore(_ dir: TempDir) throws -> String { try PortalHarness.epos.freshStore(dir) }
}

extension JSON {
    var pairs: [(String, JSON)]? { if case .object(let p) = self { return p }; return nil }
}
