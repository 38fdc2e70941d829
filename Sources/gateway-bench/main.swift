import Foundation
import Gateway
import JournalModel
import SchoolGeneration

// gateway-bench: speed and memory of each stage, as ratios to SQLite's own import of the
// same rows measured in the same run. Every measured run is a child process, so its peak
// RSS (VmHWM) is its own.

nonisolated(unsafe) let stages: [Benchmark] = [
    SQLiteImportReference(), SQLiteInsertLoop(),
    ContingentImport(format: "csv"), ContingentImport(format: "xlsx"),
    JournalImport(), InitialSyncASURSO(), InitialSyncEPOS(), NightlyDeltaASURSO(),
    DiaryFeedDay(), MergeOnly(), ArchivePeriodStage(),
] + ["summary-marks", "summary-attendance", "movement", "class-sizes", "quality", "journal-control"].map { ReportStage(report: $0) }
    // The region runner (issue 20): skipped when PostgreSQL's server is not installed.
    + [RegionNightStage(workers: 1), RegionNightStage(workers: 2), RegionNightStage(workers: 4),
       RegionSchoolNight(backend: "sqlite"), RegionSchoolNight(backend: "postgresql")]

struct Options {
    var students = 2000
    var quick = false
    var json = false
    var filter: String?
    var repeats = 3
    var child: String?
    var dir: String?
    var seed = 1
    var schools = 24
}

func parseOptions() -> Options {
    var o = Options()
    var args = Array(CommandLine.arguments.dropFirst())
    func value() -> String { args.isEmpty ? "" : args.removeFirst() }
    while !args.isEmpty {
        switch args.removeFirst() {
        case "--students": o.students = Int(value()) ?? o.students
        case "--quick": o.quick = true
        case "--json": o.json = true
        case "--filter": o.filter = value()
        case "--repeats": o.repeats = max(1, Int(value()) ?? 3)
        case "--child": o.child = value()
        case "--dir": o.dir = value()
        case "--seed": o.seed = Int(value()) ?? 1
        case "--schools": o.schools = max(1, Int(value()) ?? o.schools)
        case "-h", "--help":
            print("usage: gateway-bench [--students N] [--schools N] [--quick] [--filter TEXT] [--repeats K] [--json]")
            exit(0)
        case let other:
            FileHandle.standardError.write(Data("gateway-bench: unknown argument \(other)\n".utf8)); exit(64)
        }
    }
    if o.quick { o.students = min(o.students, 60); o.schools = min(o.schools, 2); o.repeats = 1 }
    return o
}

/// Bumped whenever the generator's output changes, so that a cached school is not reused.
let inputsVersion = 4

/// The generated school (cached per size, seed and generator version) plus the reference
/// CSV of its rows.
func prepareInputs(_ o: Options) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-bench-v\(inputsVersion)-\(o.students)-\(o.seed)").path
    if FileManager.default.fileExists(atPath: dir + "/rows.csv") { return dir }
    try? FileManager.default.removeItem(atPath: dir)
    let gen = SchoolGenerator(students: o.students, year: 2025, seed: UInt64(o.seed), today: CivilDate(year: 2026, month: 11, day: 1)!)
    _ = try gen.write(to: dir)
    try ASURSOSeedWriter(school: dir, out: dir + "/asu-rso", seed: UInt64(o.seed)).write()
    try EPOSSeedWriter(school: dir, out: dir + "/epos", seed: UInt64(o.seed)).write()
    // One CSV row per journal record: type, id and up to eight field values.
    FileManager.default.createFile(atPath: dir + "/rows.csv.part", contents: nil)
    guard let out = FileHandle(forWritingAtPath: dir + "/rows.csv.part") else { throw BenchError("cannot write rows.csv") }
    var buffer = Data()
    try forEachLine(dir + "/journal.jsonl") { line in
        guard case .object(let pairs) = try JSON.parse(bytes: Array(line)) else { return }
        var cols = pairs.prefix(10).map { pair -> String in
            let v: String
            switch pair.1 { case .string(let s): v = s; default: v = pair.1.serialized() }
            return v.replacingOccurrences(of: ",", with: ";").replacingOccurrences(of: "\"", with: "'")
        }
        while cols.count < 10 { cols.append("") }
        buffer.append(contentsOf: (cols.joined(separator: ",") + "\n").utf8)
        if buffer.count > 1 << 20 { out.write(buffer); buffer.removeAll(keepingCapacity: true) }
    }
    out.write(buffer)
    try out.close()
    try FileManager.default.moveItem(atPath: dir + "/rows.csv.part", toPath: dir + "/rows.csv")
    return dir
}

