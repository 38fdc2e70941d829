import Foundation
import JournalModel
import SyncEngine

/// The journal's names of one kind of reference data (subjects, work types), for taking a
/// portal's code that has no table line under the portal's own name: the journal's record of
/// that name when there is one (ignoring case, ё/е, spaces and punctuation), else the
/// portal's name as it is (the engine then creates the record).
public struct JournalNames: Sendable {
    private var byFold: [String: String] = [:]

    public init(_ names: [String] = []) {
        for n in names.sorted() where byFold[CodeTable.looseFold(n)] == nil { byFold[CodeTable.looseFold(n)] = n }
    }

    /// The journal's name for `portalName`, and whether the journal had it.
    public func match(_ portalName: String) -> (name: String, matched: Bool) {
        if let n = byFold[CodeTable.looseFold(portalName)] { return (n, true) }
        return (portalName, false)
    }

    /// An adoption of `portalName` (what the portal calls it) by the journal.
    func adopt(_ portalName: String, code: String? = nil, table: CodeTable, what: String, journalKind: String) -> AdoptedCode {
        let (name, matched) = match(portalName)
        return AdoptedCode(table: table.name, code: code ?? portalName, what: what, journalKind: journalKind, name: name, matched: matched)
    }
}

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
        for gap in r.unmapped where gap.table == name {
            guard let raw = r.fields["value"]?.text, let v = lookup(raw, from: "portal", to: "journal") else { continue }
            out.fields["value"] = .text(v)
            out.unmapped.removeAll { $0 == gap }
        }
        return out
    }
}
