import Adapters
import Foundation
import SyncEngine

/// Where the bundled `mappings/` and `samples/` folders are.
///
/// `mappings`: `$JOURNAL_GATEWAY_MAPPINGS`, else `./mappings`, else the folder next to the
/// sources this binary was built from (so `swift run` works from anywhere).
enum Resources {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func directory(_ name: String, environment: [String: String], env key: String, probe: String) -> String {
        if let dir = environment[key], !dir.isEmpty { return dir }
        let cwd = FileManager.default.currentDirectoryPath + "/" + name
        if FileManager.default.fileExists(atPath: cwd + "/" + probe) { return cwd }
        return packageRoot.appendingPathComponent(name).path
    }

    static func mappings(_ environment: [String: String]) -> String { MappingsDirectory.path(environment) }

    /// `mappings/policy.tsv` (who wins a field both sides changed), else the defaults.
    static func policy(_ environment: [String: String]) throws -> PolicyTable {
        let path = mappings(environment) + "/policy.tsv"
        return FileManager.default.fileExists(atPath: path) ? try PolicyTable.load(path: path) : .defaults
    }

    static func samples(_ environment: [String: String]) -> String {
        directory("samples", environment: environment, env: "JOURNAL_GATEWAY_SAMPLES", probe: "journal/week.jsonl")
    }
}
