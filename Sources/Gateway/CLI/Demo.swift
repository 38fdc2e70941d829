import Foundation
import JournalModel
import JournalStore
import PortalEmulator

extension CLI {
    static let demoCommand = Command(words: ["demo"], summary: CommandText.demo.says(),
                                     usage: "demo [--keep]", flags: ["--keep"]) { a, ctx in
        let samples = Resources.samples(ctx.environment)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-gateway-demo-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { if !a.flag("--keep") { try? FileManager.default.removeItem(at: dir) } }
        let store = dir.appendingPathComponent("journal.sqlite").path
        var env = ctx.environment
        func step(_ title: String, _ args: [String], expect: Int32 = ExitCode.ok) throws {
            ctx.console.out("\n$ journal-gateway " + args.joined(separator: " ") + "    # " + title)
            let code = CLI.run(["--store", store] + args, console: ctx.console, environment: env)
            guard code == expect else { throw DemoFailure(step: title, stepExit: code) }
        }
        ctx.console.out("Demo store: \(store)")
        try step("create the school's store", ["init", "--school", "МБОУ «Школа № 122» г. о. Самара", "--timezone", "Europe/Samara"])
        try step("the secretary's class list (cp1251, «;», title and footer)",
                 ["import", "contingent", samples + "/contingent/list-2026-09-01.csv"])
        try step("the week's journal from the school's own software", ["journal", "import", samples + "/journal/week.jsonl"])
        try step("import it again: nothing changes", ["journal", "import", samples + "/journal/week.jsonl"])

        // The regional portal, in-process, on loopback.
        let emulator: RunningEmulator
        do { emulator = try ASURSOEmulator.start(EmulatorOptions(seedDir: samples + "/asu-rso")) } catch {
            throw EmulatorStartFailure(portal: "АСУ РСО", reason: "\(error)", forDemo: true)
        }
        defer { emulator.stop() }
        ctx.console.out("\nАСУ РСО emulator: \(emulator.url) (school \(emulator.schoolID))")
        env["JOURNAL_GATEWAY_PASSWORD"] = emulator.password
        let sync = ["sync", "asu-rso", "--url", emulator.url.absoluteString, "--school-id", emulator.schoolID, "--login", emulator.login]
        try step("first nightly sync: pull the portal's journal, merge, push ours", sync)
        try step("the next night: nothing new", sync)

        // The same final mark changed on both sides: a person decides (mappings/policy.tsv).
        let s = try JournalStore.open(at: store)
        guard var fm = s.record(.finalMark, id: "fm-1") else { throw DemoFailure(step: "sample final mark fm-1 missing", stepExit: nil) }
        fm[FinalMark.value] = .text("5")
        try JournalLine.record(fm).encoded().write(toFile: dir.appendingPathComponent("teacher.jsonl").path, atomically: false, encoding: .utf8)
        try step("the teacher raises a final mark to 5 in the school's journal", ["journal", "import", dir.appendingPathComponent("teacher.jsonl").path])
        _ = emulator.edit([.object([("op", .string("upsertFinalMark")), ("studentId", .int(9022)), ("subjectId", .int(77)),
                                    ("termId", .int(11)), ("mark", .string("3"))])])
        ctx.console.out("\n(on the portal, the deputy head sets the same final mark to 3)")
        try step("sync: the two values disagree, so the conflict is queued", sync)
        try step("the conflict queue", ["conflicts", "list"])
        let queued = try ConflictIDs.open(store)
        guard let first = queued.first else { throw DemoFailure(step: "expected a queued conflict", stepExit: nil) }
        try step("one conflict in full", ["conflicts", "show", String(first)])
        try step("the administrator keeps the journal's value", ["conflicts", "resolve", String(first), "--take", "local"])
        try step("sync: the decision is pushed to the portal", sync)
        try step("what the store holds", ["status"])
        ctx.console.out("\nPortal counters: \(emulator.stats().serialized())")
        try demoDiary({ try step($0, $1, expect: $2) }, dir: dir, ctx)
        if a.flag("--keep") { ctx.console.out("\nKept \(store).") }
        return ExitCode.ok
    }
}

/// Open conflict ids, for the demo's walk through the queue.
enum ConflictIDs {
    static func open(_ path: String) throws -> [Int] {
        let s = try JournalStore.open(at: path)
        return try s.openConflictIDs()
    }
}

extension CLI {
    /// The demo's last act: the parents' diary feed to an in-process portal emulator, a
    /// change delivered on the next run, and the printed weekly extract (R12).
    static func demoDiary(_ step: (String, [String], Int32) throws -> Void, dir: URL, _ ctx: CommandContext) throws {
        let portal: RunningDiaryEmulator
        do { portal = try DiaryEmulator.start(DiaryEmulatorOptions()) } catch {
            throw EmulatorStartFailure(portal: "diary", reason: "\(error)", forDemo: true)
        }
        defer { portal.stop() }
        ctx.console.out("\nDiary portal emulator: \(portal.url) (school \(portal.schoolID))")
        let tokenFile = dir.appendingPathComponent("diary.token").path
        guard FileManager.default.createFile(atPath: tokenFile, contents: Data((portal.token + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw OutputError(.write, path: tokenFile)
        }
        let feed = ["feed", "diary", "--url", portal.url.absoluteString, "--token-file", tokenFile]
        try step("the parents' diary: the first delivery carries the year so far", feed + ["--school-id", portal.schoolID], ExitCode.ok)
        let change = dir.appendingPathComponent("mark-change.jsonl").path
        let mark = #"{"type": "mark", "id": "mk-5А-2026-09-07-1-05-1008-answer", "lesson": "les-5А-2026-09-07-1", "student": "stu-05-1008", "work_type": "wt-answer", "value": "5", "point": false, "weight": 1}"#
        try (mark + "\n").write(toFile: change, atomically: false, encoding: .utf8)
        try step("the teacher corrects a mark (4 → 5)", ["journal", "import", change], ExitCode.ok)
        try step("the next delivery carries only the change", feed, ExitCode.ok)
        ctx.console.out("\nDiary portal counters: \(portal.stats().serialized())")
        ctx.console.out(recipientsLine(portal.acceptedEvents()))
        let extract = dir.appendingPathComponent("extract-5А-2026-W37.html").path
        try step("the printed weekly extract for parents without electronic access (R12)",
                 ["extract", "weekly", "--class", "5А", "--week", "2026-W37", "--out", extract], ExitCode.ok)
    }
}

extension CLI {
    /// What the diary portal received, per parent: every event should reach each of the
    /// child's guardians once (a parent stored twice would receive it twice).
    static func recipientsLine(_ events: [JSON]) -> String {
        var deliveries = 0
        var doubled = 0
        var parents: Set<String> = []
        for e in events {
            var seen: Set<String> = []
            var twice = false
            for r in e["recipients"]?.array ?? [] {
                deliveries += 1
                if let id = r["guardianId"]?.string { parents.insert(id) }
                // The same person under two guardian ids: same name (and СНИЛС when given).
                let person = (r["name"]?.string ?? "").lowercased() + "|" + (r["snils"]?.string ?? "")
                if !seen.insert(person).inserted { twice = true }
            }
            if twice { doubled += 1 }
        }
        return "Recipients: \(deliveries) deliveries of \(events.count) event(s) to \(parents.count) guardian id(s); "
            + "\(doubled) event(s) reached one parent twice under two ids."
    }
}
