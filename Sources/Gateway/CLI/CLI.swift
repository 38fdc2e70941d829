import Foundation
import Adapters
import Formats
import JournalStore
import SchoolGeneration

/// One command of `journal-gateway`: its words, what it takes, and what it runs.
struct Command: Sendable {
    let words: [String]
    let summary: String
    let usage: String
    var options: [String] = []
    var flags: [String] = []
    let run: @Sendable (Arguments, CommandContext) throws -> Int32
}

/// What a running command has at hand: the console, the store path, the environment.
public struct CommandContext: Sendable {
    public let console: Console
    public let storePath: String
    public let environment: [String: String]
    /// `school.conf`, when one is read (global options, issue 18).
    public var config: SchoolConfig? = nil
    /// `--metrics-file` (or the configuration's `metrics-file`) and `--log-format`.
    public var metricsFile: String? = nil
    public var logFormat: String = "text"
    /// Set by `night`, which holds the run lock for all its steps.
    var holdsRunLock = false
    /// Set by `region worker` for the job it runs: the store's commits check its fencing token.
    var regionJob: RegionJobHooks? = nil

    /// Opens the store for a command that only reads: read-only, no run lock, nothing
    /// written (not even to an empty file), readable on read-only media.
    public func openStore() throws -> JournalStore { try JournalStore.open(at: storePath, readOnly: true) }

    /// Opens the store under the exclusive run lock for a writing command.
    public func withLockedStore<T>(_ command: String, _ body: (JournalStore) throws -> T) throws -> T {
        // No store yet: opening it throws the "run init first" error before anything else.
        if holdsRunLock || !JournalStore.mayExist(at: storePath) { return try body(try fenced(JournalStore.open(at: storePath))) }
        let lock = try RunLock(storePath: storePath, command: command)
        defer { lock.release() }
        if let dead = lock.tookOverFrom {
            console.err("note: took over the run lock left by \(dead), which is no longer running")
        }
        return try body(try fenced(JournalStore.open(at: storePath)))
    }

    /// `store` checking the region job's fencing token at every commit, when run as one.
    private func fenced(_ store: JournalStore) throws -> JournalStore {
        if let f = regionJob?.fence { try store.fence(f) }
        return store
    }
}

/// The `journal-gateway` command line: global options, dispatch, help, exit codes.
public enum CLI {
    static let commands: [Command] = storeCommands + storeCopyCommands + journalCommands + contingentCommands + syncCommands + eposSyncCommands + conflictCommands + mappingsCommands + emulatorCommands + generateCommands + diaryCommands + reportCommands + rulesCommands + archiveCommands + regionCommands + [demoCommand]

    /// Runs the command line `args` (without the program name) and returns the exit code.
    public static func run(_ args: [String], console: Console = .standard,
                           environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        do {
            let global = try GlobalOptions.parse(args, environment: environment)
            var rest = global.rest
            if rest.isEmpty || rest == ["help"] || rest == ["--help"] || rest == ["-h"] {
                console.out(overview())
                return rest.isEmpty ? ExitCode.usage : ExitCode.ok
            }
            if rest.first == "help" { rest.removeFirst(); rest.append("--help") }
            guard let cmd = match(rest) else {
                throw GatewayError.usage("unknown command «\(rest.prefix(2).joined(separator: " "))»; see `journal-gateway help`")
            }
            let tail = Array(rest.dropFirst(cmd.words.count))
            if tail.contains("--help") || tail.contains("-h") {
                console.out(help(cmd))
                return ExitCode.ok
            }
            let parsed: Arguments
            do {
                parsed = try Arguments.parse(tail, options: cmd.options, flags: cmd.flags)
            } catch let e as GatewayError {
                throw GatewayError.usage("\(cmd.words.joined(separator: " ")): \(e.message)\nusage: \(cmd.usage)")
            }
            var ctx = CommandContext(console: console, storePath: global.storePath, environment: global.environment)
            (ctx.config, ctx.metricsFile, ctx.logFormat) = (global.config, global.metricsFile, global.logFormat)
            return try cmd.run(GlobalOptions.completed(parsed, words: cmd.words, accepts: cmd.options, config: global.config), ctx)
        } catch {
            let (code, lines) = outcome(of: error, storePath: storePathOf(args, environment))
            for l in lines { console.err(l) }
            return code
        }
    }

