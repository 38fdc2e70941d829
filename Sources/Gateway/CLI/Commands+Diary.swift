import Foundation
import Adapters
import JournalModel
import JournalStore
import PortalEmulator
import Synchronization
import Transport

extension CLI {
    static let diaryCommands: [Command] = [feedDiaryCommand, emulatorDiaryCommand, extractWeeklyCommand]

    static let feedDiaryCommand = Command(
        words: ["feed", "diary"],
        summary: CommandText.feedDiary.says(),
        usage: "feed diary (--url URL [--token-file F] | --out DIR) [--school-id ID] [--batch-size N] [--dry-run] [--json] | feed diary --rejected [--json]",
        options: ["--url", "--token-file", "--out", "--school-id", "--batch-size"], flags: ["--json", "--dry-run", "--rejected"]
    ) { a, ctx in
        if a.flag("--rejected") { return try listRejected(a, ctx) }
        let json = a.flag("--json"), dry = a.flag("--dry-run")
        var options = DiaryFeedOptions()
        options.batchSize = try a.int("--batch-size") ?? DiaryBatch.maxEvents
        guard (1...DiaryBatch.maxEvents).contains(options.batchSize) else { throw GatewayError.usage(.batchSize, ["max": "\(DiaryBatch.maxEvents)"]) }
        let console = ctx.console
        options.progress = { console.progress($0) }
        options.checkpoint = crashCheckpoint(ctx.environment["JOURNAL_GATEWAY_CRASH_AT"])
        let makeSink: (JournalStore) throws -> DiarySink?
        switch (a.option("--url"), a.option("--out")) {
        case (let u?, nil):
            guard let url = URL(string: u), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw GatewayError.usage(.urlHTTPNot, ["value": u])
            }
            let tokenFile = a.option("--token-file"), env = ctx.environment
            let readToken = { try Credentials.secret(file: tokenFile, env: "JOURNAL_GATEWAY_DIARY_TOKEN", environment: env, what: "token") }
            _ = try readToken()
            let region = ctx.regionJob
            let client = HTTPClient(onRetry: { attempt, reason, delay in
                console.progress("retry \(attempt): \(reason); waiting \(delay)")
                region?.onHTTPRetry(reason, delay)
            })
            makeSink = { _ in try HTTPDiarySink(url: url, client: client, readToken: readToken) }
        case (nil, let dir?):
            makeSink = { _ in try FileDiarySink(directory: dir) }
        default:
            throw GatewayError.usage(.giveEither, ["first": "--url URL (with --token-file F)", "second": "--out DIR"])
        }
        return try ctx.withLockedStore("feed diary") { real in
            options.schoolID = try schoolID(a, ctx, real, remember: !dry)
            if dry { return try dryRun(real, options: options, json: json, ctx) }
            let run = RunRecord(counterpart: "diary", command: "feed diary")
            let feed = DiaryFeed(store: real, options: options)
            let summary: DiarySummary
            do {
                summary = try feed.run(sink: try makeSink(real))
            } catch let e as GatewayError {
                console.progressDone()
                try? run.save(real, status: "failed", summary: feed.summary.json)
                for line in feed.summary.lines(dryRun: false, ctx.language) { console.err(line) }
                throw e
            }
            console.progressDone()
            try run.save(real, status: summary.exitCode == 0 ? "ok" : "partial", summary: summary.json)
            if json { console.out(summary.json.pretty()) } else { summary.lines(dryRun: false, ctx.language).forEach(console.out) }
            return summary.exitCode
        }
    }

    /// The portal's id of the school: `--school-id` (remembered in the store), else the remembered one.
    static func schoolID(_ a: Arguments, _ ctx: CommandContext, _ store: JournalStore, remember: Bool) throws -> String {
        if let id = a.option("--school-id") {
            guard !id.isBlank else { throw GatewayError.usage(.schoolIDEmpty) }
            if remember { try store.setMeta("diary_school_id", id) }
            return id
        }
        if let id = try store.meta("diary_school_id") { return id }
        if let id = ctx.environment["JOURNAL_GATEWAY_DIARY_SCHOOL_ID"], !id.isEmpty { return id }
        throw GatewayError.usage(.schoolIDUnknown)
    }

    /// Plans on a copy of the store and reports what would be sent; nothing is written or sent.
    static func dryRun(_ real: JournalStore, options: DiaryFeedOptions, json: Bool, _ ctx: CommandContext) throws -> Int32 {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("journal-gateway-diary-dry-\(getpid()).sqlite").path
        try? FileManager.default.removeItem(atPath: tmp)
        try real.copy(to: tmp)
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: tmp + s) } }
        let copy = try JournalStore.open(at: tmp)
        let summary = try DiaryFeed(store: copy, options: options).run(sink: nil)
        ctx.console.progressDone()
        if json {
            var j = summary.json
            if case .object(var p) = j { p.insert(("dry_run", .bool(true)), at: 0); j = .object(p) }
            ctx.console.out(j.pretty())
        } else {
            summary.lines(dryRun: true, ctx.language).forEach(ctx.console.out)
            ctx.console.out(ResultText.diaryDryRun.text(ctx.language))
        }
        return ExitCode.ok
    }

    static func listRejected(_ a: Arguments, _ ctx: CommandContext) throws -> Int32 {
        let items = try DiaryOutbox.rejected(try ctx.openStore())
        if a.flag("--json") {
            ctx.console.out(JSON.array(items.map(\.json)).pretty())
        } else if items.isEmpty {
            ctx.console.out(ResultText.noRejected.text(ctx.language))
        } else {
            for r in items {
                ctx.console.out("\(r.rejectedAt)  \(r.eventID)  \(r.type)  \(r.studentName) (\(r.studentID))  → \(r.guardians.joined(separator: ", "))  reason: \(r.reason)")
            }
            ctx.console.out(ResultText.rejectedCount.text(ctx.language, ["n": "\(items.count)"]))
        }
        return ExitCode.ok
    }

    /// `JOURNAL_GATEWAY_CRASH_AT=<checkpoint>:<n>`: kill this process (SIGKILL, as `kill -9`)
    /// the n-th time the feed reaches that checkpoint. A test hook; unset, it does nothing.
    static func crashCheckpoint(_ spec: String?) -> @Sendable (String) -> Void {
        guard let spec, let colon = spec.lastIndex(of: ":"), let n = Int(spec[spec.index(after: colon)...]) else { return { _ in } }
        let point = String(spec[..<colon])
        let seen = Mutex(0)
        return { reached in
            guard reached == point else { return }
            if seen.withLock({ $0 += 1; return $0 }) == n { kill(getpid(), SIGKILL) }
        }
    }

    static let emulatorDiaryCommand = Command(
        words: ["emulator", "diary"],
        summary: CommandText.emulatorDiary.says(),
        usage: "emulator diary [--port N] [--faults SPEC] [--seed N] [--guardians FILE]",
        options: ["--port", "--faults", "--seed", "--guardians"]
    ) { a, ctx in
        let port = try a.int("--port") ?? 0
        guard (0...65535).contains(port) else { throw GatewayError.usage(.portRange) }
        var options = DiaryEmulatorOptions(port: UInt16(port), faults: try faultSpec(a.option("--faults")), seed: UInt64(try a.int("--seed") ?? 1))
        do {
            if let file = a.option("--guardians") { options.knownGuardians = try DiaryEmulatorOptions.guardians(fromFile: file) }
        } catch { throw GatewayError.usage("\(error)") }
        let emulator: RunningDiaryEmulator
        do { emulator = try DiaryEmulator.start(options) } catch { throw EmulatorStartFailure(portal: "diary", reason: "\(error)") }
        ctx.console.out(emulator.readyLine)
        ctx.console.err("Diary portal emulator ready; stop it with Ctrl-C or SIGTERM.")
        waitForTermination({ emulator.stop() }, wait: { emulator.waitUntilStopped() })
        return ExitCode.ok
    }

    static let extractWeeklyCommand = Command(
        words: ["extract", "weekly"],
        summary: CommandText.extractWeekly.says(),
        usage: "extract weekly (--student ID | --student FILE-NUMBER | --class 5А) --week 2026-W37 --out FILE.html",
        options: ["--student", "--class", "--week", "--out"]
    ) { a, ctx in
        let weekText = try a.required("--week")
        guard let monday = ISOWeek.monday(weekText) else { throw GatewayError.usage(.week, ["value": weekText]) }
        let out = try a.required("--out")
        let store = try ctx.openStore()
        let extract = WeeklyExtract(store: store)
        let pages: [WeeklyExtract.Page]
        switch (a.option("--student"), a.option("--class")) {
        case (let ref?, nil): pages = [try extract.page(student: try RecordReference.student(ref, in: store), week: monday)]
        case (nil, let cls?): pages = try extract.pages(className: cls, week: monday)
        default: throw GatewayError.usage(.giveEither, ["first": "--student ID", "second": "--class NAME"])
        }
        let html = WeeklyExtract.html(pages, school: store.school.name, week: weekText, monday: monday)
        let tmp = out + ".part"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(html.utf8), attributes: [.posixPermissions: 0o600]),
              rename(tmp, out) == 0 else { throw OutputError(.write, path: out) }
        ctx.console.out(ResultText.extractWrote.text(ctx.language, ["path": out, "pages": "\(pages.count)", "week": weekText,
                                                             "from": monday.russian, "to": monday.adding(days: 6).russian]))
        return ExitCode.ok
    }
}
