import Foundation
import Gateway
import JournalModel
import PortalEmulator
import TestSupport

// The region runner's stages (issue 20): a night of many small schools run by N
// `region worker` processes (the release `journal-gateway` next to this executable) on a
// throwaway PostgreSQL cluster (TestSupport's), and one school's night on SQLite against
// PostgreSQL. The schools are the fleet test's: the sample school (26 pupils, one week),
// each with its own АСУ РСО and diary emulators, an initial sync and feed in the setUp, then
// a nightly delta (marks changed in the journal and on the portal) that the measured run
// carries over.

/// The package root, found from this file's path (Sources/gateway-bench/…): the samples and
/// the mappings the workers read.
/// The package this bench was built in: the first folder holding `Package.swift` above the
/// executable (`.build/<triple>/release/gateway-bench`), else the current directory. Found at
/// run time, never from a compile-time source path (NightE2ETests pins that for all of Sources).
let benchPackageRoot: URL = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<6 {
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
        dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
}()
let benchSamples = benchPackageRoot.appendingPathComponent("samples").path
let regionNight = "2026-12-01"

/// Marks changed per school and side in a night's delta: nightly-delta-asu-rso's proportion
/// (2,500 a side for 2,000 pupils) for the sample school's 26 pupils.
let regionDeltaMarks = 32

/// Whether PostgreSQL's server binaries are here (the region stages are skipped otherwise).
func postgresAvailable() -> Bool { (try? PostgresCluster.findBinDirectory()) != nil }

/// This child process's cluster (started once, on first use; stopped at exit and by its watchdog).
func benchCluster() throws -> PostgresCluster { try PostgresCluster.shared() }

/// One school of the region stages: its code, its store and its portals.
final class RegionSchool: @unchecked Sendable {
    let code: String
    let store: String
    let asu: RunningEmulator
    let diary: RunningDiaryEmulator
    let passwordFile: String
    let tokenFile: String
    /// The portals' counts once the delta is made: the night must move both.
    private(set) var appliedBefore = 0, eventsBefore = 0

