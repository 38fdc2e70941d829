import Foundation
import Adapters
import JournalModel
import JournalStore
import SyncEngine

extension CLI {
    static let eposSyncCommands: [Command] = [
        Command(words: ["sync", "epos"],
                summary: CommandText.syncEpos.says(),
                usage: "sync epos --url URL --school-id ID (--login LOGIN [--password-file F] | --session-file F) [--requests-per-second N] [--full] [--allow-deletions N] [--dry-run] [--json]",
                options: ["--url", "--school-id", "--login", "--password-file", "--session-file", "--allow-deletions", "--requests-per-second"],
                flags: ["--full", "--dry-run", "--json"]) { a, ctx in
            guard let url = URL(string: try a.required("--url")), url.scheme == "http" || url.scheme == "https" else {
                throw GatewayError.usage(.urlHTTP)
            }
            // The portal allows 10 requests a second per token; a lower pace leaves room for other tools.
            let pace = try a.int("--requests-per-second") ?? 10
            guard pace >= 1 else { throw GatewayError.usage(.pace) }
            // A password, or in Госуслуги-only regions a session saved from a browser.
            let account = try eposAccount(a, ctx, url)
            let codes: EPOSCodes
            do { codes = try EPOSCodes(directory: Resources.mappings(ctx.environment) + "/epos") } catch let e as CodeTableError {
                throw GatewayError.badInput(e.message)
            }
            // Rows per page: 100, the most formats/epos.md allows; tests ask for fewer (more pages to move rows between).
            let perPage = ctx.environment["JOURNAL_GATEWAY_EPOS_PER_PAGE"].flatMap { Int($0) }.map { min(100, max(1, $0)) } ?? 100
            var runner = SyncRunner(ctx: ctx, json: a.flag("--json"), dryRun: a.flag("--dry-run"), full: a.flag("--full"))
            runner.allowDeletions = try SyncRunner.allowDeletions(a)
            return try runner.run(command: "sync epos") { store in
                var codes = codes
                codes.journalSubjects = try JournalNamesLoader.load(store, .subject)
                codes.journalWorkTypes = try JournalNamesLoader.load(store, .workType)
                let homework = try EPOSKnownHomework.load(store)
                return EPOSCounterpart(session: EPOSSession(client: runner.client(), account: account, requestsPerSecond: pace),
                                       codes: codes, timeZone: store.school.timeZone, perPage: perPage, teachers: try EPOSTeacherBook.load(store, mappings: Resources.mappings(ctx.environment)),
                                       knownHomework: { homework.contains($0) })
            }
        },
    ]
}

/// The schedule items whose homework the store holds as agreed with ЭПОС (a live base):
/// an incremental pull reports such a homework as deleted when the portal's item has none.
enum EPOSKnownHomework {
    static func load(_ store: JournalStore) throws -> Set<String> {
        try store.homeworkWithLiveBase(counterpart: "epos")
    }
}

/// The journal's teachers for the ЭПОС adapter (formats/epos.md has no list of them):
/// those the identity map binds to an ЭПОС id, the names a person gave for ЭПОС ids
/// (`epos/teachers.tsv` of the mappings, when there is one), and every teacher by its own id,
/// with the names the contingent or a person gave.
enum EPOSTeacherBook {
    static func load(_ store: JournalStore, mappings: String) throws -> EPOSTeachers {
        var book = try load(store)
        let path = mappings + "/epos/teachers.tsv"
        if FileManager.default.fileExists(atPath: path) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw GatewayError.badInput(.notUTF8, at: .init(path)) }
            book.named = try named(text, path: path)
        }
        return book
    }

    /// `teacher_id<TAB>surname<TAB>name<TAB>patronymic` lines (a header starting with
    /// `teacher_id`, `#` comments, empty lines and an empty patronymic allowed).
    static func named(_ text: String, path: String) throws -> [String: FieldValues] {
        var out: [String: FieldValues] = [:]
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") || line.hasPrefix("teacher_id\t") { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == 3 || f.count == 4, !f[0].isEmpty, !f[1].isEmpty, !f[2].isEmpty else {
                throw GatewayError.badInput(.teacherLine, at: .init(path, line: i + 1))
            }
            guard out[f[0]] == nil else { throw GatewayError.badInput(.teacherTwice, ["id": f[0]], at: .init(path, line: i + 1)) }
            out[f[0]] = FieldValues(.teacher, [Teacher.surname: .text(f[1]), Teacher.name: .text(f[2]),
                                               Teacher.patronymic: f.count == 4 && !f[3].isEmpty ? .text(f[3]) : .null])
        }
        return out
    }

    static func load(_ store: JournalStore) throws -> EPOSTeachers {
        func names(_ r: Record) -> FieldValues {
            FieldValues(.teacher, [Teacher.surname: r[Teacher.surname], Teacher.name: r[Teacher.name], Teacher.patronymic: r[Teacher.patronymic]])
        }
        var journal: [String: FieldValues] = [:]
        for r in try store.records(.teacher) { journal[r.id] = names(r) }
        // The school's software's ids for teachers the store holds under a portal's ids
        // (`journal import` bound them): ЭПОС may share those ids.
        for b in try store.identities(counterpart: JournalAliases.counterpart, .teacher) where journal[b.externalID] == nil {
            if let n = journal[b.localID] { journal[b.externalID] = n }
        }
        var bound: [String: FieldValues] = [:]
        for b in try store.identities(counterpart: "epos", .teacher) {
            if let n = journal[b.localID] { bound[b.externalID] = n }
        }
        return EPOSTeachers(bound: bound, journal: journal)
    }
}
