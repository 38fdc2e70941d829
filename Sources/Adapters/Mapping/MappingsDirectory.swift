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
