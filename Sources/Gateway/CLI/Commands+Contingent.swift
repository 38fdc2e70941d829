import Foundation
import Adapters
import JournalModel
import JournalStore

extension CLI {
    static let contingentCommands: [Command] = [
        Command(words: ["import", "contingent"],
                summary: CommandText.importContingent.says(),
                usage: "import contingent FILE [--mode snapshot|delta] [--date YYYY-MM-DD] [--sheet NAME] [--columns FILE] [--dry-run] [--confirm-withdrawals] [--json]",
                options: ["--mode", "--date", "--sheet", "--columns"], flags: ["--dry-run", "--confirm-withdrawals", "--json"]) { a, ctx in
            guard a.positionals.count == 1 else { throw GatewayError.usage(.takesOne, ["command": "import contingent", "what": "FILE"]) }
            let modeText = a.option("--mode") ?? "snapshot"
            guard let mode = ContingentMode(rawValue: modeText) else { throw GatewayError.usage(.mode, ["value": modeText]) }
            var date: CivilDate?
            if let d = a.option("--date") {
                guard let parsed = CivilDate(iso: d), d.count == 10 else { throw GatewayError.usage(.takesDate, ["option": "--date", "value": d]) }
                date = parsed
            }
            let columnsPath = a.option("--columns") ?? Resources.mappings(ctx.environment) + "/contingent/columns.tsv"
            let columns: ColumnMap
            do { columns = try ColumnMap(path: columnsPath) } catch let e as ContingentError { throw GatewayError.badInput(e.description) }
            let dry = a.flag("--dry-run")
            return try ctx.withLockedStore("import contingent") { store in
                let run = RunRecord(counterpart: "contingent", command: "import contingent")
                let file = a.positionals[0]
                var importer = ContingentImporter(store: store, origin: Origin(source: "contingent", runID: run.id))
                importer.policy = try Resources.policy(ctx.environment)
                let result = try importer.run(path: file, columns: columns, mode: mode, date: date, sheet: a.option("--sheet"), dryRun: dry,
                         confirmWithdrawals: a.flag("--confirm-withdrawals"))
                let held = result.heldExplanation(file: file, ctx.language)
                if !dry { try run.save(store, status: held == nil ? "ok" : "withdrawals_held", summary: result.json()) }
                // Standard output keeps the summary; warnings and the brake's explanation go to standard error.
                ctx.console.out(a.flag("--json") ? result.json().pretty() : result.text(file: file, ctx.language))
                for w in result.warningLines(file: file, ctx.language) { ctx.console.err(w) }
                if let held {
                    ctx.console.err(ErrorText.line.text(ctx.language, ["message": held]))
                    return ExitCode.dataError
                }
                return ExitCode.ok
            }
        },
    ]
}
