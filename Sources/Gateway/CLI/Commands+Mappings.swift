import Foundation
import Adapters
import JournalModel
import JournalStore
import SyncEngine
import Transport
import SyncModel

extension CLI {
    static let mappingsCommands: [Command] = [
        Command(words: ["mappings", "check"],
                summary: CommandText.mappingsCheck.says(),
                usage: "mappings check asu-rso|epos --url URL --school-id ID (--login LOGIN [--password-file F] | --session-file F) [--json]",
                options: ["--url", "--school-id", "--login", "--password-file", "--session-file"], flags: ["--json"]) { a, ctx in
            guard let portal = a.positionals.first, ["asu-rso", "epos"].contains(portal), a.positionals.count == 1 else {
                throw GatewayError.usage(.mappingsPortal)
            }
            guard let url = URL(string: try a.required("--url")), url.scheme == "http" || url.scheme == "https" else {
                throw GatewayError.usage(.urlHTTP)
            }
            let dir = Resources.mappings(ctx.environment) + "/" + portal
            // The journal's names, when there is a store, so adoptions show the record they would match (read-only).
            let journal = JournalStore.mayExist(at: ctx.storePath) ? try ctx.openStore() : nil
            let subjects = try journal.map { try JournalNamesLoader.load($0, .subject) } ?? JournalNames()
            let workTypes = try journal.map { try JournalNamesLoader.load($0, .workType) } ?? JournalNames()
            let client = HTTPClient()
            let check: MappingCheck
            do {
                if portal == "asu-rso" {
                    var codes = try ASURSOCodes(directory: dir)
                    codes.journalSubjects = subjects
                    codes.journalWorkTypes = workTypes
                    let c = ASURSOCounterpart(session: ASURSOSession(client: client, account: try asuAccount(a, ctx, url)), codes: codes,
                                              timeZone: TimeZone(identifier: "Europe/Samara")!, today: CivilDate.today(in: TimeZone(identifier: "Europe/Samara")!))
                    check = try blockingAwait { try await c.checkMappings() }
                } else {
                    var codes = try EPOSCodes(directory: dir)
                    codes.journalSubjects = subjects
                    codes.journalWorkTypes = workTypes
                    let c = EPOSCounterpart(session: EPOSSession(client: client, account: try eposAccount(a, ctx, url), requestsPerSecond: 10),
                                            codes: codes, timeZone: TimeZone(identifier: "Asia/Yekaterinburg")!, knownHomework: { _ in false })
                    check = try blockingAwait { try await c.checkMappings() }
                }
            } catch let e as CodeTableError {
                throw GatewayError.badInput(e.message)
            } catch let e as CounterpartStopping {
                // As a sync would end: 69 unreachable, 75 come back later, 65 bad data, 77 credentials refused.
                throw PortalStop(portal: portal, reason: e.stopReason, detail: "\(e)")
            }
            if a.flag("--json") { ctx.console.out(check.json.pretty()) } else { check.lines.forEach(ctx.console.out) }
            return check.exitCode
        },
    ]

    /// The АСУ РСО account as `sync asu-rso` takes it: a password, or a browser session file.
    static func asuAccount(_ a: Arguments, _ ctx: CommandContext, _ url: URL) throws -> ASURSOAccount {
        if let file = a.option("--session-file") {
            return ASURSOAccount(baseURL: url, schoolID: try a.required("--school-id"), login: a.option("--login") ?? "", password: "",
                                 browserSession: try Credentials.browserSession(file, required: ["at"]))
        }
        let password = try Credentials.secret(file: a.option("--password-file"), env: "JOURNAL_GATEWAY_PASSWORD", environment: ctx.environment, what: "password")
        return ASURSOAccount(baseURL: url, schoolID: try a.required("--school-id"), login: try a.required("--login"), password: password)
    }

    /// The ЭПОС account as `sync epos` takes it.
    static func eposAccount(_ a: Arguments, _ ctx: CommandContext, _ url: URL) throws -> EPOSAccount {
        if let file = a.option("--session-file") {
            return EPOSAccount(baseURL: url, schoolID: try a.required("--school-id"), login: a.option("--login") ?? "", password: "",
                               browserSession: try Credentials.browserSession(file, required: ["auth_token", "profile_id"]))
        }
        let password = try Credentials.secret(file: a.option("--password-file"), env: "JOURNAL_GATEWAY_PASSWORD", environment: ctx.environment, what: "password")
        return EPOSAccount(baseURL: url, schoolID: try a.required("--school-id"), login: try a.required("--login"), password: password)
    }
}
