import Adapters
import JournalModel
import JournalStore

/// The journal's subject and work-type names, for adopting a portal's reference code that
/// has no table line under the journal's record of the same name.
enum JournalNamesLoader {
    static func load(_ store: JournalStore, _ kind: EntityKind) throws -> JournalNames {
        var names: [String] = []
        try store.db.forEach("SELECT name FROM \(kind.table)") { row in if let n = row[0].text { names.append(n) } }
        return JournalNames(names)
    }
}
