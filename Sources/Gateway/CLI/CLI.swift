import Foundation
import Adapters
import Formats
import JournalStore
import PDF
import SyncModel
import SchoolGeneration

/// One command of `journal-gateway`: its words, what it takes, and what it runs.
struct Command: Sendable {
    let words: [String]
    /// What the command does, for `help` (a catalogue message, or English words).
    let summary: Says
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

    /// The same context writing to `console`.
    func with(console: Console) -> CommandContext {
        var c = CommandContext(console: console, storePath: storePath, environment: environment)
        (c.config, c.metricsFile, c.logFormat, c.holdsRunLock) = (config, metricsFile, logFormat, holdsRunLock)
        return c
    }

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
            let l = Language(environment: environment)
            console.err(ErrorText.note.text(l, ["message": NightText.tookOverLock.text(l, ["holder": "\(dead)"])]))
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
        let language = Language(environment: environment)
        // Where failures are written: the console, or its log when a log format is asked for.
        var errors = console
        var finished: ((Int32) -> Void)?
        let code = dispatch()
        finished?(code)
        return code

        func dispatch() -> Int32 {
            do {
                let global = try GlobalOptions.parse(args, environment: environment)
                var rest = global.rest
                if rest.isEmpty || rest == ["help"] || rest == ["--help"] || rest == ["-h"] {
                    console.out(overview(language))
                    return rest.isEmpty ? ExitCode.usage : ExitCode.ok
                }
                if rest.first == "help" { rest.removeFirst(); rest.append("--help") }
                guard let cmd = match(rest) else {
                    throw GatewayError.usage(.unknownCommand, ["command": rest.prefix(2).joined(separator: " ")])
                }
                let tail = Array(rest.dropFirst(cmd.words.count))
                if tail.contains("--help") || tail.contains("-h") {
                    console.out(help(cmd, language))
                    return ExitCode.ok
                }
                let parsed: Arguments
                do {
                    parsed = try Arguments.parse(tail, options: cmd.options, flags: cmd.flags)
                } catch let e as GatewayError {
                    let words = cmd.words.joined(separator: " ")
                    throw GatewayError(kind: .usage, says: .phrase { l in
                        UsageText.commandUsage.text(l, ["command": words, "message": e.says.text(l)]) + "\n" + UsageText.usageLine.text(l, ["usage": cmd.usage])
                    })
                }
                var ctx = CommandContext(console: console, storePath: global.storePath, environment: global.environment)
                (ctx.config, ctx.metricsFile, ctx.logFormat) = (global.config, global.metricsFile, global.logFormat)
                if global.logFormatAsked, cmd.words != ["night"] {
                    let log = NightLog(console: console, json: global.logFormat == "json", runID: CommandLog.runID(cmd.words))
                    let name = cmd.words.joined(separator: " ")
                    errors = CommandLog.console(console, log: log, command: name)
                    ctx = ctx.with(console: errors)
                    log.event("info", step: name, NightText.stepStarted.text(language))
                    finished = { code in log.event(code == 0 ? "info" : "error", step: name, NightText.stepFinished.text(language, ["code": "\(code)"])) }
                }
                let args = GlobalOptions.completed(parsed, words: cmd.words, accepts: cmd.options, config: global.config)
                return try StepMetrics.around(cmd.words, args, ctx) { try cmd.run(args, ctx) }
            } catch {
                let (code, lines) = outcome(of: error, storePath: storePathOf(args, environment), language: language)
                for l in lines { errors.err(l) }
                return code
            }
        }
    }

    /// The one place where a failure becomes an exit code (from the error's type and kind;
    /// nothing deeper decides one) and the words on stderr, in the reader's language.
    static func outcome(of error: any Error, storePath: String, language l: Language = .english) -> (Int32, [String]) {
        let (code, message, details) = classify(error, storePath: storePath)
        return (code, [ErrorText.line.text(l, ["message": message.text(l)])] + details)
    }

    /// An error's exit code, its message (rendered later in the reader's language) and its
    /// further lines (`FILE:LINE: …`, one a problem).
    private static func classify(_ error: any Error, storePath: String) -> (Int32, Says, [String]) {
        func say(_ t: ErrorText, _ args: [String: String]) -> Says { t.says(args) }
        switch error {
        case let e as GatewayError:
            return (e.kind == .usage ? ExitCode.usage : ExitCode.dataError, e.says, e.details)
        case let e as ConfigError:
            let args = ["file": e.file, "line": "\(e.line)", "message": e.message]
            return (ExitCode.usage, say(e.line > 0 ? .config : .configWhole, args), [])
        case let e as OutputError:
            return (ExitCode.cannotCreate, .phrase { l in ErrorText.output(e, l) }, [])
        case let e as EmulatorStartFailure:
            return (ExitCode.failure, .phrase { l in ErrorText.emulator(e, l) }, [])
        case let e as DemoFailure:
            let code = e.stepExit.map { $0 == ExitCode.ok ? ExitCode.failure : $0 } ?? ExitCode.failure
            return (code, .phrase { l in ErrorText.demo(e, l) }, [])
        case let e as PortalStop:
            let args = ["portal": e.portal, "detail": e.detail]
            switch e.reason {
            case .unavailable: return (ExitCode.unavailable, say(.portalUnavailable, args), [])
            case .retryLater: return (ExitCode.tempFailure, say(.portalRetryLater, args), [])
            case .badData: return (ExitCode.dataError, say(.portalBadData, args), [])
            case .credentialsRefused: return (ExitCode.credentialsRefused, say(.portalCredentials, args), [])
            }
        case let e as PDFError:
            let font = e.kind == .fontNotFound
            return (font ? ExitCode.usage : ExitCode.dataError, say(font ? .fontNotFound : .fontBad, ["message": e.message]), [])
        case let e as DiaryPortalError:
            let args = ["message": e.message]
            switch e.kind {
            case .unavailable: return (ExitCode.unavailable, say(.diaryUnavailable, args), [])
            case .retryLater: return (ExitCode.tempFailure, say(.diaryRetryLater, args), [])
            case .badData: return (ExitCode.dataError, say(.diaryBadData, args), [])
            case .credentialsRefused: return (ExitCode.credentialsRefused, say(.diaryCredentials, args), [])
            case .outputDirectory: return (ExitCode.usage, say(.diaryOutputDirectory, args), [])
            case .cannotWrite: return (ExitCode.failure, say(.diaryCannotWrite, args), [])
            }
        case let e as GenerationError:
            return (e.kind == .badInput ? ExitCode.dataError : ExitCode.failure, say(.generation, ["message": e.message]), e.details)
        case let e as UnreadableFile:
            return (ExitCode.dataError, say(.unreadableFile, ["path": e.path]), [])
        case let e as StoreError:
            let args = ["path": JournalStore.printable(storePath), "message": e.message]
            switch e.kind {
            case .locked: return (ExitCode.tempFailure, say(.storeLocked, args), [])
            case .notInitialized: return (ExitCode.usage, say(.storeNotInitialized, args), [])
            case .alreadyInitialized: return (ExitCode.usage, say(.storeAlreadyInitialized, args), [])
            case .missingDirectory: return (ExitCode.usage, say(.storeMissingDirectory, args), [])
            case .olderSchema: return (ExitCode.usage, say(.storeOlderSchema, args), [])
            case .invalid: return (ExitCode.dataError, say(.storeInvalid, args), [])
            case .notAStore: return (ExitCode.dataError, say(.storeNotAStore, args), [])
            case .cannotWrite: return (ExitCode.cannotCreate, say(.storeOpenCannotWrite, args), [])
            case .newerSchema: return (ExitCode.failure, say(.storeNewerSchema, args), [])
            case .walUnavailable: return (ExitCode.failure, say(.storeWAL, args), [])
            case .notFound: return (ExitCode.failure, say(.storeNotFound, args), [])
            case .cannotRead: return (ExitCode.failure, say(.storeOpenCannotRead, args), [])
            }
        case let e as StoreFailure:
            let path = JournalStore.printable(e.path ?? storePath)
            let args = ["path": path, "reason": e.message]
            switch e.category {
            case .busy: return (ExitCode.tempFailure, say(.storeBusy, args), [])
            case .cannotWrite: return (ExitCode.cannotCreate, say(.storeCannotWrite, args), [])
            case .notADatabase: return (ExitCode.dataError, say(.storeNotADatabase, args), [])
            case .constraint: return (ExitCode.dataError, say(.storeConstraint, args), [])
            case .cannotRead: return (ExitCode.failure, say(.storeCannotRead, args), [])
            case .other: return (ExitCode.failure, say(.storeOther, ["path": path, "reason": "\(e)"]), [])
            }
        default:
            return (ExitCode.failure, say(.unexpected, ["message": "\(error)"]), [])
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

    static func overview(_ l: Language = .english) -> String {
        var lines = [HelpText.intro.text(l), "", HelpText.usage.text(l), "", HelpText.store.text(l),
                     HelpText.config.text(l, ["path": SchoolConfig.defaultPath]), HelpText.overrides.text(l), "", HelpText.commands.text(l)]
        let width = allCommands.map { $0.words.joined(separator: " ").count }.max() ?? 10
        for c in allCommands {
            let name = c.words.joined(separator: " ")
            lines.append("  " + name + String(repeating: " ", count: width - name.count + 2) + c.summary.text(l))
        }
        lines += ["", HelpText.oneCommand.text(l), HelpText.exitCodes.text(l)]
        return lines.joined(separator: "\n")
    }

    static func help(_ c: Command, _ l: Language = .english) -> String {
        "\(UsageText.usageLine.text(l, ["usage": "journal-gateway [--store PATH] \(c.usage)"]))\n\n\(c.summary.text(l))"
    }
}
