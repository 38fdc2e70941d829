import Foundation
import JournalModel
import JournalStore

/// `journal-gateway night`: the whole night in order, under one run lock (docs/operations.md).
///
/// The steps are a list (``steps(_:)``): to add one, add a ``NightStep`` there. Each step's
/// failure is its exit code; the steps after it still run (a diary feed still goes out when
/// ЭПОС is down). The night's exit code is the worst by ``Urgency``.
enum Night {
    static func steps(_ config: SchoolConfig) -> [NightStep] {
        var out: [NightStep] = []
        if config.inbox != nil { out.append(NightStep(name: "import inbox", run: InboxStep.run)) }
        for p in config.platforms {
            let name = p.name
            out.append(NightStep(name: "sync \(name)") { n in
                let r = n.runCommand(["sync", name], options: n.config.portal(name)?.options.mapValues(\.value) ?? [:], step: "sync \(name)")
                return NightStepResult(exitCode: r.code, summary: r.summary)
            })
        }
        if let diary = config.diary {
            out.append(NightStep(name: "feed diary") { n in
                let r = n.runCommand(["feed", "diary"], options: diary.options.mapValues(\.value), step: "feed diary")
                return NightStepResult(exitCode: r.code, summary: r.summary)
            })
        }
        if config.extractWeekday != nil, config.extracts != nil { out.append(NightStep(name: "extract weekly", run: ExtractStep.run)) }
        out.append(NightStep(name: "archive", run: archiveStep))
        return out
    }

    /// The archive after a period closes: the `archive` command is built elsewhere (issue 17);
    /// until it is in this build the step says so and succeeds.
    static let archiveStep: @Sendable (NightContext) -> NightStepResult = { n in
        guard CLI.commands.contains(where: { $0.words.first == "archive" }) else {
            return NightStepResult(exitCode: ExitCode.ok, summary: .object([("status", .string("not available")),
                ("note", .string("this build has no archive command"))]))
        }
        return NightStepResult(exitCode: ExitCode.ok, summary: .object([("status", .string("not available")),
            ("note", .string("the archive command is in this build but the night does not run it yet"))]))
    }

    struct Report {
        var steps: [(name: String, result: NightStepResult, seconds: Double)] = []
        var exitCode: Int32 { Urgency.worst(steps.map(\.result.exitCode)) }

        var json: JSON {
            .object([("steps", .array(steps.map { .object([("step", .string($0.name)), ("exit_code", .int(Int($0.result.exitCode))),
                                                          ("summary", $0.result.summary)]) })),
                     ("exit_code", .int(Int(exitCode)))])
        }

        var lines: [String] {
            var out = steps.map { s in
                let state = s.result.exitCode == 0 ? "ok" : "exit \(s.result.exitCode)"
                let error = s.result.summary["error"]?.string.map { ": " + ($0.split(separator: "\n").first.map(String.init) ?? "") } ?? ""
                return "\(s.name): \(state)\(error)"
            }
            out.append("night: exit \(exitCode)")
            return out
        }
    }

    /// Runs every step in order; the caller holds the run lock.
    static func run(_ n: NightContext, steps: [NightStep]) -> Report {
        var report = Report()
        for step in steps {
            n.log.event("info", step: step.name, "started")
            let start = Date()
            let result = step.run(n)
            let seconds = Date().timeIntervalSince(start)
            n.log.event(result.exitCode == 0 ? "info" : "error", step: step.name, "finished: exit \(result.exitCode)")
            report.steps.append((step.name, result, seconds))
        }
        return report
    }
}

/// The inbox: each list the secretary dropped there is imported (`import contingent`), then
/// moved to `done/`, or to `failed/` with `NAME.error.txt` beside it saying why.
enum InboxStep {
    static let run: @Sendable (NightContext) -> NightStepResult = { n in
        guard let inbox = n.config.inbox else { return NightStepResult(exitCode: 0, summary: .object([])) }
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: inbox, isDirectory: &isDir), isDir.boolValue else {
            return NightStepResult(exitCode: ExitCode.usage, summary: .object([("error", .string("the inbox \(inbox) is not a folder: create it (the secretary drops class lists there)"))]))
        }
        // Lists only: hidden files and files still being copied (`.part`, `.tmp`) wait.
        let names = ((try? fm.contentsOfDirectory(atPath: inbox)) ?? []).filter { name in
            var d: ObjCBool = false
            return !name.hasPrefix(".") && !name.hasSuffix(".part") && !name.hasSuffix(".tmp")
                && fm.fileExists(atPath: inbox + "/" + name, isDirectory: &d) && !d.boolValue
        }.sorted()
        var files: [JSON] = []
        var codes: [Int32] = []
        for name in names {
            let path = inbox + "/" + name
            let r = n.runCommand(["import", "contingent"], positionals: [path], step: "import inbox")
            codes.append(r.code)
            let target = r.code == 0 ? "done" : "failed"
            if n.dryRun {
                files.append(.object([("file", .string(name)), ("exit_code", .int(Int(r.code))), ("would_move_to", .string(target)), ("result", r.summary)]))
                continue
            }
            var moved: String? = inbox + "/" + target + "/" + name
            do {
                try fm.createDirectory(atPath: inbox + "/" + target, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                if fm.fileExists(atPath: moved!) {
                    moved = inbox + "/" + target + "/" + stamped(name, n.now)
                }
                try fm.moveItem(atPath: path, toPath: moved!)
                if r.code != 0 {
                    let why = (r.errors.isEmpty ? ["exit \(r.code)"] : r.errors).joined(separator: "\n") + "\n"
                    _ = fm.createFile(atPath: moved! + ".error.txt", contents: Data(why.utf8), attributes: [.posixPermissions: 0o600])
                }
            } catch {
                n.log.event("error", step: "import inbox", "cannot move \(name) to \(target)/: \(error)")
                codes.append(ExitCode.cannotCreate)
                moved = nil
            }
            files.append(.object([("file", .string(name)), ("exit_code", .int(Int(r.code))),
                                  ("moved_to", moved.map(JSON.string) ?? .null), ("result", r.summary)]))
        }
        return NightStepResult(exitCode: Urgency.worst(codes), summary: .object([
            ("files", .array(files)), ("imported", .int(codes.filter { $0 == 0 }.count)), ("failed", .int(codes.filter { $0 != 0 }.count))]))
    }

    /// `list.csv` → `list-20261203T013000.csv`, so a list of the same name never overwrites one kept.
    static func stamped(_ name: String, _ now: Date) -> String {
        let stamp = JournalStore.timestamp(now).filter { $0.isNumber || $0 == "T" }.prefix(15)
        let ext = (name as NSString).pathExtension
        let base = (name as NSString).deletingPathExtension
        return ext.isEmpty ? "\(base)-\(stamp)" : "\(base)-\(stamp).\(ext)"
    }
}

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
                      rename(out + ".part", out) == 0 else { throw GatewayError(ExitCode.cannotCreate, "cannot write \(out)") }
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
