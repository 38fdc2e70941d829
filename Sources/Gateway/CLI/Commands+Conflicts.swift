import Foundation
import JournalModel
import JournalStore
import SyncEngine

extension CLI {
    static func conflictID(_ a: Arguments) throws -> Int {
        guard a.positionals.count == 1, let id = Int(a.positionals[0]) else { throw GatewayError.usage(.conflictID) }
        return id
    }

    static func conflictError(_ e: ConflictError) -> GatewayError {
        switch e.kind {
        case .notFound, .alreadyResolved: return GatewayError.usage(e.message)
        case .invalidValue, .cannotApply: return GatewayError.badInput(e.message)
        }
    }

    static let conflictCommands: [Command] = [
        Command(words: ["conflicts"], summary: CommandText.conflicts.says(),
                usage: "conflicts [list] [--all] [--json]", flags: ["--json", "--all"]) { a, ctx in
            guard a.positionals.isEmpty || a.positionals == ["list"] else {
                throw GatewayError.usage(.unknownConflicts, ["command": a.positionals.joined(separator: " ")])
            }
            let items = try ConflictQueue.list(store: try ctx.openStore(), includeResolved: a.flag("--all"))
            if a.flag("--json") {
                ctx.console.out(JSON.array(items.map(\.json)).pretty())
            } else if items.isEmpty {
                ctx.console.out(ConflictText.none.text(ctx.language))
            } else {
                for i in items { ctx.console.out(ConflictText.line(i, ctx.language)) }
                ctx.console.out(ConflictText.count.text(ctx.language, ["n": "\(items.count)"]))
            }
            return ExitCode.ok
        },
        Command(words: ["conflicts", "show"], summary: CommandText.conflictsShow.says(),
                usage: "conflicts show ID [--json]", flags: ["--json"]) { a, ctx in
            do {
                let item = try ConflictQueue.show(store: try ctx.openStore(), id: try conflictID(a))
                ctx.console.out(a.flag("--json") ? item.json.pretty() : ([ConflictText.line(item, ctx.language)] + ConflictText.detail(item, ctx.language)).joined(separator: "\n"))
            } catch let e as ConflictError { throw conflictError(e) }
            return ExitCode.ok
        },
        Command(words: ["conflicts", "resolve"], summary: CommandText.conflictsResolve.says(),
                usage: "conflicts resolve ID (--take local|remote | --value V) [--json]", options: ["--take", "--value"], flags: ["--json"]) { a, ctx in
            let id = try conflictID(a)
            let take: ConflictQueue.Take
            switch (a.option("--take"), a.option("--value")) {
            case ("local"?, nil): take = .local
            case ("remote"?, nil): take = .remote
            case (nil, let v?): take = .value(v)
            default: throw GatewayError.usage(.giveEither, ["first": "--take local|remote", "second": "--value V"])
            }
            return try ctx.withLockedStore("conflicts resolve") { store in
                do {
                    let item = try ConflictQueue.resolve(store: store, id: id, take: take, account: ctx.environment["USER"])
                    ctx.console.out(a.flag("--json") ? item.json.pretty() : ConflictText.resolved.text(ctx.language, ["line": ConflictText.line(item, ctx.language)]))
                } catch let e as ConflictError { throw conflictError(e) }
                return ExitCode.ok
            }
        },
        Command(words: ["quarantine"], summary: CommandText.quarantine.says(),
                usage: "quarantine --account LOGIN --since TIME [--dry-run] [--json]", options: ["--account", "--since"], flags: ["--dry-run", "--json"]) { a, ctx in
            let account = try a.required("--account")
            let sinceText = try a.required("--since")
            return try ctx.withLockedStore("quarantine") { store in
                guard let since = Quarantine.parseTime(sinceText, timeZone: store.school.timeZone) else {
                    throw GatewayError.usage(.since, ["value": sinceText])
                }
                let report = try Quarantine.run(store: store, account: account, since: since, dryRun: a.flag("--dry-run"), by: ctx.environment["USER"])
                ctx.console.out(a.flag("--json") ? report.json.pretty() : report.lines.joined(separator: "\n"))
                return ExitCode.ok
            }
        },
    ]
}