    /// The one place where a failure becomes an exit code and the words on stderr.
    static func outcome(of error: any Error, storePath: String) -> (Int32, [String]) {
        switch error {
        case let e as GatewayError:
            return (e.exitCode, ["error: \(e.message)"] + e.details)
        case let e as ConfigError:
            return (ExitCode.usage, ["error: \(e)"])
        case let e as DiaryPortalError:
            let code = switch e.kind {
            case .unavailable: ExitCode.unavailable
            case .retryLater: ExitCode.tempFailure
            case .badData: ExitCode.dataError
            case .credentialsRefused: ExitCode.credentialsRefused
            case .outputDirectory: ExitCode.usage
            case .cannotWrite: ExitCode.failure
            }
            return (code, ["error: \(e.message)"])
        case let e as GenerationError:
            return (e.kind == .badInput ? ExitCode.dataError : ExitCode.failure, ["error: \(e.message)"] + e.details)
        case let e as UnreadableFile:
            return (ExitCode.dataError, ["error: \(e.description)"])
        case let e as StoreError:
            let code: Int32
            switch e.kind {
            case .locked: code = ExitCode.tempFailure
            case .notInitialized, .alreadyInitialized, .missingDirectory, .olderSchema: code = ExitCode.usage
            case .invalid, .notAStore: code = ExitCode.dataError
            case .cannotWrite: code = ExitCode.cannotCreate
            case .newerSchema, .walUnavailable, .notFound, .cannotRead: code = ExitCode.failure
            }
            return (code, ["error: \(e.message)"])
        case let e as StoreFailure:
            let path = JournalStore.printable(e.path ?? storePath)
            switch e.category {
            case .busy:
                return (ExitCode.tempFailure, ["error: the store \(path) is busy (\(e.message)); run again later"])
            case .cannotWrite:
                return (ExitCode.cannotCreate, ["error: cannot write the store \(path) (\(e.message)): check that the file and its directory are writable by this user, that the file system is not mounted read-only and that the disk is not full; nothing was committed"])
            case .notADatabase:
                return (ExitCode.dataError, ["error: \(path) is not a Journal Gateway store (not an SQLite database): check --store or $JOURNAL_GATEWAY_STORE"])
            case .constraint:
                return (ExitCode.dataError, ["error: the journal refuses the change: \(e.message); nothing was committed"])
            case .cannotRead:
                return (ExitCode.failure, ["error: cannot read the store \(path) (\(e.message)): check the disk"])
            case .other:
                return (ExitCode.failure, ["error: the store \(path) failed: \(e)"])
            }
        default:
            return (ExitCode.failure, ["error: \(error)"])
        }
    }

    /// The store path the arguments name (for messages about a failure that lost it).
    private static func storePathOf(_ args: [String], _ environment: [String: String]) -> String {
        var path = environment["JOURNAL_GATEWAY_STORE"] ?? "journal.sqlite"
        for (i, a) in args.enumerated() {
            if a == "--store", i + 1 < args.count { path = args[i + 1] } else if a.hasPrefix("--store=") { path = String(a.dropFirst(8)) }
        }
        return path
    }

    private static func match(_ args: [String]) -> Command? {
        allCommands.filter { args.starts(with: $0.words) }.max { $0.words.count < $1.words.count }
    }

    static func overview() -> String {
        var lines = ["journal-gateway: keeps a school's electronic class journal in step with regional and state portals.",
                     "", "usage: journal-gateway [--store PATH] [--config FILE] [--mappings DIR] [--metrics-file PATH] [--log-format text|json] COMMAND [OPTIONS]", "",
                     "The store is --store PATH, else $JOURNAL_GATEWAY_STORE, else the configuration's store, else ./journal.sqlite.",
                     "The configuration is --config FILE, else $JOURNAL_GATEWAY_CONFIG, else \(SchoolConfig.defaultPath) when it exists;",
                     "flags on the command line override it (docs/operations.md).", "", "commands:"]
        let width = allCommands.map { $0.words.joined(separator: " ").count }.max() ?? 10
        for c in allCommands {
            let name = c.words.joined(separator: " ")
            lines.append("  " + name + String(repeating: " ", count: width - name.count + 2) + c.summary)
        }
        lines += ["", "`journal-gateway COMMAND --help` describes one command.",
                  "Exit codes: 0 ok, 64 usage or no store, 65 bad input data (nothing of it written; also a portal's bad answer,",
                  "deletions or withdrawals held for a person), 69 counterpart unavailable, 73 the store cannot be written",
                  "(permissions, read-only media, disk full), 75 temporary failure (run again later), 77 credentials or session",
                  "refused (a person must act), 1 other."]
        return lines.joined(separator: "\n")
    }

    static func help(_ c: Command) -> String {
        "usage: journal-gateway [--store PATH] \(c.usage)\n\n\(c.summary)"
    }
}
