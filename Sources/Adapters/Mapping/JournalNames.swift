import Foundation
import JournalModel
import SyncModel

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
