import Foundation
import JournalModel
import JournalStore

/// The weekly extracts (R12) on the configured weekday, for the pupils whose parents the diary
/// portal does not reach (their events were rejected): one printable file per week in `extracts`.
enum ExtractStep {
    static let run: @Sendable (NightContext) -> NightStepResult = { n in
        do {
            let store = try JournalStore.open(at: n.command.storePath, readOnly: true)
            let today = store.today
            guard let day = n.config.extractWeekday, let dir = n.config.extracts else { return NightStepResult(exitCode: 0, summary: .object([])) }
            guard today.weekday == day else {
                return NightStepResult(exitCode: 0, summary: .object([("status", .string("not today")), ("weekday", .int(day))]))
            }
            let monday = today.weekStart
            let week = ISOWeek.name(of: today)
            let students = Array(Set(try DiaryOutbox.rejected(store).map(\.studentID))).sorted()
            let extract = WeeklyExtract(store: store)
            let pages = try students.map { try extract.page(student: $0, week: monday) }
            var file: String? = nil
            if !pages.isEmpty, !n.dryRun {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let out = dir + "/weekly-\(week).html"
                let html = WeeklyExtract.html(pages, school: store.school.name, week: week, monday: monday)
                guard FileManager.default.createFile(atPath: out + ".part", contents: Data(html.utf8), attributes: [.posixPermissions: 0o600]),
                      rename(out + ".part", out) == 0 else { throw OutputError(.write, path: out) }
                file = out
            }
            return NightStepResult(exitCode: 0, summary: .object([("week", .string(week)), ("pages", .int(pages.count)),
                                                                  ("file", file.map(JSON.string) ?? .null)]))
        } catch {
            let (code, lines) = CLI.outcome(of: error, storePath: n.command.storePath)
            return NightStepResult(exitCode: code, summary: .object([("error", .string(lines.joined(separator: "\n")))]))
        }
    }
}
