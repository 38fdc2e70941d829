import JournalModel
import Testing
@testable import SyncEngine

/// The page-scoped identity cache: off it always asks the store; on it keeps only found
/// ids, and forgets what the run rebinds.
struct ReferenceCacheTests {
    /// A stand-in identity map that counts how often it is asked.
    final class Store {
        var bindings: [String: String] = [:]
        var asked = 0
        func lookup(_ ext: String) -> String? { asked += 1; return bindings[ext] }
    }

    @Test func offItAsksTheStoreEveryTime() {
        let store = Store()
        store.bindings["L1"] = "lesson-1"
        var cache = ReferenceCache()
        for _ in 0..<3 { #expect(cache.localID(.lesson, "L1") { store.lookup("L1") } == "lesson-1") }
        #expect(store.asked == 3)
    }

    @Test func onItKeepsFoundIdsOnly() {
        let store = Store()
        var cache = ReferenceCache(enabled: true)
        // Not bound yet: asked each time, so that a binding made later in the page is seen.
        #expect(cache.localID(.lesson, "L1") { store.lookup("L1") } == nil)
        store.bindings["L1"] = "lesson-1"
        #expect(cache.localID(.lesson, "L1") { store.lookup("L1") } == "lesson-1")
        #expect(cache.localID(.lesson, "L1") { store.lookup("L1") } == "lesson-1")
        #expect(store.asked == 2)
        // The same external id of another kind is another key.
        #expect(cache.localID(.student, "L1") { nil } == nil)
    }

    @Test func aRebindingOrAClearIsAskedAgain() {
        let store = Store()
        store.bindings["L1"] = "lesson-1"
        var cache = ReferenceCache(enabled: true)
        _ = cache.localID(.lesson, "L1") { store.lookup("L1") }
        store.bindings["L1"] = "lesson-2"
        cache.forget(.lesson, "L1")
        #expect(cache.localID(.lesson, "L1") { store.lookup("L1") } == "lesson-2")
        store.bindings["L1"] = "lesson-3"
        cache.clear()
        #expect(cache.localID(.lesson, "L1") { store.lookup("L1") } == "lesson-3")
        #expect(store.asked == 3)
    }
}
