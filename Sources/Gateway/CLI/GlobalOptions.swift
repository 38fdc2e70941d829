import Foundation

/// The options placed before the command (`journal-gateway [GLOBAL OPTIONS] COMMAND …`):
/// `--store PATH` (also accepted after the command, as always), `--config FILE`,
/// `--mappings DIR`, `--metrics-file PATH`, `--log-format text|json`.
///
/// Precedence, for each setting: the flag, then its environment variable, then `school.conf`,
/// then the built-in default. The configuration file is `--config FILE`, else
/// `$JOURNAL_GATEWAY_CONFIG`, else `/etc/journal-gateway/school.conf` when that exists.
struct GlobalOptions {
    var rest: [String] = []
    var storePath: String
    var config: SchoolConfig?
    var environment: [String: String]
    var metricsFile: String?
    var logFormat: String = "text"
    /// Whether a log format was asked for (flag, environment or configuration): then every
    /// command's standard error is events (``CommandLog``); else plain lines for a person.
    var logFormatAsked = false

    static let names = ["--store", "--config", "--mappings", "--metrics-file", "--log-format"]

    static func parse(_ args: [String], environment: [String: String]) throws -> GlobalOptions {
        var given: [String: String] = [:]
        var rest: [String] = []
        var i = 0
        var beforeCommand = true
        while i < args.count {
            let a = args[i]
            let name = a.split(separator: "=", maxSplits: 1).first.map(String.init) ?? a
            // --store keeps its old place anywhere on the line; the others come before the command.
            if names.contains(name), beforeCommand || name == "--store" {
                if a.contains("=") { given[name] = String(a.dropFirst(name.count + 1)); i += 1; continue }
                guard i + 1 < args.count else { throw GatewayError.usage(.needsValue, ["option": name]) }
                given[name] = args[i + 1]; i += 2; continue
            }
            if !a.hasPrefix("-") { beforeCommand = false }
            rest.append(a); i += 1
        }
        var env = environment
        let configPath = given["--config"] ?? environment["JOURNAL_GATEWAY_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (FileManager.default.fileExists(atPath: SchoolConfig.defaultPath) ? SchoolConfig.defaultPath : nil)
        let config = try configPath.map { try SchoolConfig.load(path: $0) }
        if let m = given["--mappings"] { env["JOURNAL_GATEWAY_MAPPINGS"] = m }
        else if (env["JOURNAL_GATEWAY_MAPPINGS"] ?? "").isEmpty, let m = config?.mappings { env["JOURNAL_GATEWAY_MAPPINGS"] = m }
        if (env["JOURNAL_GATEWAY_MAPPINGS_OVERRIDES"] ?? "").isEmpty, let o = config?.mappingsOverrides { env["JOURNAL_GATEWAY_MAPPINGS_OVERRIDES"] = o }
        var out = GlobalOptions(rest: rest, storePath: given["--store"] ?? environment["JOURNAL_GATEWAY_STORE"] ?? config?.store ?? "journal.sqlite",
                                config: config, environment: env)
        out.metricsFile = given["--metrics-file"] ?? config?.metricsFile
        let asked = given["--log-format"] ?? environment["JOURNAL_GATEWAY_LOG_FORMAT"].flatMap { $0.isEmpty ? nil : $0 } ?? config?.logFormat
        out.logFormat = asked ?? "text"
        out.logFormatAsked = asked != nil
        guard ["text", "json"].contains(out.logFormat) else { throw GatewayError.usage(.logFormat, ["value": out.logFormat]) }
        return out
    }

    /// A command's options completed from `school.conf`: the portal section a command names
    /// (`sync asu-rso`, `mappings check epos`, `feed diary`) gives each option not on the
    /// command line. Credentials come as a group: a password or session file on the command
    /// line means none is taken from the file.
    static func completed(_ a: Arguments, words: [String], accepts: [String], config: SchoolConfig?) -> Arguments {
        guard let config else { return a }
        let portalName: String?
        switch words {
        case ["sync", "asu-rso"], ["sync", "epos"]: portalName = words[1]
        case ["mappings", "check"]: portalName = a.positionals.first
        case ["feed", "diary"]: portalName = a.flag("--rejected") ? nil : "diary"
        default: portalName = nil
        }
        guard let portalName, let portal = config.portal(portalName) else { return a }
        var out = a
        let credentials: Set<String> = ["--password-file", "--session-file", "--token-file", "--login"]
        let credentialsGiven = a.options.keys.contains { credentials.contains($0) && $0 != "--login" }
        // A diary destination on the command line (--url or --out) replaces the file's.
        let destinationGiven = portalName == "diary" && (a.option("--url") != nil || a.option("--out") != nil)
        for (flag, v) in portal.options where accepts.contains(flag) && out.options[flag] == nil {
            if credentialsGiven && credentials.contains(flag) { continue }
            if destinationGiven && ["--url", "--out", "--token-file"].contains(flag) { continue }
            out.options[flag] = v.value
        }
        return out
    }
}
