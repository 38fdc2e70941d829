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
        let message: String
        let exitCode: Int32
    }

    var findings: [Finding] = []

    mutating func ok(_ check: String, _ m: String) { findings.append(Finding(check: check, status: "ok", message: m, exitCode: 0)) }
    mutating func warn(_ check: String, _ m: String) { findings.append(Finding(check: check, status: "warning", message: m, exitCode: 0)) }
    mutating func fail(_ check: String, _ m: String, _ code: Int32) { findings.append(Finding(check: check, status: "error", message: m, exitCode: code)) }

    var exitCode: Int32 { Urgency.worst(findings.map(\.exitCode)) }

    var json: JSON {
        .object([("checks", .array(findings.map { .object([("check", .string($0.check)), ("status", .string($0.status)),
                                                          ("message", .string($0.message)), ("exit_code", .int(Int($0.exitCode)))]) })),
                 ("exit_code", .int(Int(exitCode)))])
    }

    func lines(_ l: Language) -> [String] {
        findings.map { "\(NightText.finding($0.status, l).padding(toLength: 9, withPad: " ", startingAt: 0)) \($0.check): \($0.message)" }
    }

    static func run(_ config: SchoolConfig, _ ctx: CommandContext) -> ConfigCheck {
        var c = ConfigCheck()
        c.ok("configuration", "\(config.path) read")
        // The store: there, a store, in the time zone the file says.
        if JournalStore.mayExist(at: ctx.storePath) {
            do {
                let store = try JournalStore.open(at: ctx.storePath, readOnly: true)
                c.ok("store", "\(ctx.storePath): \(store.school.name) (\(store.school.timeZoneID))")
                if let tz = config.timeZone, tz != store.school.timeZoneID {
                    c.fail("timezone", "the configuration says \(tz) but the store \(ctx.storePath) keeps \(store.school.timeZoneID)", ExitCode.usage)
                }
            } catch {
                c.fail("store", CLI.outcome(of: error, storePath: ctx.storePath).1.joined(separator: " "), CLI.outcome(of: error, storePath: ctx.storePath).0)
            }
            // A store on a server has no folder of ours (its run lock is an advisory lock there).
            if !JournalStore.isServerLocation(ctx.storePath), access((ctx.storePath as NSString).deletingLastPathComponent.isEmpty ? "." : (ctx.storePath as NSString).deletingLastPathComponent, W_OK) != 0 {
                c.fail("store", "the store's folder is not writable by this user: the night needs it for the run lock and the store's journal", ExitCode.cannotCreate)
            }
        } else {
            c.fail("store", "\(ctx.storePath) does not exist: run `journal-gateway --config \(config.path) init --school NAME --timezone \(config.timeZone ?? "ZONE")`", ExitCode.usage)
        }
        // Folders the night writes into.
        for (key, dir) in [("inbox", config.inbox), ("extracts", config.extracts), ("archive", config.archive)] {
            guard let dir else { continue }
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
                c.warn(key, "\(dir) is not a folder yet (the night creates extracts and archive folders; create the inbox for the secretary)")
            } else if access(dir, W_OK) != 0 {
                c.fail(key, "\(dir) is not writable by this user", ExitCode.cannotCreate)
            } else {
                c.ok(key, dir)
            }
        }
        if let m = config.metricsFile {
            let dir = (m as NSString).deletingLastPathComponent
            if access(dir, W_OK) == 0 { c.ok("metrics-file", m) } else { c.warn("metrics-file", "the folder \(dir) is not writable by this user: the metrics cannot be written") }
        }
        c.checkMappings(config, ctx)
        // Credential files: only their owner may read them.
        let school = SchoolConfig.Portal(name: "school", line: 0, options: [:], credentialFiles: config.schoolSecrets)
        for p in [school] + config.platforms + (config.diary.map { [$0] } ?? []) {
            for f in p.credentialFiles {
                var st = stat()
                let where_ = "[\(p.name)] \(f.key)"
                if stat(f.path, &st) != 0 {
                    c.fail(where_, "\(config.fileName):\(f.line): \(f.path): \(String(cString: strerror(errno)))", ExitCode.usage)
                } else if st.st_mode & 0o077 != 0 {
                    c.fail(where_, "\(f.path) can be read by others (mode \(String(st.st_mode & 0o777, radix: 8))): run `chmod 600 \(f.path)`", ExitCode.usage)
                } else if st.st_uid != getuid() {
                    c.warn(where_, "\(f.path) belongs to uid \(st.st_uid), not to this user (uid \(getuid())): the service's user must own it")
                } else {
                    c.ok(where_, "\(f.path) (mode \(String(st.st_mode & 0o777, radix: 8)))")
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
            ok("mappings", "\(given) (given with --mappings, $JOURNAL_GATEWAY_MAPPINGS or the configuration's mappings; used as it is)")
        } else {
            let overrides = env["JOURNAL_GATEWAY_MAPPINGS_OVERRIDES"].flatMap { $0.isEmpty ? nil : $0 } ?? MappingsDirectory.defaultOverrides
            ok("mappings", "shipped tables \(MappingsDirectory.shippedPath())")
            let own = MappingsOverlay.tables(in: overrides)
            if !own.isEmpty { ok("mappings-overrides", "the school's lines in \(overrides) (\(own.joined(separator: ", "))) laid over them") }
        }
        guard FileManager.default.fileExists(atPath: mappings + "/contingent/columns.tsv") else {
            fail("mappings", "no code tables at \(mappings): install them (journal-gateway install) or pass --mappings DIR", ExitCode.usage)
            return
        }
        do {
            _ = try ColumnMap(path: mappings + "/contingent/columns.tsv")
            _ = try Resources.policy(env)
            if config.portal("asu-rso") != nil { _ = try ASURSOCodes(directory: mappings + "/asu-rso") }
            if config.portal("epos") != nil { _ = try EPOSCodes(directory: mappings + "/epos") }
            ok("code tables", "read")
        } catch {
            fail("code tables", "\(error)", ExitCode.dataError)
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
                ok(check, "\(url.absoluteString) answers; the saved browser session is read (its validity shows at the first sync)")
                return
            }
            if p.name == "asu-rso" {
                let session = ASURSOSession(client: client, account: try CLI.asuAccount(a, ctx, url))
                try blockingAwait { try await session.login(); await session.logout() }
            } else {
                let session = EPOSSession(client: client, account: try CLI.eposAccount(a, ctx, url), requestsPerSecond: 10)
                try blockingAwait { try await session.login() }
            }
            ok(check, "signed in at \(url.absoluteString) as «\(a.option("--login") ?? "")»")
        } catch let e as CounterpartStopping {
            fail(check, "\(url.absoluteString): \(e)", e.stopReason.exitCode)
        } catch {
            let (code, lines) = CLI.outcome(of: error, storePath: ctx.storePath)
            fail(check, lines.joined(separator: " "), code)
        }
    }

    mutating func reachDiary(_ d: SchoolConfig.Portal) {
        guard let url = d.url.flatMap(URL.init(string:)) else { ok("[diary]", "files to \(d.options["--out"]?.value ?? "")"); return }
        do {
            try reach(url, HTTPClient(policy: Self.patience))
            ok("[diary] portal", "\(url.absoluteString) answers")
        } catch let e as CounterpartStopping {
            fail("[diary] portal", "\(url.absoluteString): \(e)", e.stopReason.exitCode)
        } catch {
            fail("[diary] portal", "\(url.absoluteString): \(error)", ExitCode.unavailable)
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
