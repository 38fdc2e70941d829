import Foundation
import JournalModel
import JournalStore

/// Runs one claimed job in this process: the CLI's own command for its step (`sync asu-rso`,
/// `sync epos`, `feed diary`) on the school's store (the region's database with
/// `school=CODE`), with the job's options, its output captured, and the worker's hooks
/// (fencing token at every commit, stop at the next page, 429s reported). The same use cases
/// as a school's own night (`NightContext.runCommand`), not a child process.
struct RegionJobRun {
    let job: RegionJob
    let region: String
    let environment: [String: String]
    let hooks: RegionJobHooks

    enum Outcome {
        case done(summary: JSON)
        /// Stopped at a page boundary (SIGTERM, or the lease was lost): the rest is the next attempt's.
        case stopped
        /// The command failed with its exit code and first error line.
        case failed(code: Int32, error: String)
    }

    /// The command's options from the job: credentials as paths of files on this worker.
    var options: [String: String] {
        let s = job.spec
        var o: [String: String] = [:]
        o["--url"] = s.url
        o["--school-id"] = s.schoolID
        if s.step == RegionStep.feedDiary.rawValue {
            o["--token-file"] = s.passwordFile
            o["--out"] = s.url == nil ? s.outDir : nil
        } else {
            o["--login"] = s.login
            o["--password-file"] = s.passwordFile
            o["--session-file"] = s.sessionFile
        }
        return o
    }

    func run() -> Outcome {
        guard let step = RegionStep(rawValue: job.spec.step), let cmd = CLI.commands.first(where: { $0.words == step.words }) else {
            return .failed(code: ExitCode.failure, error: "no command «\(job.spec.step)» in this build")
        }
        let store: String
        do { store = try RegionQueue.schoolLocation(region: region, school: job.spec.school) } catch {
            return .failed(code: ExitCode.usage, error: "\(error)")
        }
        let (console, read) = Console.capturing()
        var ctx = CommandContext(console: console, storePath: store, environment: environment)
        ctx.regionJob = hooks
        var args = Arguments()
        args.options = options.filter { cmd.options.contains($0.key) }
        args.flags = ["--json"]
        let code: Int32
        var errors: [String] = []
        do {
            code = try cmd.run(args, ctx)
        } catch is RegionJobStopped {
            return .stopped
        } catch {
            (code, errors) = CLI.outcome(of: error, storePath: store)
        }
        let (out, err) = read()
        if code == ExitCode.ok { return .done(summary: (try? JSON.parse(out)) ?? .object([])) }
        return .failed(code: code, error: Self.reason(code: code, errors: errors + err.split(separator: "\n").map(String.init), out: out))
    }

    /// One line saying why a run failed: its first `error:` line, else its summary's status
    /// and what made it so (the portal unavailable, the first failure).
    static func reason(code: Int32, errors: [String], out: String) -> String {
        if let e = errors.first(where: { $0.hasPrefix("error") }) { return e }
        guard let j = try? JSON.parse(out), let status = j["status"]?.string else { return "exit \(code)" }
        let why = j["unavailable"]?.string ?? j["failures"]?.array?.first?.string ?? j["held"]?.array?.first?.string
        return "exit \(code), \(status)" + (why.map { ": " + $0 } ?? "")
    }
}
