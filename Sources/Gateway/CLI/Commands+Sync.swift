import Foundation
import Transport
import Adapters
import JournalModel
import JournalStore
import SyncEngine

extension CLI {
    static let syncCommands: [Command] = [
        Command(words: ["sync", "asu-rso"],
                summary: CommandText.syncAsuRso.says(),
                usage: "sync asu-rso --url URL --school-id ID (--login LOGIN [--password-file F] | --session-file F) [--full] [--allow-deletions N] [--dry-run] [--json]",
                options: ["--url", "--school-id", "--login", "--password-file", "--session-file", "--allow-deletions"], flags: ["--full", "--dry-run", "--json"]) { a, ctx in
            guard let url = URL(string: try a.required("--url")), url.scheme == "http" || url.scheme == "https" else {
                throw GatewayError.usage(.urlHTTP)
            }
            // A password, or in Госуслуги-only regions a session saved from a browser.
            let account = try asuAccount(a, ctx, url)
            let codes: ASURSOCodes
            do { codes = try ASURSOCodes(directory: Resources.mappings(ctx.environment) + "/asu-rso") } catch let e as CodeTableError {
                throw GatewayError.badInput(e.message)
            }
            var runner = SyncRunner(ctx: ctx, json: a.flag("--json"), dryRun: a.flag("--dry-run"), full: a.flag("--full"))
            runner.allowDeletions = try SyncRunner.allowDeletions(a)
            return try runner.run(command: "sync asu-rso") { store in
                var codes = codes
                codes.journalSubjects = try JournalNamesLoader.load(store, .subject)
                codes.journalWorkTypes = try JournalNamesLoader.load(store, .workType)
                // Where old lessons sit (their class and date) is asked of the journal by the
                // adapter when it needs it (`PullNeed.lessonPlace`), not loaded for every run.
                return ASURSOCounterpart(session: ASURSOSession(client: runner.client(), account: account), codes: codes,
                                         timeZone: store.school.timeZone, today: store.today)
            }
        },
    ]
}
