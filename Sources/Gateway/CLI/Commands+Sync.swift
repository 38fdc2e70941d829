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
                let c = ASURSOCounterpart(session: ASURSOSession(client: runner.client(), account: account), codes: codes,
                                          timeZone: store.school.timeZone, today: store.today)
                // Lessons looked up one at a time, when the adapter needs one: the engine waits
                // for the adapter while it asks, so the store has one user at a time.
                let lookup = ASURSOLessonPlaces.lookup(store)
                try blockingAwait { await c.setLessonPlaces(lookup: lookup) }
                return c
            }
        },
    ]
}

/// Where each lesson the store shares with АСУ РСО is (class id there, date), so the
/// adapter can read the page of an old lesson the change feed mentions.
enum ASURSOLessonPlaces {
    /// One lesson's place, read when asked.
    static func lookup(_ store: JournalStore) -> @Sendable (String) throws -> (classID: Int, date: CivilDate)? {
        nonisolated(unsafe) let store = store
        return { lesson in
            guard let p = try store.lessonPlace(counterpart: "asu-rso", lessonExternalID: lesson),
                  let cls = Int(p.classExternalID), let d = CivilDate(iso: p.date) else { return nil }
            return (cls, d)
        }
    }
}
