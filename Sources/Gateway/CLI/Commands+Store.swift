import Foundation
import JournalModel
import JournalStore

extension CLI {
    static let storeCommands: [Command] = [
        Command(words: ["init"], summary: CommandText.initStore.says(),
                usage: "init --school NAME --timezone ZONE [--json]", options: ["--school", "--timezone"], flags: ["--json"]) { a, ctx in
            let store = try JournalStore.create(at: ctx.storePath, school: try a.required("--school"), timeZone: try a.required("--timezone"))
            if a.flag("--json") {
                ctx.console.out(JSON.object([("store", .string(store.path)), ("school", .string(store.school.name)),
                                             ("time_zone", .string(store.school.timeZoneID)), ("schema_version", .int(store.schemaVersion))]).pretty())
            } else {
                ctx.console.out(ResultText.created.text(ctx.language, ["path": store.path, "school": store.school.name, "zone": store.school.timeZoneID]))
            }
            return ExitCode.ok
        },
        Command(words: ["status"], summary: CommandText.status.says(),
                usage: "status [--json]", flags: ["--json"]) { a, ctx in
            let report = try StatusReport.gather(try ctx.openStore())
            ctx.console.out(a.flag("--json") ? report.pretty() : StatusReport.text(report, language: ctx.language))
            return ExitCode.ok
        },
        Command(words: ["merge-duplicates"], summary: CommandText.mergeDuplicates.says(),
                usage: "merge-duplicates [--dry-run] [--json]", flags: ["--dry-run", "--json"]) { a, ctx in
            let dry = a.flag("--dry-run")
            let report = try ctx.withLockedStore("merge-duplicates") { store in try DuplicateMerge.run(store, dryRun: dry) }
            ctx.console.out(a.flag("--json") ? report.json.pretty() : DuplicateMerge.text(report, dryRun: dry))
            return ExitCode.ok
        },
        Command(words: ["history"], summary: CommandText.history.says(),
                usage: "history (RECORD-ID | FILE-NUMBER | CLASS | SUBJECT) [--json]", flags: ["--json"]) { a, ctx in
            guard a.positionals.count == 1 else { throw GatewayError.usage(.historyOne) }
            let store = try ctx.openStore()
            // The id as written (a deleted record keeps its history), else what a person knows the record by.
            var entries = try store.history(recordID: a.positionals[0])
            if entries.isEmpty {
                let found = try RecordReference.resolve(a.positionals[0], in: store)
                guard found.count <= 1 else {
                    throw GatewayError.usage(.ambiguous, ["reference": a.positionals[0], "n": "\(found.count)", "records": found.map { "\($0.kind.rawValue) \($0.id)" }.joined(separator: ", ")])
                }
                if let one = found.first { entries = try store.history(recordID: one.id) }
            }
            if a.flag("--json") {
                ctx.console.out(JSON.array(entries.map(historyJSON)).pretty())
            } else if entries.isEmpty {
                ctx.console.out(ResultText.noHistory.text(ctx.language, ["reference": a.positionals[0]]))
            } else {
                for e in entries { ctx.console.out(historyText(e)) }
            }
            return ExitCode.ok
        },
    ]

    static func historyJSON(_ e: ChangeEntry) -> JSON {
        func v(_ f: FieldValue) -> JSON { if case .int(let i) = f { return .int(i) }; return f.text.map(JSON.string) ?? .null }
        return .object([("seq", .int(e.seq)), ("at", .string(e.at)), ("entity", .string(e.entity.rawValue)),
                        ("id", .string(e.recordID)), ("op", .string(e.op)), ("source", .string(e.origin.source)),
                        ("run_id", e.origin.runID.map(JSON.string) ?? .null), ("account", e.origin.account.map(JSON.string) ?? .null),
                        ("changes", .array(e.changes.map { .object([("field", .string($0.name)), ("old", v($0.old)), ("new", v($0.new))]) }))])
    }

    static func historyText(_ e: ChangeEntry) -> String {
        var who = e.origin.source
        if let run = e.origin.runID { who += ", run \(run)" }
        if let acc = e.origin.account { who += ", account \(acc)" }
        var lines = ["#\(e.seq)  \(e.at)  \(e.op) \(e.entity.rawValue) \(e.recordID)  (\(who))"]
        for c in e.changes { lines.append("    \(c.name): \(c.old) → \(c.new)") }
        return lines.joined(separator: "\n")
    }
}
