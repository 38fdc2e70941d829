import Foundation
import JournalModel
import JournalStore

/// The night's archive step: each period of the current school year that has closed (its end
/// date before today, in the school's time zone) and that no night archived yet is archived
/// with `archive build --period NAME --out ARCHIVE` (issue 17's command, when this build has
/// it); the periods done are remembered in the store (`night.archived`). Without the
/// command, or without `archive =` in the configuration, the step reports
/// `"status": "not available"` and succeeds.
enum ArchiveStep {
    static let command = ["archive", "build"]

    static let run: @Sendable (NightContext) -> NightStepResult = { n in
        guard CLI.commands.contains(where: { $0.words == command }) else {
            return NightStepResult(exitCode: ExitCode.ok, summary: .object([("status", .string("not available")),
                ("note", .string("this build has no archive build command"))]))
        }
        guard let dir = n.config.archive else {
            return NightStepResult(exitCode: ExitCode.ok, summary: .object([("status", .string("not available")),
                ("note", .string("no archive folder in the configuration (archive = DIR)"))]))
        }
        do {
            let store = try JournalStore.open(at: n.command.storePath, readOnly: true)
            let done = Set((try store.meta("night.archived")).flatMap { try? JSON.parse($0) }?.array?.compactMap(\.string) ?? [])
            let due = try closedPeriods(store).filter { !done.contains($0.id) }
            var archived: [JSON] = []
            var codes: [Int32] = []
            var nowDone = done
            for p in due {
                let options = ["--period": p.name, "--out": dir].merging(n.config.archiveSigning) { a, _ in a }
                let r = n.runCommand(command, options: options, step: "archive")
                codes.append(r.code)
                archived.append(.object([("period", .string(p.name)), ("exit_code", .int(Int(r.code))), ("result", r.summary)]))
                if r.code == 0 { nowDone.insert(p.id) }
            }
            if !n.dryRun, nowDone != done {
                try JournalStore.open(at: n.command.storePath).setMeta("night.archived", JSON.array(nowDone.sorted().map(JSON.string)).serialized())
            }
            return NightStepResult(exitCode: Urgency.worst(codes), summary: .object([("periods", .array(archived))]))
        } catch {
            let (code, lines) = CLI.outcome(of: error, storePath: n.command.storePath)
            return NightStepResult(exitCode: code, summary: .object([("error", .string(lines.joined(separator: "\n")))]))
        }
    }

    /// The closed periods of the latest school year (names repeat from year to year; the
    /// archive command names a period by its name in the current year).
    static func closedPeriods(_ store: JournalStore) throws -> [(id: String, name: String)] {
        let today = store.today.description
        let periods = try store.records(.period).compactMap { r -> (id: String, year: String, name: String, end: String)? in
            guard let name = r[Period.name].text, let end = r[Period.endDate].text, let year = r[Period.year].text else { return nil }
            return (r.id, year, name, end)
        }
        guard let latest = periods.max(by: { $0.end < $1.end })?.year else { return [] }
        return periods.filter { $0.year == latest && $0.end < today }.sorted { $0.end < $1.end }.map { ($0.id, $0.name) }
    }
}
