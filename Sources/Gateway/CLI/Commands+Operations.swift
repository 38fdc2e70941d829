import Foundation
import Adapters
import JournalModel
import JournalStore

/// Running the gateway as a service (issue 18, docs/operations.md): `night`, `check`,
/// `config check`, `install`.
extension CommandContext {
    /// The language of the messages people read (`LANG` / `LC_MESSAGES` / `LC_ALL`).
    var language: Language { Language(environment: environment) }
}

extension CLI {
    /// Every command: `commands` and those for running as a service (kept apart so that
    /// adding a command to `commands` never touches this file).
    static let allCommands: [Command] = commands + operationsCommands

    static let operationsCommands: [Command] = [nightCommand, checkCommand, configCheckCommand, installCommand]

    static let nightCommand = Command(
        words: ["night"],
        summary: CommandText.night.says(),
        usage: "night [--dry-run] [--json]", flags: ["--json", "--dry-run"]
    ) { a, ctx in
        guard let config = ctx.config else {
            throw GatewayError(kind: .usage, says: NightText.needsConfig.says(["command": "night", "path": SchoolConfig.defaultPath]))
        }
        _ = try JournalStore.open(at: ctx.storePath, readOnly: true)   // no store: «run init first», before anything else
        let lock = try RunLock(storePath: ctx.storePath, command: "night")
        defer { lock.release() }
        var inner = ctx
        inner.holdsRunLock = true
        let started = Date()
        let runID = "night-" + JournalStore.timestamp(started).filter { $0.isNumber }.prefix(14)
        let log = NightLog(console: ctx.console, json: ctx.logFormat == "json", runID: runID)
        if let dead = lock.tookOverFrom { log.event("warning", step: nil, NightText.tookOverLock.text(ctx.language, ["holder": "\(dead)"])) }
        var n = NightContext(command: inner, config: config, runID: runID, log: log, now: started)
        n.dryRun = a.flag("--dry-run")
        let report = Night.run(n, steps: Night.steps(config))
        var code = report.exitCode
        if n.dryRun {
            if a.flag("--json") {
                var j = report.json
                if case .object(var pairs) = j { pairs.insert(("dry_run", .bool(true)), at: 0); j = .object(pairs) }
                ctx.console.out(j.pretty())
            } else {
                report.lines(ctx.language).forEach(ctx.console.out)
                ctx.console.out(NightText.dryRun.text(ctx.language))
            }
            return code
        }
        do {
            let store = try JournalStore.open(at: ctx.storePath)
            let state = try NightState.read(store).after(report, finished: Date(), duration: Date().timeIntervalSince(started))
            try state.save(store)
            if let path = ctx.metricsFile { try Metrics.night(state, report: report, store: store).write(to: path) }
        } catch {
            let (c, lines) = outcome(of: error, storePath: ctx.storePath, language: ctx.language)
            for l in lines { log.event("error", step: nil, l) }
            code = Urgency.worst([code, c])
        }
        if a.flag("--json") {
            var j = report.json
            if case .object(var pairs) = j, code != report.exitCode { pairs[pairs.count - 1] = ("exit_code", .int(Int(code))); j = .object(pairs) }
            ctx.console.out(j.pretty())
        } else {
            report.lines(ctx.language).dropLast().forEach(ctx.console.out)
            ctx.console.out(NightText.nightExit.text(ctx.language, ["run": runID, "code": "\(code)"]))
        }
        return code
    }

    static let checkCommand = Command(
        words: ["check"],
        summary: CommandText.check.says(),
        usage: "check [--max-age 26h]", options: ["--max-age"]
    ) { a, ctx in
        let text = a.option("--max-age") ?? "26h"
        guard let maxAge = HealthCheck.duration(text) else { throw GatewayError.usage(.maxAge, ["value": text]) }
        let result = HealthCheck.evaluate(storePath: ctx.storePath, maxAge: maxAge, now: Date(), language: ctx.language)
        ctx.console.out(result.line)
        return result.code
    }

    static let configCheckCommand = Command(
        words: ["config", "check"],
        summary: CommandText.configCheck.says(),
        usage: "config check [--json]", flags: ["--json"]
    ) { a, ctx in
        guard let config = ctx.config else {
            throw GatewayError.usage(.noConfig, ["path": SchoolConfig.defaultPath])
        }
        let check = ConfigCheck.run(config, ctx)
        if a.flag("--json") { ctx.console.out(check.json.pretty()) } else { check.lines(ctx.language).forEach(ctx.console.out) }
        return check.exitCode
    }

    static let installCommand = Command(
        words: ["install"],
        summary: CommandText.install.says(),
        usage: "install [--prefix /usr/local] [--config-path /etc/journal-gateway/school.conf] [--dry-run]",
        options: ["--prefix", "--config-path"], flags: ["--dry-run"]
    ) { a, ctx in
        let prefix = URL(fileURLWithPath: a.option("--prefix") ?? "/usr/local").standardizedFileURL.path
        let installer = Installer(prefix: prefix, configPath: a.option("--config-path") ?? ctx.config?.path ?? SchoolConfig.defaultPath)
        let binary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        guard let mappings = ShippedResources.find("mappings", probe: "contingent/columns.tsv") else {
            throw GatewayError.usage(.shippedTablesMissing, ["binary": binary])
        }
        let samples = ShippedResources.find("samples", probe: "journal/week.jsonl")
        let actions = installer.plan(binary: binary, mappings: mappings, samples: samples, config: ctx.config)
        if a.flag("--dry-run") {
            actions.forEach { ctx.console.out("would " + $0.line) }
            ctx.console.out(ResultText.installDryRun.text(ctx.language))
            return ExitCode.ok
        }
        do { try installer.perform(actions) } catch let e as OutputError { throw e } catch {
            throw OutputError(.write, path: prefix, reason: "\(error)")
        }
        actions.forEach { ctx.console.out($0.line) }
        ctx.console.out(ResultText.installed.text(ctx.language, ["share": installer.share, "config": installer.configPath, "bin": installer.bin]))
        return ExitCode.ok
    }
}
