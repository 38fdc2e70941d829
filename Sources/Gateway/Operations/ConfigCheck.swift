import Foundation
import Adapters
import JournalModel
import JournalStore
import SyncModel
import Transport

/// `journal-gateway config check`: the configuration read (its mistakes were already refused
/// with their line), then every path and credential file looked at and every portal's
/// sign-in reached. Nothing is written: no store, no token, no file.
struct ConfigCheck {
    struct Finding {
        let check: String
        let status: String   // ok, warning, error
        /// The words for a person (the text form, in the reader's language).
        let says: Says
        let exitCode: Int32
        /// The words in English (the `--json` form, the same under every locale).
        var message: String { says.text(.english) }
    }

    var findings: [Finding] = []

    mutating func ok(_ check: String, _ m: Says) { findings.append(Finding(check: check, status: "ok", says: m, exitCode: 0)) }
    mutating func warn(_ check: String, _ m: Says) { findings.append(Finding(check: check, status: "warning", says: m, exitCode: 0)) }
    mutating func fail(_ check: String, _ m: Says, _ code: Int32) { findings.append(Finding(check: check, status: "error", says: m, exitCode: code)) }
    mutating func ok(_ check: String, _ m: ConfigText, _ args: [String: String]) { ok(check, m.says(args)) }
    mutating func warn(_ check: String, _ m: ConfigText, _ args: [String: String]) { warn(check, m.says(args)) }
    mutating func fail(_ check: String, _ m: ConfigText, _ args: [String: String], _ code: Int32) { fail(check, m.says(args), code) }
    /// A failure found as an error: its words as `CLI.outcome` gives them, in the reader's language.
    mutating func fail(_ check: String, error: any Error, storePath: String) {
        fail(check, .phrase { l in CLI.outcome(of: error, storePath: storePath, language: l).1.joined(separator: " ") }, CLI.outcome(of: error, storePath: storePath).0)
    }

    var exitCode: Int32 { Urgency.worst(findings.map(\.exitCode)) }

    var json: JSON {
        .object([("checks", .array(findings.map { .object([("check", .string($0.check)), ("status", .string($0.status)),
                                                          ("message", .string($0.message)), ("exit_code", .int(Int($0.exitCode)))]) })),
                 ("exit_code", .int(Int(exitCode)))])
    }

    func lines(_ l: Language) -> [String] {
        findings.map { "\(NightText.finding($0.status, l).padding(toLength: 9, withPad: " ", startingAt: 0)) \($0.check): \($0.says.text(l))" }
    }

