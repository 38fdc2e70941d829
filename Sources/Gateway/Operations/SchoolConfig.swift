import Foundation
import JournalStore

/// `school.conf`: one school's whole setup (docs/operations.md). The keys as issue 18 spells
/// them are a contract; a key or section this build does not know is refused with its line,
/// so a typo never silently drops a setting. Relative paths are taken from the file's folder.
public struct SchoolConfig: Sendable {
    /// Where the file is read from when no `--config` is given (used only when it exists).
    public static let defaultPath = "/etc/journal-gateway/school.conf"
    /// The school's own code-table lines (override the shipped ones line by line).
    public static let defaultOverrides = "/etc/journal-gateway/mappings"

    /// A counterpart's section: the command-line options it stands for (`url` → `--url`).
    public struct Portal: Sendable {
        public let name: String
        public let line: Int
        /// `--url`, `--school-id`, … as the commands take them, with the line each came from.
        public var options: [String: (value: String, line: Int)] = [:]
        public var url: String? { options["--url"]?.value }
        /// Credential files: (key as written, path, line).
        public var credentialFiles: [(key: String, path: String, line: Int)] = []
    }

    public let path: String
    public let fileName: String
    public var store: String?
    public var timeZone: String?
    public var inbox: String?
    public var extracts: String?
    public var archive: String?
    public var metricsFile: String?
    public var extractWeekday: Int?
    public var logFormat: String?
    public var mappings: String?
    public var mappingsOverrides: String?
    /// `archive build`'s signing options (`--sign-key`, `--sign-cert`, `--sign-pass-file`).
    public var archiveSigning: [String: String] = [:]
    /// Secret files of the `[school]` section (the archive's signing key and its password).
    public var schoolSecrets: [(key: String, path: String, line: Int)] = []
    /// The regional platforms configured, in the order the night syncs them.
    public var platforms: [Portal] = []
    public var diary: Portal?

    static let schoolKeys = ["store", "timezone", "inbox", "extracts", "archive", "metrics-file", "extract-weekday",
                             "log-format", "mappings", "mappings-overrides", "archive-sign-key", "archive-sign-cert", "archive-sign-pass-file"]
    static let portalKeys = ["url", "school-id", "login", "password-file", "session-file", "requests-per-second"]
    static let diaryKeys = ["url", "school-id", "token-file", "out"]
    static let credentialKeys: Set<String> = ["password-file", "session-file", "token-file"]
    static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// Reads and checks `path`; every mistake is a ``ConfigError`` with its line.
    public static func load(path: String) throws -> SchoolConfig {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path, 0, "cannot read the configuration file (\(String(cString: strerror(errno))))")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ConfigError(name, 0, "not UTF-8 text") }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try SchoolConfig(ini: try INIFile(text: text, name: name), path: path, directory: dir)
    }

    init(ini: INIFile, path: String, directory: String) throws {
        self.path = path
        fileName = ini.name
        func err(_ line: Int, _ m: String) -> ConfigError { ConfigError(ini.name, line, m) }
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : directory + "/" + p }
        func known(_ s: INIFile.Section, _ keys: [String]) throws {
            for e in s.entries where !keys.contains(e.key) {
                throw err(e.line, "[\(s.name)] has no key «\(e.key)» (keys: \(keys.joined(separator: ", ")))")
            }
            for e in s.entries where e.value.isEmpty { throw err(e.line, "\(e.key) has no value") }
        }
        for s in ini.sections {
            switch s.name {
            case "school":
                try known(s, Self.schoolKeys)
                for e in s.entries {
                    switch e.key {
                    case "store": store = JournalStore.isServerLocation(e.value) ? e.value : resolve(e.value)   // a PostgreSQL URL is not a path
                    case "timezone":
                        guard TimeZone(identifier: e.value) != nil else { throw err(e.line, "timezone «\(e.value)» is not a time zone name such as Europe/Samara") }
                        timeZone = e.value
                    case "inbox": inbox = resolve(e.value)
                    case "extracts": extracts = resolve(e.value)
                    case "archive": archive = resolve(e.value)
                    case "metrics-file": metricsFile = resolve(e.value)
                    case "mappings": mappings = resolve(e.value)
                    case "mappings-overrides": mappingsOverrides = resolve(e.value)
                    case "archive-sign-key", "archive-sign-cert", "archive-sign-pass-file":
                        archiveSigning["--" + e.key.dropFirst("archive-".count)] = resolve(e.value)
                        if e.key != "archive-sign-cert" { schoolSecrets.append((e.key, resolve(e.value), e.line)) }
                    case "log-format":
                        guard ["text", "json"].contains(e.value) else { throw err(e.line, "log-format is text or json, not «\(e.value)»") }
                        logFormat = e.value
                    case "extract-weekday":
                        guard let d = Self.weekdays.firstIndex(of: e.value.lowercased()) else {
                            throw err(e.line, "extract-weekday is a day of the week in English (\(Self.weekdays.joined(separator: ", "))), not «\(e.value)»")
                        }
                        extractWeekday = d + 1
                    default: break
                    }
                }
            case "asu-rso", "epos", "diary":
                let isDiary = s.name == "diary"
                try known(s, isDiary ? Self.diaryKeys : Self.portalKeys)
                var p = Portal(name: s.name, line: s.line)
                for e in s.entries {
                    var value = e.value
                    if Self.credentialKeys.contains(e.key) || e.key == "out" { value = resolve(value) }
                    if Self.credentialKeys.contains(e.key) { p.credentialFiles.append((e.key, value, e.line)) }
                    if e.key == "url" {
                        guard let u = URL(string: value), u.scheme == "http" || u.scheme == "https", u.host != nil else {
                            throw err(e.line, "url must be an http(s) address, not «\(value)»")
                        }
                    }
                    if e.key == "requests-per-second", (Int(value) ?? 0) < 1 {
                        throw err(e.line, "requests-per-second takes a whole number from 1, not «\(value)»")
                    }
                    p.options["--" + e.key] = (value, e.line)
                }
                if isDiary {
                    guard p.url != nil || p.options["--out"] != nil else { throw err(s.line, "[diary] needs url (with token-file) or out") }
                    diary = p
                } else {
                    guard p.url != nil else { throw err(s.line, "[\(s.name)] needs url") }
                    guard p.options["--school-id"] != nil else { throw err(s.line, "[\(s.name)] needs school-id") }
                    if p.options["--session-file"] == nil && p.options["--login"] == nil {
                        throw err(s.line, "[\(s.name)] needs login (with password-file) or session-file")
                    }
                    platforms.append(p)
                }
            default:
                throw err(s.line, "unknown section [\(s.name)] (sections: school, asu-rso, epos, diary)")
            }
        }
    }

    /// The section for a portal's commands (`sync asu-rso`, `mappings check epos`, `feed diary`).
    public func portal(_ name: String) -> Portal? { name == "diary" ? diary : platforms.first { $0.name == name } }
}
