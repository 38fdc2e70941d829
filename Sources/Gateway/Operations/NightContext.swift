import Foundation
import JournalModel

/// What the night's steps share: the command context (run lock held), the configuration,
/// the run id and the log.
struct NightContext: Sendable {
    let command: CommandContext
    let config: SchoolConfig
    let runID: String
    let log: NightLog
    let now: Date
    /// `night --dry-run`: every step plans on a copy (its command's `--dry-run`); nothing is
    /// moved, written or sent, and the night's state and metrics stay as they were.
    var dryRun = false
    /// The language of the messages people read (the log's messages too; never its field names).
    var language: Language { Language(environment: command.environment) }

    /// Runs one of the CLI's own commands in this process (no subprocess), with its output
    /// captured: its `--json` summary becomes the step's summary, its messages log lines, its
    /// failure the step's exit code as `CLI.outcome` decides it.
    func runCommand(_ words: [String], positionals: [String] = [], options: [String: String] = [:],
                    flags: [String] = ["--json"], step: String) -> (code: Int32, summary: JSON, errors: [String]) {
        guard let cmd = CLI.commands.first(where: { $0.words == words }) else {
            return (ExitCode.failure, .object([("error", .string("no command «\(words.joined(separator: " "))» in this build"))]), [])
        }
        let (console, read) = Console.capturing()
        var ctx = CommandContext(console: console, storePath: command.storePath, environment: command.environment)
        (ctx.config, ctx.holdsRunLock) = (config, true)
        var args = Arguments()
        args.positionals = positionals
        args.options = options.filter { cmd.options.contains($0.key) }
        args.flags = Set((flags + (dryRun ? ["--dry-run"] : [])).filter { cmd.flags.contains($0) })
        var code: Int32
        var errors: [String] = []
        do {
            code = try cmd.run(args, ctx)
        } catch {
            let (c, lines) = CLI.outcome(of: error, storePath: command.storePath, language: Language(environment: command.environment))
            code = c
            errors = lines
        }
        let (out, err) = read()
        for line in err.split(separator: "\n") where !line.isEmpty {
            log.event(NightLog.level(of: line), step: step, String(line))
        }
        for line in errors { log.event("error", step: step, line) }
        var summary: JSON = (try? JSON.parse(out)) ?? .object([])
        if !errors.isEmpty, case .object(var pairs) = summary {
            pairs.append(("error", .string(errors.joined(separator: "\n"))))
            summary = .object(pairs)
        }
        return (code, summary, errors)
    }
}
