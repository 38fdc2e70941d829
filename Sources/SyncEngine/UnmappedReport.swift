import JournalModel
import SyncModel

/// One unmapped code as a run reports it: how many items stayed parked for it.
public struct UnmappedReport: Sendable, Hashable {
    public var code: UnmappedCode
    public var items: Int

    public init(code: UnmappedCode, items: Int) { self.code = code; self.items = items }

    /// `mark value «5+» (3 item(s) kept, not applied): add to mappings/epos/mark_values.tsv the line «5+<TAB>…» (… one of 1, …)`.
    public var line: String {
        "\(code.what) «\(code.code)»: \(items) item(s) kept, not applied; add to mappings/\(code.table) the line «"
            + code.line.replacingOccurrences(of: "\t", with: "<TAB>") + "»"
            + (code.choices.isEmpty ? "" : " (… is one of: \(code.choices))")
    }

    public var json: JSON {
        .object([("table", .string(code.table)), ("code", .string(code.code)), ("items", .int(items)), ("line", .string(code.line)),
                 ("what", .string(code.what))])
    }

    /// Each code once, with its items, in table then code order.
    public static func tally(_ codes: [UnmappedCode]) -> [UnmappedReport] {
        var counts: [UnmappedCode: Int] = [:]
        for c in codes { counts[c, default: 0] += 1 }
        return counts.map { UnmappedReport(code: $0.key, items: $0.value) }
            .sorted { ($0.code.table, $0.code.code) < ($1.code.table, $1.code.code) }
    }
}
