import Foundation
import Testing
import JournalModel
import JournalStore
@testable import SyncEngine
import TestSupport

/// Issue 15, item 1 (R2 in the sync): a counterpart's lesson dated after the store's today
/// is kept until its day, with what refers to it, without failing the run.
struct FutureLessonTests {
    private func at(_ iso: String) -> () -> Date { { ISO8601DateFormatter().date(from: iso)! } }

    @Test(arguments: StoreBackend.allCases)
    func aFutureLessonWaitsForItsDateAndIsAppliedThen(_ backend: StoreBackend) async throws {
        let dir = try TempDir()
        let store = try newStore(dir, backend)
        store.now = at("2026-11-20T10:00:00Z")
        let cp = InMemoryCounterpart(name: "asu-rso")
        let school = seedRemote(cp)
        // The current week holds Monday's lesson, with homework set for it.
        let monday = cp.create(.lesson, ["class": .text(school.klass), "subject": .text(school.subject), "date": .text("2026-11-23"),
                                         "number": .int(2), "teacher": .text(school.teacher), "topic": .text("Дроби")])
        let homework = cp.create(.homework, ["lesson": .text(monday), "text": .text("№ 101")])

        let first = try await sync(store, cp)
        #expect(first.exitCode == 0, "\(first.json)")
        #expect(first.status == "ok")
        #expect(first.total.unexplained == 0 && first.total.failed == 0, "\(first.json)")
        #expect(first.entities[.lesson]?.deferred == 1 && first.entities[.homework]?.deferred == 1, "\(first.json)")
        #expect(first.deferredItems == 2)
        #expect(first.json["deferred"] == .int(2))
        #expect(try store.localID(counterpart: cp.name, .lesson, externalID: monday) == nil, "not recorded in advance")
        #expect(try store.count(.homework) == 0)
        let parked = try store.parkedItems(counterpart: cp.name)
        #expect(parked.count == 2)
        #expect(parked.allSatisfy { FutureLesson.date(inReason: $0.reason) == CivilDate(year: 2026, month: 11, day: 23) }, "\(parked.map(\.reason))")
        #expect(parked.allSatisfy { $0.reason.contains("R2: lessons are not recorded in advance") })

        // A later run before the date: still waiting, still exit 0, nothing tried again.
        store.now = at("2026-11-22T19:59:00Z")   // 23:59 in Samara
        let second = try await sync(store, cp)
        #expect(second.exitCode == 0 && second.deferredItems == 2 && second.total.unexplained == 0, "\(second.json)")
        #expect(try store.count(.homework) == 0)

        // Monday in Samara (UTC+4) begins at 20:00 UTC on Sunday: the next run applies both.
        store.now = at("2026-11-22T20:00:00Z")
        let third = try await sync(store, cp)
        #expect(third.exitCode == 0 && third.deferredItems == 0 && third.total.unexplained == 0, "\(third.json)")
        #expect(third.entities[.lesson]?.applied == 1 && third.entities[.homework]?.applied == 1, "\(third.json)")
        let lesson = try local(store, cp, .lesson, monday)
        #expect(store.record(.lesson, id: lesson)?["date"] == .text("2026-11-23"))
        #expect(store.record(.homework, id: try local(store, cp, .homework, homework))?["lesson"] == .text(lesson))
        #expect(try store.parkedItems(counterpart: cp.name).isEmpty)
        let quiet = try await sync(store, cp)
        #expect(quiet.exitCode == 0 && quiet.total.applied == 0 && quiet.total.pushed == 0, "\(quiet.json)")
    }
}