    static func run(_ config: SchoolConfig, _ ctx: CommandContext) -> ConfigCheck {
        var c = ConfigCheck()
        c.ok("configuration", .read, ["path": config.path])
        // The store: there, a store, in the time zone the file says.
        if JournalStore.mayExist(at: ctx.storePath) {
            do {
                let store = try JournalStore.open(at: ctx.storePath, readOnly: true)
                c.ok("store", .store, ["path": JournalStore.printable(ctx.storePath), "school": store.school.name, "zone": store.school.timeZoneID])
                if let tz = config.timeZone, tz != store.school.timeZoneID {
                    c.fail("timezone", .timezoneMismatch, ["config": tz, "path": JournalStore.printable(ctx.storePath), "store": store.school.timeZoneID], ExitCode.usage)
                }
            } catch {
                c.fail("store", error: error, storePath: ctx.storePath)
            }
            // A store on a server has no folder of ours (its run lock is an advisory lock there).
            if !JournalStore.isServerLocation(ctx.storePath), access((ctx.storePath as NSString).deletingLastPathComponent.isEmpty ? "." : (ctx.storePath as NSString).deletingLastPathComponent, W_OK) != 0 {
                c.fail("store", .storeFolder, [:], ExitCode.cannotCreate)
            }
        } else {
            c.fail("store", .noStore, ["path": JournalStore.printable(ctx.storePath), "config": config.path, "zone": config.timeZone ?? "ZONE"], ExitCode.usage)
        }
        // Folders the night writes into.
        for (key, dir) in [("inbox", config.inbox), ("extracts", config.extracts), ("archive", config.archive)] {
            guard let dir else { continue }
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
                c.warn(key, .notFolder, ["dir": dir])
            } else if access(dir, W_OK) != 0 {
                c.fail(key, .notWritable, ["dir": dir], ExitCode.cannotCreate)
            } else {
                c.ok(key, .english(dir))
            }
        }
        if let m = config.metricsFile {
            let dir = (m as NSString).deletingLastPathComponent
            if access(dir, W_OK) == 0 { c.ok("metrics-file", .english(m)) } else { c.warn("metrics-file", .metricsFolder, ["dir": dir]) }
        }
        c.checkMappings(config, ctx)
        // Credential files: only their owner may read them.
        let school = SchoolConfig.Portal(name: "school", line: 0, options: [:], credentialFiles: config.schoolSecrets)
        for p in [school] + config.platforms + (config.diary.map { [$0] } ?? []) {
            for f in p.credentialFiles {
                var st = stat()
                let where_ = "[\(p.name)] \(f.key)"
                if stat(f.path, &st) != 0 {
                    c.fail(where_, .english("\(config.fileName):\(f.line): \(f.path): \(String(cString: strerror(errno)))"), ExitCode.usage)
                } else if st.st_mode & 0o077 != 0 {
                    c.fail(where_, .secretReadable, ["path": f.path, "mode": String(st.st_mode & 0o777, radix: 8)], ExitCode.usage)
                } else if st.st_uid != getuid() {
                    c.warn(where_, .secretOwner, ["path": f.path, "uid": "\(st.st_uid)", "me": "\(getuid())"])
                } else {
                    c.ok(where_, .secretOK, ["path": f.path, "mode": String(st.st_mode & 0o777, radix: 8)])
                }
            }
        }
        for p in config.platforms { c.reachLogin(p, ctx) }
        if let d = config.diary { c.reachDiary(d) }
        return c
    }

    /// Which code tables a run uses, and that each reads.
    mutating func checkMappings(_ config: SchoolConfig, _ ctx: CommandContext) {
        let env = ctx.environment
        let mappings = MappingsDirectory.path(env)
        if let given = env["JOURNAL_GATEWAY_MAPPINGS"], !given.isEmpty {
            ok("mappings", .mappingsGiven, ["path": given])
        } else {
            let overrides = env["JOURNAL_GATEWAY_MAPPINGS_OVERRIDES"].flatMap { $0.isEmpty ? nil : $0 } ?? MappingsDirectory.defaultOverrides
            ok("mappings", .mappingsShipped, ["path": MappingsDirectory.shippedPath()])
            let own = MappingsOverlay.tables(in: overrides)
            if !own.isEmpty { ok("mappings-overrides", .overrides, ["path": overrides, "tables": own.joined(separator: ", ")]) }
        }
        guard FileManager.default.fileExists(atPath: mappings + "/contingent/columns.tsv") else {
            fail("mappings", .noTables, ["path": mappings], ExitCode.usage)
            return
        }
        do {
            _ = try ColumnMap(path: mappings + "/contingent/columns.tsv")
            _ = try Resources.policy(env)
            if config.portal("asu-rso") != nil { _ = try ASURSOCodes(directory: mappings + "/asu-rso") }
            if config.portal("epos") != nil { _ = try EPOSCodes(directory: mappings + "/epos") }
            ok("code tables", .tablesRead, [:])
        } catch {
            fail("code tables", .english("\(error)"), ExitCode.dataError)
        }
    }

    /// Signs in to a regional platform (a password account) — reading only — or, with a
    /// browser session, reaches the portal.
    mutating func reachLogin(_ p: SchoolConfig.Portal, _ ctx: CommandContext) {
        let check = "[\(p.name)] sign-in"
        var a = Arguments()
        a.options = p.options.mapValues(\.value)
        guard let url = p.url.flatMap(URL.init(string:)) else { return }
        let client = HTTPClient(policy: Self.patience)
        do {
            if a.option("--session-file") != nil {
                _ = p.name == "asu-rso" ? try CLI.asuAccount(a, ctx, url).login : try CLI.eposAccount(a, ctx, url).login
                try reach(url, client)
                ok(check, .sessionRead, ["url": url.absoluteString])
                return
            }
            if p.name == "asu-rso" {
                let session = ASURSOSession(client: client, account: try CLI.asuAccount(a, ctx, url))
                try blockingAwait { try await session.login(); await session.logout() }
            } else {
                let session = EPOSSession(client: client, account: try CLI.eposAccount(a, ctx, url), requestsPerSecond: 10)
                try blockingAwait { try await session.login() }
            }
            ok(check, .signedIn, ["url": url.absoluteString, "login": a.option("--login") ?? ""])
        } catch let e as CounterpartStopping {
            fail(check, .english("\(url.absoluteString): \(e)"), CLI.outcome(of: PortalStop(portal: p.name, reason: e.stopReason, detail: "\(e)"), storePath: ctx.storePath).0)
        } catch {
            fail(check, error: error, storePath: ctx.storePath)
        }
    }

    mutating func reachDiary(_ d: SchoolConfig.Portal) {
        guard let url = d.url.flatMap(URL.init(string:)) else { ok("[diary]", .diaryFiles, ["dir": d.options["--out"]?.value ?? ""]); return }
        do {
            try reach(url, HTTPClient(policy: Self.patience))
            ok("[diary] portal", .answers, ["url": url.absoluteString])
        } catch let e as CounterpartStopping {
            fail("[diary] portal", .english("\(url.absoluteString): \(e)"), CLI.outcome(of: PortalStop(portal: "diary", reason: e.stopReason, detail: "\(e)"), storePath: "").0)
        } catch {
            fail("[diary] portal", .english("\(url.absoluteString): \(error)"), ExitCode.unavailable)
        }
    }

    /// Any HTTP answer from the portal's address means it is reachable.
    func reach(_ url: URL, _ client: HTTPClient) throws {
        _ = try blockingAwait { try await client.send(HTTPRequestSpec(method: "GET", url: url, idempotent: true)) }
    }

    /// A check asks each portal once or twice, not for minutes.
    static var patience: RetryPolicy {
        var p = RetryPolicy()
        p.maxAttempts = 2
        p.requestDeadline = .seconds(30)
        p.maxRetryAfter = .seconds(1)
        return p
    }
}
