import Foundation

/// Where the code tables are: `$JOURNAL_GATEWAY_MAPPINGS`, else `./mappings`, else the folder
/// next to the sources this binary was built from (so `swift run` works from anywhere).
public enum MappingsDirectory {
    /// The package root, found from this file's path (Sources/Adapters/Mapping/…).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    public static func path(_ environment: [String: String]) -> String {
        if let dir = environment["JOURNAL_GATEWAY_MAPPINGS"], !dir.isEmpty { return dir }
        let cwd = FileManager.default.currentDirectoryPath + "/mappings"
        if FileManager.default.fileExists(atPath: cwd + "/contingent/columns.tsv") { return cwd }
        return packageRoot.appendingPathComponent("mappings").path
    }
}
