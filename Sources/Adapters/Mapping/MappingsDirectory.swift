import Foundation
import Synchronization

/// Where the code tables are (docs/operations.md, «Code tables»), in this order:
/// 1. `$JOURNAL_GATEWAY_MAPPINGS` (the CLI sets it from `--mappings` or the configuration's
///    `mappings`): a complete set of tables, used as it is;
/// 2. otherwise the shipped tables (``ShippedResources``), with the school's own lines from
///    `$JOURNAL_GATEWAY_MAPPINGS_OVERRIDES` (the configuration's `mappings-overrides`), else
///    `/etc/journal-gateway/mappings`, laid over them line by line (``MappingsOverlay``).
/// Never a path of the machine the binary was built on.
public enum MappingsDirectory {
    public static let defaultOverrides = "/etc/journal-gateway/mappings"

    public static func path(_ environment: [String: String]) -> String {
        if let dir = environment["JOURNAL_GATEWAY_MAPPINGS"], !dir.isEmpty { return dir }
        let shipped = shippedPath()
        let overrides = environment["JOURNAL_GATEWAY_MAPPINGS_OVERRIDES"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultOverrides
        guard MappingsOverlay.hasTables(overrides) else { return shipped }
        return (try? MappingsOverlay.merged(shipped: shipped, overrides: overrides)) ?? shipped
    }

    /// The shipped tables: found beside the binary, or a path that names where they were looked for.
    public static func shippedPath() -> String {
        ShippedResources.find("mappings", probe: "contingent/columns.tsv")
            ?? ShippedResources.installedShare() + "/mappings"
    }
}

/// Folders the gateway ships (`mappings`, `samples`), found from where the running binary is,
/// never from where it was built:
/// 1. installed: `PREFIX/share/journal-gateway/NAME` for a binary in `PREFIX/bin` (the
///    executable's real path, symlinks resolved);
/// 2. a build in a package checkout (`swift run`, `swift test`): the first folder upward from
///    the executable holding `Package.swift` and `NAME/`;
/// 3. the current directory, when it is such a package root.
public enum ShippedResources {
    public static func executableDirectory() -> String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().path
        return URL(fileURLWithPath: exe).deletingLastPathComponent().path
    }

    /// `PREFIX/share/journal-gateway` for the running binary.
    public static func installedShare() -> String {
        URL(fileURLWithPath: executableDirectory()).deletingLastPathComponent().appendingPathComponent("share/journal-gateway").path
    }

    public static func find(_ name: String, probe: String) -> String? {
        let fm = FileManager.default
        let installed = installedShare() + "/" + name
        if fm.fileExists(atPath: installed + "/" + probe) { return installed }
        var dir = URL(fileURLWithPath: executableDirectory())
        while dir.path != "/" {
            if fm.fileExists(atPath: dir.path + "/Package.swift"), fm.fileExists(atPath: dir.path + "/" + name + "/" + probe) {
                return dir.path + "/" + name
            }
            dir.deleteLastPathComponent()
        }
        let cwd = fm.currentDirectoryPath
        if fm.fileExists(atPath: cwd + "/Package.swift"), fm.fileExists(atPath: cwd + "/" + name + "/" + probe) { return cwd + "/" + name }
        return nil
    }
}
