import Foundation
import JournalModel
import JournalStore

extension CLI {
    /// The school's rule settings (docs/reports.md): R3 on or off, the minimum of current marks,
    /// the deadlines of topics and absence reasons.
    static let rulesCommands: [Command] = [
        Command(words: ["rules", "show"], summary: CommandText.rulesShow.says(),
                usage: "rules show [--json]", flags: ["--json"]) { a, ctx in
            let store = try ctx.openStore()
            let values = try JournalStore.ruleSettings.map { ($0.key, try store.meta($0.key) ?? $0.fallback) }
            if a.flag("--json") {
                ctx.console.out(JSON.object(values.map { ($0.0, .string($0.1)) }).pretty())
            } else {
                for (k, v) in values { ctx.console.out("\(k) = \(v)") }
            }
            return ExitCode.ok
        },
        Command(words: ["rules", "set"], summary: CommandText.rulesSet.says(),
                usage: "rules set KEY VALUE [--dry-run]", flags: ["--dry-run"]) { a, ctx in
            guard a.positionals.count == 2 else { throw GatewayError.usage(.rulesSet) }
            let key = a.positionals[0].hasPrefix("rules.") ? a.positionals[0] : "rules." + a.positionals[0]
            let value = a.positionals[1]
            guard let spec = JournalStore.ruleSettings.first(where: { $0.key == key }) else {
                throw GatewayError.usage(.unknownSetting, ["key": a.positionals[0], "keys": JournalStore.ruleSettings.map(\.key).joined(separator: ", ")])
            }
            let valid: Bool
            switch key {
            case "rules.r3": valid = value == "on" || value == "off"
            case "rules.min_current_marks": valid = Int(value).map { (0...20).contains($0) } ?? false
            default: valid = JournalControlReport.Settings.minutes(value) != nil && value.count == 5
            }
            guard valid else { throw GatewayError.usage(.settingValue, ["key": key, "takes": spec.takes, "value": value]) }
            if a.flag("--dry-run") { ctx.console.out(ResultText.ruleWouldSet.text(ctx.language, ["key": key, "value": value])); return ExitCode.ok }
            return try ctx.withLockedStore("rules set") { store in
                try store.setMeta(key, value)
                ctx.console.out(ResultText.ruleSet.text(ctx.language, ["key": key, "value": value]))
                return ExitCode.ok
            }
        },
    ]
}
