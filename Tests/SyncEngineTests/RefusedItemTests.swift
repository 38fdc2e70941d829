import Foundation
import Testing
import JournalModel
import JournalStore
@testable import SyncEngine
import TestSupport

/// One record the journal refuses never stops a night: it is kept with the reason, the
/// cursor moves on, everything else flows, and the run exits 65 naming it.
struct RefusedItemTests {
    @Test(arguments: StoreBackend.allCases)
    func aRefusedItemIsKeptAndTheRestFlows(_ backend: StoreBackend) async throws {
        let dir = try TempDir()
        let store = try newStore(dir, backend)
        store.now = { ISO8601DateFormatter().date(from: "2026-11-20T10:00:00Z")! }
        let cp = InMemoryCounterpart(name: "asu-rso")
        let school = seedRemote(cp)
        // A final mark «н/а» (R3 forbids it) and a mark beside it.
        let bad = cp.create(.finalMark, ["student": .text(school.students[0]), "subject": .text(school.subject), "period": .text(school.period),
                                         "value": .text("н/а")])
        let good = cp.create(.mark, ["lesson": .text(school.lessons[0]), "student": .text(school.students[1]), "work_type": .text(school.oral),
                                     "value": .text("4"), "point": .int(0)])
        let first = try await sync(store, cp)
        #expect(first.exitCode == 65, "\(first.json)")
        #expect(first.status == "refused")
        #expect(first.failures.isEmpty && first.total.unexplained == 0, "\(first.json)")
        #expect(first.refused.count == 1 && first.refused[0].hasPrefix("the journal refuses it: asu-rso final_mark \(bad)"), "\(first.refused)")
        #expect(first.refused[0].contains("R3"), "\(first.refused)")
        #expect(first.refused.contains { $0.hasPrefix("the journal refuses it") }, "\(first.refused)")
        #expect(first.json["refused"]?.array?.count == 1)
        #expect(try store.localID(counterpart: cp.name, .mark, externalID: good) != nil, "the rest of the page flowed")
        #expect(try store.count(.finalMark) == 0)
        #expect(try store.syncCursor(counterpart: cp.name).cursor != nil, "the cursor moved on")

        // The portal's user corrects it: the next run applies it and ends clean.
        cp.update(bad, ["value": .text("4")])
        let second = try await sync(store, cp)
        #expect(second.exitCode == 0 && second.refused.isEmpty, "\(second.json)")
        #expect(try store.records(.finalMark).first?["value"] == .text("4"))
        #expect(try store.parkedItems(counterpart: cp.name).isEmpty)
    }
}
