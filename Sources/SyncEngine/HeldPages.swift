import Foundation
import JournalStore

/// The pull's held transaction (``SyncEngine/pull(_:)``): pulled pages applied one after
/// another inside one store transaction, each with its cursor, committed once enough items
/// or time have gone into it. Fewer commits, the same atomicity: a page is in or out
/// whole with its cursor; a failure or a kill takes back what was not committed, and the
/// next run pulls it again from the committed cursor.
struct HeldPages {
    let store: JournalStore
    /// Items after which the transaction is committed at the next page boundary.
    let commitEvery: Int
    /// How long a transaction is held at most (a region job asked to stop waits for the
    /// next commit; a kill loses no more than this much work).
    let maxHold: Duration
    private(set) var isOpen = false
    private var items = 0
    private var opened = ContinuousClock.now

    init(store: JournalStore, commitEvery: Int, maxHold: Duration = .seconds(2)) {
        self.store = store
        self.commitEvery = max(1, commitEvery)
        self.maxHold = maxHold
    }

    /// Whether the transaction should be committed at this page boundary.
    var isDue: Bool { isOpen && (items >= commitEvery || ContinuousClock.now - opened >= maxHold) }

    /// Runs `body` (a page's writes, `n` items) inside the held transaction, opening it
    /// first when none is. A throw leaves it open: the caller rolls it back.
    mutating func apply(items n: Int, _ body: () throws -> Void) throws {
        if !isOpen {
            try store.beginHeldTransaction()
            isOpen = true
            items = 0
            opened = .now
        }
        try body()
        items += n
    }

    mutating func commit() throws {
        guard isOpen else { return }
        isOpen = false
        try store.commitHeldTransaction()
    }

    mutating func rollback() {
        guard isOpen else { return }
        isOpen = false
        store.rollbackHeldTransaction()
    }
}
