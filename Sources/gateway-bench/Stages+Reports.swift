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

/// The generated school imported (contingent list dated 01.09.2025, then the journal), once.
func reportStore(_ ctx: BenchContext) throws -> String {
    let path = ctx.dir + "-reports.sqlite"
    if FileManager.default.fileExists(atPath: path + ".done") { return path }
    try? FileManager.default.removeItem(atPath: path)
    try gateway(["--store", path, "init", "--school", "Бенчмарк", "--timezone", "Europe/Samara"])
    try gateway(["--store", path, "import", "contingent", ctx.dir + "/contingent.csv", "--date", "2025-09-01"])
    try gateway(["--store", path, "journal", "import", ctx.dir + "/journal.jsonl"])
    FileManager.default.createFile(atPath: path + ".done", contents: Data())
    return path
}