    /// Creates the school in `store` (the sample contingent and week), starts its portals,
    /// runs its first night (sync and feed) and then makes the next night's delta.
    init(index i: Int, store: String, work: String) throws {
        code = "63-" + String(1000 + i)
        self.store = store
        asu = try ASURSOEmulator.start(EmulatorOptions(seedDir: benchSamples + "/asu-rso", seed: UInt64(i)))
        diary = try DiaryEmulator.start(DiaryEmulatorOptions(seed: UInt64(i)))
        passwordFile = work + "/\(code).pw"
        tokenFile = work + "/\(code).token"
        for (path, value) in [(passwordFile, asu.password), (tokenFile, diary.token)] {
            guard FileManager.default.createFile(atPath: path, contents: Data((value + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
                throw BenchError("cannot write \(path)")
            }
        }
        for args in [["init", "--school", "Школа № \(i)", "--timezone", "Europe/Samara"],
                     ["import", "contingent", benchSamples + "/contingent/list-2026-09-01.csv"],
                     ["journal", "import", benchSamples + "/journal/week.jsonl"]] {
            try gateway(["--store", store] + args)
        }
        try gateway(syncArgs)
        try gateway(feedArgs)
        try makeDelta(work: work)
        appliedBefore = asu.stats()["operations_applied"]?.int ?? 0
        eventsBefore = diary.acceptedEvents().count
    }

    /// Throws unless the night pushed the journal's changes to АСУ РСО and fed the diary
    /// (a night that did nothing would be fast for the wrong reason).
    func checkNightDone() throws {
        let applied = asu.stats()["operations_applied"]?.int ?? 0, events = diary.acceptedEvents().count
        guard applied > appliedBefore, events > eventsBefore else {
            throw BenchError("\(code): the night moved nothing (АСУ РСО operations \(appliedBefore) → \(applied), diary events \(eventsBefore) → \(events))")
        }
    }

    var syncArgs: [String] {
        ["--store", store, "sync", "asu-rso", "--url", asu.url.absoluteString, "--school-id", asu.schoolID, "--login", asu.login,
         "--password-file", passwordFile]
    }
    var feedArgs: [String] {
        ["--store", store, "feed", "diary", "--url", diary.url.absoluteString, "--school-id", diary.schoolID, "--token-file", tokenFile]
    }

    /// The night's delta: `regionDeltaMarks` marks get another value in the journal, as many
    /// others on the portal (edited by its users).
    func makeDelta(work: String) throws {
        var local = "", n = 0
        try forEachLine(benchSamples + "/journal/week.jsonl") { line in
            guard n < regionDeltaMarks, case .object(var pairs) = try JSON.parse(bytes: Array(line)), pairs.first?.1 == .string("mark"),
                  let v = pairs.firstIndex(where: { $0.0 == "value" }), case .string(let value) = pairs[v].1 else { return }
            pairs[v].1 = .string(value == "5" ? "4" : "5")
            local += JSON.object(pairs).serialized() + "\n"
            n += 1
        }
        let file = work + "/\(code)-delta.jsonl"
        try local.write(toFile: file, atomically: true, encoding: .utf8)
        try gateway(["--store", store, "journal", "import", file])
        var ops: [JSON] = []
        for l in (asu.stateDocument()["lessons"]?.array ?? []).reversed() {
            for a in l["assignments"]?.array ?? [] {
                for m in a["marks"]?.array ?? [] where ops.count < regionDeltaMarks {
                    guard let sid = m["studentId"]?.int, let mark = m["mark"]?.string else { continue }
                    ops.append(.object([("op", .string("upsertMark")), ("classmeetingId", l["id"] ?? .null), ("assignmentId", a["id"] ?? .null),
                                        ("studentId", .int(sid)), ("mark", .string(mark == "2" ? "3" : "2"))]))
                }
            }
        }
        guard !ops.isEmpty else { throw BenchError("\(code): the portal has no mark to edit") }
        _ = asu.edit(ops)
    }

    /// The schools' table lines (`region enqueue --schools`): one per counterpart.
    var tableLines: String {
        "\(code)\tasu-rso\t\(asu.url.absoluteString)\t\(asu.schoolID)\t\(asu.login)\t\(passwordFile)\t\n"
            + "\(code)\tdiary\t\(diary.url.absoluteString)\t\(diary.schoolID)\t\t\(tokenFile)\t\n"
    }
}

/// The schools of the running stage (kept so that their portals serve while the workers run).
nonisolated(unsafe) var regionSchools: [RegionSchool] = []

/// A region's night: K schools (24; 2 with `--quick`), `workers` worker processes of one
/// job at a time each. Records = schools; the schools per minute are records / wall × 60.
struct RegionNightStage: Benchmark {
    let workers: Int
    var name: String { "region-\(workers)w" }

    func setUp(_ ctx: BenchContext) throws {
        // The workers are the `journal-gateway` built with this executable (spawnBinary looks
        // next to it first), not a debug one found elsewhere.
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("journal-gateway").path
        guard FileManager.default.isExecutableFile(atPath: sibling) else {
            throw BenchError("\(name): no journal-gateway next to gateway-bench (swift build -c release --product journal-gateway)")
        }
        let cluster = try benchCluster()
        let db = try cluster.createDatabase(prefix: "bench")
        let region = cluster.url(database: db)
        setenv("JOURNAL_GATEWAY_MAPPINGS", benchPackageRoot.path + "/mappings", 1)
        regionSchools = try (1...ctx.schools).map { try RegionSchool(index: $0, store: cluster.url(database: db, school: "63-" + String(1000 + $0)), work: ctx.work) }
        let table = ctx.work + "/schools.tsv"
        try ("school\tcounterpart\turl\tschool_id\tlogin\tpassword_file\tsession_file\n" + regionSchools.map(\.tableLines).joined())
            .write(toFile: table, atomically: true, encoding: .utf8)
        try gateway(["--store", region, "region", "enqueue", "--night", regionNight, "--schools", table])
        try region.write(toFile: ctx.work + "/region.url", atomically: true, encoding: .utf8)
    }

    func run(_ ctx: BenchContext) throws -> Int {
        let region = try String(contentsOfFile: ctx.work + "/region.url", encoding: .utf8)
        let environment = ["JOURNAL_GATEWAY_MAPPINGS": benchPackageRoot.path + "/mappings", "JOURNAL_GATEWAY_SAMPLES": benchSamples]
        let cpu0 = ProcStatus.cpuSeconds(children: true)
        let pids = try (0..<workers).map { w in
            try spawnBinary(["--store", region, "region", "worker", "--concurrency", "1", "--per-host", "64", "--poll", "200ms",
                             "--night", regionNight, "--exit-when-done"],
                            environment: environment, out: ctx.work + "/worker-\(w).out", err: ctx.work + "/worker-\(w).err")
        }
        for (w, pid) in pids.enumerated() {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            guard status == 0 else {
                let log = (try? String(contentsOfFile: ctx.work + "/worker-\(w).err", encoding: .utf8)) ?? ""
                throw BenchError("\(name): worker \(w) ended with status \(status): \(log.suffix(2000))")
            }
        }
        let cpu1 = ProcStatus.cpuSeconds(children: true)
        let (console, read) = Console.capturing()
        let code = CLI.run(["--store", region, "region", "status", "--night", regionNight, "--json"], console: console, environment: [:])
        guard code == 0, let totals = try JSON.parse(read().out)["totals"] else { throw BenchError("\(name): region status exited \(code): \(read().err)") }
        let done = totals["done"]?.int ?? 0
        guard done == 2 * ctx.schools, totals["failed"]?.int == 0 else { throw BenchError("\(name): the night ended with \(totals.serialized())") }
        for school in regionSchools { try school.checkNightDone() }
        stageExtras = [("workers_user_s", .double(cpu1.user - cpu0.user)), ("workers_sys_s", .double(cpu1.sys - cpu0.sys))]
        return ctx.schools
    }
}

/// One school's night (`sync asu-rso`, then `feed diary`) on a store of `backend`, in this
/// process; records = 1 school, so the wall time is the seconds a school.
struct RegionSchoolNight: Benchmark {
    let backend: String   // "sqlite" or "postgresql"
    var name: String { "region-night-\(backend)" }

    func setUp(_ ctx: BenchContext) throws {
        setenv("JOURNAL_GATEWAY_MAPPINGS", benchPackageRoot.path + "/mappings", 1)
        let store: String
        if backend == "sqlite" {
            store = ctx.work + "/school.sqlite"
        } else {
            let cluster = try benchCluster()
            store = cluster.url(database: try cluster.createDatabase(prefix: "bench"), school: "63-1001")
        }
        regionSchools = [try RegionSchool(index: 1, store: store, work: ctx.work)]
    }

    func run(_ ctx: BenchContext) throws -> Int {
        guard let school = regionSchools.first else { throw BenchError("\(name): no school") }
        try gateway(school.syncArgs)
        try gateway(school.feedArgs)
        try school.checkNightDone()
        return 1
    }
}

/// The region stages' summary lines: schools per minute per worker count, PostgreSQL against
/// SQLite per school, and the projection to 1,500 schools on two machines.
func regionSummary(_ rows: [(name: String, records: Int, wall: Double, user: Double, extras: [String: Double])]) -> (lines: [String], json: JSON)? {
    var lines: [String] = []
    var json: [(String, JSON)] = []
    func r2(_ d: Double) -> Double { (d * 100).rounded() / 100 }
    let nights = rows.filter { $0.name.hasPrefix("region-") && $0.name.hasSuffix("w") }
    for n in nights {
        let perMin = Double(n.records) / max(n.wall, 1e-9) * 60
        lines.append(n.name + String(format: ": %d schools in %.1f s = %.1f schools/min (%.2f s a school); workers' CPU user %.1f s, sys %.1f s",
                            n.records, n.wall, perMin, n.wall / Double(max(n.records, 1)), n.extras["workers_user_s"] ?? 0,
                            n.extras["workers_sys_s"] ?? 0))
    }
    let sqlite = rows.first { $0.name == "region-night-sqlite" }, pg = rows.first { $0.name == "region-night-postgresql" }
    if let sqlite, let pg {
        lines.append(String(format: "one school's night: PostgreSQL %.2f s (user %.2f s), SQLite %.2f s (user %.2f s): +%.2f s a school, × %.2f",
                            pg.wall, pg.user, sqlite.wall, sqlite.user, pg.wall - sqlite.wall, pg.wall / max(sqlite.wall, 1e-9)))
        json.append(("postgresql_school_s", .double(r2(pg.wall))))
        json.append(("sqlite_school_s", .double(r2(sqlite.wall))))
        json.append(("postgresql_over_sqlite", .double(r2(pg.wall / max(sqlite.wall, 1e-9)))))
    }
    if let best = nights.max(by: { Double($0.records) / $0.wall < Double($1.records) / $1.wall }) {
        let perSchool = best.wall / Double(max(best.records, 1))
        let machines = 2.0, schools = 1500.0, target = 1800.0
        let night = perSchool * schools / machines
        lines.append("projection (best: \(best.name)): " + String(format: "%.1f s / %d schools = %.2f s a school per machine; × 1,500 / 2 machines = %.0f s = %.1f min: ",
                                                                  best.wall, best.records, perSchool, night, night / 60)
                     + (night <= target ? "meets 30 min on two machines" : "does NOT meet 30 min on two machines"))
        lines.append(String(format: "  (to meet it: at most 2 × 1,800 s / 1,500 = %.2f s a school per machine)", machines * target / schools))
        json.append(("best_stage", .string(best.name)))
        json.append(("school_s_per_machine", .double(r2(perSchool))))
        json.append(("projected_1500_on_2_machines_s", .double(night.rounded())))
        json.append(("meets_30_min_on_2_machines", .bool(night <= target)))
    }
    return lines.isEmpty ? nil : (lines, .object(json))
}
