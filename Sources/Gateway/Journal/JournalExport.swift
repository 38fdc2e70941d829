import Foundation
import JournalModel
import JournalStore

/// Writes the store as native journal lines, in dependency order, ids ascending.
public struct JournalExporter {
    public let store: JournalStore
    public init(store: JournalStore) { self.store = store }

    /// Everything, or with `since` only the records changed after that change-log
    /// sequence number (deleted ones as deletion lines).
    public func run(since: Int? = nil, write: (String) throws -> Void) throws -> Int {
        var n = 0
        guard let since else {
            for kind in EntityKind.allCases {
                try store.forEachRecord(kind) { try write(JournalLine.record($0).encoded()); n += 1 }
            }
            return n
        }
        let touched = try store.touchedRecords(since: since)
        for kind in EntityKind.allCases {
            for id in (touched[kind] ?? []).sorted() {
                if let r = store.record(kind, id: id) { try write(JournalLine.record(r).encoded()) } else { try write(JournalLine.deletion(kind, id: id).encoded()) }
                n += 1
            }
        }
        return n
    }
}
