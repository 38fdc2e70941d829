import Foundation
import Transport
import Adapters
import JournalModel
import JournalStore
import SyncEngine

extension CLI {
    static let syncCommands: [Command] = [
        Command(words: ["sync", "asu-rso"],
                summary: "nightly sync with АСУ РСО: pull, three-way merge, push, queue conflicts",
                usage: "sync asu-rso --url URL --school-id ID (--login LOGIN [--password-file F] | --session-file F) [--full] [--allow-deletions N] [--dry-run] [--json]",
                options: ["--url", "--school-id", "--login", "--password-file", "--session-file", "--allow-deletions"], flags: ["--full", "--dry-run", "--json"]) { a, ctx in
            guard let url = URL(string: try a.required("--url")), url.scheme == "http" || url.scheme == "https" else {
                throw GatewayError.usage("--url must be an http(s) address")
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
                let places = try ASURSOLessonPlaces.load(store)
                let assignments = try ASURSOAssignmentLookup(storePath: store.path)
                try blockingAwait {
                    await c.setLessonLocator { places[$0] }
                    await c.setAssignmentLocator { assignments.find($0) }
                }
                return c
            }
        },
    ]
}

/// The lesson, type and weight of an АСУ РСО assignment the store holds marks of (a mark's
/// id there is `ASSIGNMENT:STUDENT`): read on demand, through a read-only store of its own,
/// from what is committed. The use case owns it; the adapter is handed only the function
/// (`setAssignmentLocator`), no store. On demand rather than a map loaded before the run:
/// a night names a few hundred assignments, while the map would read every mark's identity.
final class ASURSOAssignmentLookup: @unchecked Sendable {
    private let lock = NSLock()
    private let store: JournalStore

    init(storePath: String) throws { store = try JournalStore.open(at: storePath, readOnly: true) }

    func find(_ assignment: Int) -> (lesson: Int, type: Int, weight: Int)? {
        lock.withLock {
            // ":" < ";": the range holds exactly the ids "A:…" of this assignment.
            guard let m = try? store.markPlace(counterpart: "asu-rso", externalIDFrom: "\(assignment):", below: "\(assignment);"),
                  let l = Int(m.lesson), let t = Int(m.workType) else { return nil }
            return (l, t, m.weight)
        }
    }
}

/// Where each lesson the store shares with АСУ РСО is (class id there, date), so the
/// adapter can read the page of an old lesson the change feed mentions.
enum ASURSOLessonPlaces {
    static func load(_ store: JournalStore) throws -> [String: (classID: Int, date: CivilDate)] {
        var out: [String: (classID: Int, date: CivilDate)] = [:]
        for p in try store.lessonPlaces(counterpart: "asu-rso") {
            if let cls = Int(p.classExternalID), let d = CivilDate(iso: p.date) { out[p.lessonExternalID] = (cls, d) }
        }
        return out
    }
}
