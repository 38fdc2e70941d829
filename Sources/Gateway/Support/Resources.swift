import Adapters
import Foundation
import SyncEngine

/// Where the shipped `mappings/` and `samples/` folders are (``MappingsDirectory``,
/// ``ShippedResources``): found from the running binary, never from the build machine's paths.
enum Resources {
    static func mappings(_ environment: [String: String]) -> String { MappingsDirectory.path(environment) }

    /// `mappings/policy.tsv` (who wins a field both sides changed), else the defaults.
    static func policy(_ environment: [String: String]) throws -> PolicyTable {
        let path = mappings(environment) + "/policy.tsv"
        return FileManager.default.fileExists(atPath: path) ? try PolicyTable.load(path: path) : .defaults
    }

    /// `$JOURNAL_GATEWAY_SAMPLES`, else `./samples`, else the shipped samples.
    static func samples(_ environment: [String: String]) -> String {
        if let dir = environment["JOURNAL_GATEWAY_SAMPLES"], !dir.isEmpty { return dir }
        let cwd = FileManager.default.currentDirectoryPath + "/samples"
        if FileManager.default.fileExists(atPath: cwd + "/journal/week.jsonl") { return cwd }
        return ShippedResources.find("samples", probe: "journal/week.jsonl") ?? ShippedResources.installedShare() + "/samples"
    }
}
