import Foundation
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
/// id there is `ASSIGNMENT:STUDENT`): read on demand, through a read-only connection of
/// its own, from what is committed.
final class ASURSOAssignmentLookup: @unchecked Sendable {
    private let lock = NSLock()
    private let db: Database

    init(storePath: String) throws { db = try Database(path: storePath, readOnly: true) }

    func find(_ assignment: Int) -> (lesson: Int, type: Int, weight: Int)? {
        lock.withLock {
            var found: (lesson: Int, type: Int, weight: Int)?
            // ":" < ";": the range holds exactly the ids "A:…" of this assignment.
            try? db.forEach("""
                SELECT il.external_id, iw.external_id, m.weight FROM identity im
                JOIN mark m ON m.id = im.local_id
                JOIN identity il ON il.counterpart = im.counterpart AND il.entity = 'lesson' AND il.local_id = m.lesson
                JOIN identity iw ON iw.counterpart = im.counterpart AND iw.entity = 'work_type' AND iw.local_id = m.work_type
                WHERE im.counterpart = 'asu-rso' AND im.entity = 'mark' AND im.external_id >= ? AND im.external_id < ?
                LIMIT 1
                """, [.text("\(assignment):"), .text("\(assignment);")]) { row in
                if let l = row[0].text.flatMap(Int.init), let t = row[1].text.flatMap(Int.init) {
                    found = (l, t, row[2].int ?? 1)
                }
            }
            return found
        }
    }
}

/// Where each lesson the store shares with АСУ РСО is (class id there, date), so the
/// adapter can read the page of an old lesson the change feed mentions.
enum ASURSOLessonPlaces {
    static func load(_ store: JournalStore) throws -> [String: (classID: Int, date: CivilDate)] {
        var out: [String: (classID: Int, date: CivilDate)] = [:]
        try store.db.forEach("""
            SELECT il.external_id, ic.external_id, l.date FROM identity il
            JOIN lesson l ON l.id = il.local_id
            JOIN identity ic ON ic.counterpart = il.counterpart AND ic.entity = 'class' AND ic.local_id = l.class
            WHERE il.counterpart = 'asu-rso' AND il.entity = 'lesson'
            """) { row in
            if let lesson = row[0].text, let cls = row[1].text.flatMap(Int.init), let d = CivilDate(iso: row[2].text ?? "") {
                out[lesson] = (cls, d)
            }
        }
        return out
    }
}
