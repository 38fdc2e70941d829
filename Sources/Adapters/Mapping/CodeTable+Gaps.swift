import Foundation
import JournalModel
import SyncModel

/// Mark values without a line: the gap to report, and mapping a parked record again.
extension CodeTable {
    /// The journal's mark values, for a person choosing a line's `journal` column.
    static let markChoices = "1, 2, 3, 4, 5, зачёт, незачёт"

    /// A mark value with no line in this table (`portal`, `journal` columns).
    func markGap(_ raw: String) -> UnmappedCode {
        // «н/а» and «осв» are never marks (R3): no line can map them; the portal must correct the mark.
        let never = ["н/а", "осв"].contains(CodeTable.fold(raw.trimmingCharacters(in: .whitespaces)))
        return UnmappedCode(table: name, code: raw, what: "mark value", line: line(["portal": raw]),
                            choices: never ? "nothing: «\(raw)» is never a mark (R3); correct it at the portal, the next run takes it" : Self.markChoices)
    }

    /// A record's mark value mapped again: the journal's value and no gap, when a line exists now.
    func remapMark(_ r: RemoteRecord) -> RemoteRecord {
        var out = r
        // Marks and final marks carry a mark value; other kinds have no gap in this table.
        let value: Field? = r.kind == .mark ? Mark.value : r.kind == .finalMark ? FinalMark.value : nil
        for gap in r.unmapped where gap.table == name {
            guard let value, let raw = r.fields[value].text, let v = lookup(raw, from: "portal", to: "journal") else { continue }
            out.fields[value] = .text(v)
            out.unmapped.removeAll { $0 == gap }
        }
        return out
    }
}