@MainActor func runChild(_ o: Options) -> Never {
    guard let name = o.child, let stage = stages.first(where: { $0.name == name }), let dir = o.dir else { exit(64) }
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-bench-run-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: work) }
    let ctx = BenchContext(dir: dir, work: work, students: o.students, schools: o.schools)
    do {
        try stage.setUp(ctx)
        // For profiling the measured run alone: stopped here until SIGCONT (attach `perf record -p`).
        if ProcessInfo.processInfo.environment["GATEWAY_BENCH_STOP_BEFORE_RUN"] != nil {
            FileHandle.standardError.write(Data("\(name): set up; stopped before the measured run, pid \(getpid())\n".utf8))
            raise(SIGSTOP)
        }
        // The peak of the measured run only, not of its setUp: what the setUp freed goes
        // back to the system first (glibc keeps freed pages resident otherwise), then the
        // high-water mark is lowered to what is resident now.
        ProcStatus.releaseFreedMemory()
        // Nor the writing-back of what the setUp wrote (a 340 MB store at 2,000 pupils): the
        // measured run's own commits and checkpoint would otherwise wait for it.
        sync()
        ProcStatus.resetPeakRSS()
        let cpu0 = ProcStatus.cpuSeconds()
        let (records, wall) = try timed { try stage.run(ctx) }
        let cpu1 = ProcStatus.cpuSeconds()
        let rss = ProcStatus.peakRSSMB()
        EmulatorProcess.current?.stop()
        print(JSON.object([("records", .int(records)), ("wall_s", .double(wall)), ("user_s", .double(cpu1.user - cpu0.user)),
                           ("sys_s", .double(cpu1.sys - cpu0.sys)), ("peak_rss_mb", .double(rss))] + stageExtras).serialized())
        try? FileManager.default.removeItem(atPath: work)
        exit(0)
    } catch {
        EmulatorProcess.current?.stop()
        FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
        try? FileManager.default.removeItem(atPath: work)
        exit(1)
    }
}

@MainActor func measure(_ stage: Benchmark, _ o: Options, dir: String) throws -> Sample {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    p.arguments = ["--child", stage.name, "--dir", dir, "--students", String(o.students), "--schools", String(o.schools)]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0, let j = try? JSON.parse(bytes: Array(data)) else { throw BenchError("\(stage.name) failed") }
    func num(_ k: String) -> Double { if case .double(let d)? = j[k] { return d }; return Double(j[k]?.int ?? 0) }
    var extras: [String: Double] = [:]
    if case .object(let pairs) = j {
        for (k, _) in pairs where !["records", "wall_s", "user_s", "sys_s", "peak_rss_mb"].contains(k) { extras[k] = num(k) }
    }
    return Sample(records: j["records"]?.int ?? 0, wall: num("wall_s"), user: num("user_s"), sys: num("sys_s"), peakRSSMB: num("peak_rss_mb"),
                  extras: extras)
}

