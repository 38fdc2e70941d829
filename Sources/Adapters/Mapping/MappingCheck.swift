import JournalModel
import SyncModel

/// What `journal-gateway mappings check` found in a portal's reference data, changing
/// nothing: codes mapped by the tables, codes a sync would adopt under the portal's name,
/// codes whose items a sync would park (a line is missing), and warnings.
public struct MappingCheck: Sendable {
    public var portal: String
    /// Reference codes the tables map.
    public var mapped = 0
    public var adopted: [AdoptedCode] = []
    /// Codes without a line whose items a sync would keep parked (each once).
    public var missing: [UnmappedCode] = []
    public var warnings: [String] = []
    /// What the portal's reference data cannot tell (values seen only inside records).
    public var notes: [String] = []

    public init(portal: String) { self.portal = portal }

    /// Exit code: 65 when a line is missing (items would be parked), else 0 (adoptions flow).
    public var exitCode: Int32 { missing.isEmpty ? 0 : 65 }

    public var json: JSON {
        .object([("portal", .string(portal)), ("mapped", .int(mapped)), ("adopted", .array(adopted.map(\.json))),
                 ("missing", .array(missing.map { .object([("table", .string($0.table)), ("code", .string($0.code)), ("what", .string($0.what)),
                                                           ("line", .string($0.line)), ("choices", .string($0.choices))]) })),
                 ("warnings", .array(warnings.map(JSON.string))), ("notes", .array(notes.map(JSON.string))),
                 ("exit_code", .int(Int(exitCode)))])
    }

    public var lines: [String] {
        var out = ["Code tables against \(portal)'s reference data: \(mapped) code(s) mapped, \(adopted.count) would be adopted, \(missing.count) missing"]
        out += adopted.map { "would adopt: " + $0.line }
        out += missing.map { m in
            "missing: \(m.what) «\(m.code)»: its items would be kept, not applied; add to mappings/\(m.table) the line «"
                + m.line.replacingOccurrences(of: "\t", with: "<TAB>") + "»" + (m.choices.isEmpty ? "" : " (… is one of: \(m.choices))")
        }
        out += warnings.map { "warning: " + $0 }
        out += notes.map { "note: " + $0 }
        if adopted.isEmpty && missing.isEmpty { out.append("Nothing to add: every code of the reference data has a line.") }
        return out
    }
}
