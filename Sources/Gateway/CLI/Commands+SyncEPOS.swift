import Foundation
import Adapters
import JournalModel
import JournalStore
import SyncEngine

extension CLI {
    static let eposSyncCommands: [Command] = [
        Command(words: ["sync", "epos"],
                summary: "nightly sync with ЭПОС.Школа: pull, three-way merge, push, queue conflicts",
                usage: "sync epos --url URL --school-id ID (--login LOGIN [--password-file F] | --session-file F) [--requests-per-second N] [--full] [--allow-deletions N] [--dry-run] [--json]",
                options: ["--url", "--school-id", "--login", "--password-file", "--session-file", "--allow-deletions", "--requests-per-second"],
                flags: ["--full", "--dry-run", "--json"]) { a, ctx in
            guard let url = URL(string: try a.required("--url")), url.scheme == "http" || url.scheme == "https" else {
                throw GatewayError.usage("--url must be an http(s) address")
            }
            // The portal allows 10 requests a second per token; a lower pace leaves room for other tools.
            let pace = try a.int("--requests-per-second") ?? 10
            guard pace >= 1 else { throw GatewayError.usage("--requests-per-second takes a whole number from 1") }
            // A password, or in Госуслуги-only regions a session saved from a browser.
            let account = try eposAccount(a, ctx, url)
            let codes: EPOSCodes
            do { codes = try EPOSCodes(directory: Resources.mappings(ctx.environment) + "/epos") } catch let e as CodeTableError {
                throw GatewayError.badInput(e.message)
            }
            var runner = SyncRunner(ctx: ctx, json: a.flag("--json"), dryRun: a.flag("--dry-run"), full: a.flag("--full"))
            runner.allowDeletions = try SyncRunner.allowDeletions(a)
            return try runner.run(command: "sync epos") { store in
                var codes = codes
                codes.journalSubjects = try JournalNamesLoader.load(store, .subject)
                codes.journalWorkTypes = try JournalNamesLoader.load(store, .workType)
                let homework = try EPOSKnownHomework.load(store)
                return EPOSCounterpart(session: EPOSSession(client: runner.client(), account: account, requestsPerSecond: pace),
                                       codes: codes, timeZone: store.school.timeZone, knownHomework: { homework.contains($0) })
            }
        },
    ]
}

/// The schedule items whose homework the store holds as agreed with ЭПОС (a live base):
/// an incremental pull reports such a homework as deleted when the portal's item has none.
enum EPOSKnownHomework {
    static func load(_ store: JournalStore) throws -> Set<String> {
        var out = Set<String>()
        try store.db.forEach("""
            SELECT i.external_id FROM identity i
            JOIN sync_base b ON b.counterpart = i.counterpart AND b.entity = i.entity AND b.local_id = i.local_id
            WHERE i.counterpart = 'epos' AND i.entity = 'homework' AND b.fields IS NOT NULL
            """) { row in
            if let id = row[0].text { out.insert(id) }
        }
        return out
    }
}