if CommandLine.arguments.dropFirst().first == "--emulator" { runEmulatorMode(Array(CommandLine.arguments.dropFirst(2))) }
let options = parseOptions()
if options.child != nil { runChild(options) }
do {
    let dir = try prepareInputs(options)
    var rows: [(name: String, records: Int, rate: Double, ratio: Double, rss: Double, wall: Double, minW: Double, maxW: Double,
                user: Double, sys: Double, extras: [String: Double])] = []
    let havePostgres = postgresAvailable()
    var reference: Double?
    for stage in stages where options.filter.map({ stage.name.contains($0) || stage.name.hasPrefix("sqlite3-import") }) ?? true {
        if stage.name.hasPrefix("region-") && !havePostgres {
            FileHandle.standardError.write(Data("… \(stage.name): skipped (PostgreSQL's server is not installed)\n".utf8))
            continue
        }
        if !options.json { FileHandle.standardError.write(Data("… \(stage.name)\n".utf8)) }
        var samples: [Sample] = []
        // One warm-up run (page cache, lazy binding), then the measured repeats.
        if options.repeats > 1 { _ = try measure(stage, options, dir: dir) }
        for _ in 0..<options.repeats { samples.append(try measure(stage, options, dir: dir)) }
        let walls = samples.map(\.wall).sorted()
        let median = walls[walls.count / 2]
        let records = samples[0].records
        let rate = Double(records) / max(median, 1e-9)
        if reference == nil { reference = rate }
        // CPU seconds of the run whose wall time is the median.
        let mid = samples.first { $0.wall == median } ?? samples[0]
        rows.append((stage.name, records, rate, rate / (reference ?? rate), samples.map(\.peakRSSMB).max() ?? 0, median, walls.first!, walls.last!,
                     mid.user, mid.sys, mid.extras))
    }
    let region = regionSummary(rows.map { (name: $0.name, records: $0.records, wall: $0.wall, user: $0.user, extras: $0.extras) })
    if options.json {
        print(JSON.object([("students", .int(options.students)), ("stages", .array(rows.map { r -> JSON in
            var pairs: [(String, JSON)] = [("name", .string(r.name)), ("records", .int(r.records)), ("records_per_s", .double((r.rate).rounded())),
                     ("ratio_to_sqlite_import", .double((r.ratio * 1000).rounded() / 1000)), ("peak_rss_mb", .double((r.rss * 10).rounded() / 10)),
                     ("wall_s", .double((r.wall * 1000).rounded() / 1000)), ("wall_min_s", .double((r.minW * 1000).rounded() / 1000)),
                     ("wall_max_s", .double((r.maxW * 1000).rounded() / 1000)), ("user_s", .double((r.user * 1000).rounded() / 1000)),
                     ("sys_s", .double((r.sys * 1000).rounded() / 1000))]
            // Added keys (the region stages): schools per minute, the workers' CPU seconds.
            if r.name.hasPrefix("region-") && r.name.hasSuffix("w") {
                pairs.append(("schools_per_min", .double((Double(r.records) / max(r.wall, 1e-9) * 600).rounded() / 10)))
            }
            for (k, v) in r.extras.sorted(by: { $0.key < $1.key }) { pairs.append((k, .double((v * 1000).rounded() / 1000))) }
            return .object(pairs)
        }))] + (region.map { [("region", $0.json)] } ?? [])).pretty())
    } else {
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        print(pad("stage", 34) + lpad("records", 10) + lpad("rec/s", 12) + lpad("× sqlite", 10) + lpad("RSS MB", 9) + lpad("wall s (min…max)", 26)
              + lpad("user s", 9) + lpad("sys s", 8))
        for r in rows {
            print(pad(r.name, 34) + lpad(String(r.records), 10) + lpad(String(Int(r.rate)), 12) + lpad(String(format: "%.3f", r.ratio), 10)
                  + lpad(String(format: "%.1f", r.rss), 9) + lpad(String(format: "%.3f (%.3f…%.3f)", r.wall, r.minW, r.maxW), 26)
                  + lpad(String(format: "%.2f", r.user), 9) + lpad(String(format: "%.2f", r.sys), 8))
        }
        if let region {
            print("\nregion runner (this machine is shared with other builds: upper bounds):")
            region.lines.forEach { print("  " + $0) }
        }
    }
} catch {
    FileHandle.standardError.write(Data("gateway-bench: \(error)\n".utf8))
    exit(1)
}
