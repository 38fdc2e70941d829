import Foundation
import JournalModel
import JournalStore

extension CLI {
    static let storeCopyCommands: [Command] = [
        Command(words: ["store", "copy"],
                summary: "copy a school's whole store to another place (an SQLite file onto the region's PostgreSQL, or back), verified by counts and a checksum per table",
                usage: "store copy --from STORE --to STORE [--replace] [--dry-run | --verify] [--json]",
                options: ["--from", "--to"], flags: ["--replace", "--dry-run", "--verify", "--json"]) { a, ctx in
            let from = try a.required("--from"), to = try a.required("--to")
            guard !(a.flag("--dry-run") && a.flag("--verify")) else { throw GatewayError.usage("store copy: --dry-run or --verify, not both") }
            guard JournalStore.printable(from) != JournalStore.printable(to) else { throw GatewayError.usage("store copy: --from and --to are the same store") }
            guard !a.flag("--replace") || JournalStore.isServerLocation(to) else {
                throw GatewayError.usage("store copy: --replace is for a PostgreSQL target; an SQLite target is always a new file (move the old one away)")
            }
            let mode: StoreCopyReport.Mode = a.flag("--dry-run") ? .dryRun : a.flag("--verify") ? .verify : .copy
            let report = try StoreCopy.run(from: from, to: to, options: .init(mode: mode, replace: a.flag("--replace"))) { ctx.console.progress($0) }
            ctx.console.progressDone()
            ctx.console.out(a.flag("--json") ? storeCopyJSON(report).pretty() : storeCopyText(report))
            guard report.ok else {
                for line in storeCopyDifferences(report) { ctx.console.err(line) }
                return ExitCode.dataError
            }
            return ExitCode.ok
        },
    ]

    static func storeCopyJSON(_ r: StoreCopyReport) -> JSON {
        func text(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
        func int(_ n: Int?) -> JSON { n.map(JSON.int) ?? .null }
        return .object([
            ("mode", .string(r.mode.rawValue)), ("from", .string(r.source)), ("to", .string(r.target)), ("school", .string(r.school)),
            ("ok", .bool(r.ok)), ("committed", .bool(r.committed)), ("rows", .int(r.sourceRows)),
            ("seconds", .double((r.seconds * 1000).rounded() / 1000)),
            ("tables", .array(r.tables.map { t in
                .object([("table", .string(t.name)), ("source_rows", .int(t.sourceRows)), ("target_rows", int(t.targetRows)),
                         ("source_sha256", text(t.sourceChecksum)), ("target_sha256", text(t.targetChecksum)), ("ok", .bool(t.matches))])
            })),
            ("marks", .array(r.marks.map { m in
                .object([("table", .string(m.table)), ("column", .string(m.column)), ("source", .int(Int(m.source))),
                         ("target", m.target.map { JSON.int(Int($0)) } ?? .null), ("ok", .bool(m.kept))])
            })),
        ])
    }

    static func storeCopyText(_ r: StoreCopyReport) -> String {
        let held = r.tables.filter { $0.sourceRows > 0 || ($0.targetRows ?? 0) > 0 }
        var lines: [String]
        switch r.mode {
        case .dryRun:
            let there = r.tables.reduce(0) { $0 + ($1.targetRows ?? 0) }
            lines = ["Dry run: would copy «\(r.school)» from \(r.source) to \(r.target): \(r.tables.count) tables, \(r.sourceRows) rows"
                     + (there > 0 ? " (replacing the \(there) rows there)." : "; nothing was written.")]
            lines += held.map { "  \($0.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \($0.sourceRows)" }
        case .verify, .copy:
            let verb = r.mode == .copy ? (r.committed ? "Copied" : "Not copied (the verification failed; nothing was committed):") : (r.ok ? "Verified" : "Differs:")
            lines = ["\(verb) «\(r.school)» \(r.source) → \(r.target): \(r.tables.count) tables, \(r.sourceRows) rows, in \(String(format: "%.1f", r.seconds)) s"
                     + (r.ok ? "; every table's row count and SHA-256 checksum agree on both sides." : ".")]
            lines += held.map { t in
                "  \(t.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(t.sourceRows).padding(toLength: 9, withPad: " ", startingAt: 0)) \(String((t.sourceChecksum ?? "").prefix(16)))\(t.matches ? "" : "  DIFFERS")"
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The error lines of a copy or a verify that found a difference (exit 65), naming each table.
    static func storeCopyDifferences(_ r: StoreCopyReport) -> [String] {
        var lines = r.tables.filter { !$0.matches }.map { t in
            "error: table \(t.name) differs: the source has \(t.sourceRows) rows (sha256 \(t.sourceChecksum ?? "-")), the target \(t.targetRows.map(String.init) ?? "no") rows (sha256 \(t.targetChecksum ?? "-"))"
        }
        lines += r.marks.filter { !$0.kept }.map { "error: \($0.table).\($0.column) would continue at \(($0.target ?? 0) + 1) on the target, before the source's \($0.source)" }
        lines.append(r.mode == .copy ? "error: nothing was committed to \(r.target)" : "error: \(r.target) is not an exact copy of \(r.source)")
        return lines
    }
}
