import Adapters
import JournalModel
import JournalStore

/// The journal's subject and work-type names, for adopting a portal's reference code that
/// has no table line under the journal's record of the same name.
enum JournalNamesLoader {
    static func load(_ store: JournalStore, _ kind: EntityKind) throws -> JournalNames {
        guard let key = kind.nameKey else { preconditionFailure("JournalNamesLoader: \(kind.rawValue) has no name") }
        return JournalNames(try store.records(kind).compactMap { $0[key].text })
    }
}
