import Foundation
import Adapters
import JournalModel
import JournalStore

extension CLI {
    static let contingentCommands: [Command] = [
        Command(words: ["import", "contingent"],
                summary: "import a secretary's class list (CSV in any encoding, or .xlsx): students, classes, guardians, movements",
                usage: "import contingent FILE [--mode snapshot|delta] [--date YYYY-MM-DD] [--sheet NAME] [--columns FILE] [--dry-run] [--json]",
                options: ["--mode", "--date", "--sheet", "--columns"], flags: ["--dry-run", "--json"]) { a, ctx in
            guard a.positionals.count == 1 else { throw GatewayError.usage("import contingent takes one FILE") }
            let modeText = a.option("--mode") ?? "snapshot"
            guard let mode = ContingentMode(rawValue: modeText) else { throw GatewayError.usage("--mode is snapshot or delta, not «\(modeText)»") }
            var date: CivilDate?
            if let d = a.option("--date") {
                guard let parsed = CivilDate(iso: d), d.count == 10 else { throw GatewayError.usage("--date takes YYYY-MM-DD, not «\(d)»") }
                date = parsed
            }
            let columnsPath = a.option("--columns") ?? Resources.mappings(ctx.environment) + "/contingent/columns.tsv"
            let columns: ColumnMap
            do { columns = try ColumnMap(path: columnsPath) } catch let e as ContingentError { throw GatewayError.badInput(e.description) }
            let dry = a.flag("--dry-run")
            return try ctx.withLockedStore("import contingent") { store in
                let run = RunRecord(counterpart: "contingent", command: "import contingent")
                let result = try ContingentImporter(store: store, origin: Origin(source: "contingent", runID: run.id))
                    .run(path: a.positionals[0], columns: columns, mode: mode, date: date, sheet: a.option("--sheet"), dryRun: dry)
                if !dry { try run.save(store, status: "ok", summary: result.json()) }
                ctx.console.out(a.flag("--json") ? result.json().pretty() : result.text(file: a.positionals[0]))
                return ExitCode.ok
            }
        },
    ]
}
