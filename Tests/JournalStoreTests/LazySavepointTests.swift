import Foundation
import Testing
import JournalModel
import JournalStore
import TestSupport

/// `JournalStore.savepoint` opens its savepoint only before the first write inside it
/// (`StoreConnection.deferredSavepoints`): it must undo exactly what an eager one would, at
/// every nesting, on both backends.
struct LazySavepointTests {
    let origin = Origin(source: "test", runID: "run-1", account: "admin")
    struct Refused: Error {}

    /// Whether `body` threw ``Refused`` (and nothing else).
    func refused(_ body: () throws -> Void) -> Bool {
        do { try body(); return false } catch is Refused { return true } catch { return false }
    }

    func subject(_ id: String) -> Record { Record(.subject, id: id, ["name": .text("Предмет \(id)")]) }

    @Test(arguments: StoreBackend.allCases) func undoesExactlyWhatItsBodyWrote(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let store = try JournalStore.create(at: try storeLocation(backend, dir), school: "Школа", timeZone: "Europe/Samara")
        try store.transaction {
            let write = { (id: String) throws -> Void in _ = try store.write(subject(id), origin: origin) }
            // A body that wrote and then threw: its write is undone.
            #expect(refused { try store.savepoint { () throws -> Void in try write("a"); throw Refused() } })
            // A body that only read and threw: nothing to undo, the transaction goes on.
            #expect(refused { try store.savepoint { () throws -> Void in _ = store.record(.subject, id: "a"); throw Refused() } })
            // Nested: the outer body wrote, the inner one threw before writing: the outer write stays.
            try store.savepoint { () throws -> Void in
                try write("b")
                #expect(refused { try store.savepoint { () throws -> Void in throw Refused() } })
            }
            // Nested: neither wrote until the inner one did, then the inner one threw: both
            // savepoints were opened by that write, only the inner one's work is undone.
            try store.savepoint { () throws -> Void in
                #expect(refused { try store.savepoint { () throws -> Void in try write("c"); throw Refused() } })
                try write("d")
            }
            // The outer one throws after the inner one wrote and was released: both are undone.
            #expect(refused {
                try store.savepoint { () throws -> Void in
                    try store.savepoint { () throws -> Void in try write("e") }
                    throw Refused()
                }
            })
        }
        let kept = try store.records(.subject).map(\.id)
        #expect(kept == ["b", "d"])
        // The change log agrees: only what was kept was logged.
        #expect(try store.history(recordID: "a").isEmpty && store.history(recordID: "e").isEmpty)
        #expect(try store.history(recordID: "d").count == 1)
    }
}
