import Foundation
import JournalStore

extension CLI {
    static let demoCommand = Command(words: ["demo"], summary: "run the main job end to end on a temporary store with the bundled samples",
                                     usage: "demo [--keep]", flags: ["--keep"]) { a, ctx in
        let samples = Resources.samples(ctx.environment)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-gateway-demo-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { if !a.flag("--keep") { try? FileManager.default.removeItem(at: dir) } }
        let store = dir.appendingPathComponent("journal.sqlite").path
        func step(_ title: String, _ args: [String]) throws {
            ctx.console.out("\n$ journal-gateway " + args.joined(separator: " ") + "    # " + title)
            let code = CLI.run(["--store", store] + args, console: ctx.console, environment: ctx.environment)
            guard code == ExitCode.ok else { throw GatewayError(code, "demo step failed: \(title)") }
        }
        ctx.console.out("Demo store: \(store)")
        try step("create the school's store", ["init", "--school", "МБОУ «Школа № 122» г. Самара", "--timezone", "Europe/Samara"])
        try step("the secretary's class list (cp1251, «;», title and footer)",
                 ["import", "contingent", samples + "/contingent/list-2026-09-01.csv"])
        try step("the week's journal from the school's own software", ["journal", "import", samples + "/journal/week.jsonl"])
        try step("import it again: nothing changes", ["journal", "import", samples + "/journal/week.jsonl"])
        try step("next week's list: arrivals, a withdrawal, a transfer, a new surname",
                 ["import", "contingent", samples + "/contingent/list-2026-09-08.csv"])
        try step("what the store holds", ["status"])
        if a.flag("--keep") { ctx.console.out("\nKept \(store).") }
        return ExitCode.ok
    }
}
