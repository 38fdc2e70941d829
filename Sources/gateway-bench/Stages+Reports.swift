import Foundation
import Gateway

/// `journal-gateway report NAME --all` for a period (journal-control: the last week of the
/// period), written as XLSX: one stage per report. The imported store is made once per
/// generated school and kept beside its inputs (a journal import of a year takes minutes);
/// each measured run reads a copy-free, read-only open of it.
struct ReportStage: Benchmark {
    let report: String
    var name: String { "report-\(report)" }

    func setUp(_ ctx: BenchContext) throws { _ = try reportStore(ctx) }

    func run(_ ctx: BenchContext) throws -> Int {
        let store = try reportStore(ctx)
        var args = ["--store", store, "report", report, "--all", "--format", "xlsx", "--out", ctx.work + "/\(report).xlsx"]
        switch report {
        case "journal-control": args += ["--from", "2025-12-15", "--to", "2025-12-21"]
        case "class-sizes": args += ["--date", "2025-09-20"]
        default: args += ["--period", "2 четверть"]
        }
        try gateway(args)
        return ctx.students
    }
}

/// The generated school imported (contingent list dated 01.09.2025, then the journal), once
/// per build of the benchmark: a store made by an older build may have an older schema, which
/// the reading `report` command refuses to upgrade.
func reportStore(_ ctx: BenchContext) throws -> String {
    let path = ctx.dir + "-reports.sqlite"
    func modified(_ p: String) -> Date? { (try? FileManager.default.attributesOfItem(atPath: p))?[.modificationDate] as? Date }
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
    if let done = modified(path + ".done"), let built = modified(binary), done > built { return path }
    try? FileManager.default.removeItem(atPath: path + ".done")
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }   // a stale -wal would corrupt the new file
    try gateway(["--store", path, "init", "--school", "Бенчмарк", "--timezone", "Europe/Samara"])
    try gateway(["--store", path, "import", "contingent", ctx.dir + "/contingent.csv", "--date", "2025-09-01"])
    try gateway(["--store", path, "journal", "import", ctx.dir + "/journal.jsonl"])
    FileManager.default.createFile(atPath: path + ".done", contents: Data())
    return path
}
