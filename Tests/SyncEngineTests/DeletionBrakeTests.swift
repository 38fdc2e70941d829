import Foundation
import Testing
import JournalModel
import JournalStore
import SyncModel
@testable import SyncEngine
import TestSupport

/// A counterpart that forwards to an in-memory one but hides one kind from every page, as
/// a broken portal (or a proxy answering empty lists) would; or fails every pull.
struct HidingCounterpart: Counterpart {
    let inner: InMemoryCounterpart
    var hidden: Set<EntityKind> = []
    var pullError: (any Error)?
    var name: String { inner.name }

    func pull(cursor: String?) async throws -> PullPage {
        if let pullError { throw pullError }
        switch try await inner.pull(cursor: cursor) {
        case .resetToFull: return .resetToFull
        case .needs(let needs): return .needs(needs)
        case .records(let items, let next, let more): return .records(items.filter { !hidden.contains($0.kind) }, next: next, hasMore: more)
        }
    }
    func push(_ ops: [OutboundOperation]) async throws -> [OperationResult] { try await inner.push(ops) }
}

struct BadAnswer: CounterpartStopping, CustomStringConvertible {
    var stopReason: StopReason
    var description: String { "GET /webapi/journal: weekDays: expected an array, got an object" }
}

/// A school with `n` lessons on consecutive days from 7 September (valid dates).
func seedLessons(_ cp: InMemoryCounterpart, _ n: Int) -> [String] {
    let school = seedRemote(cp, students: 2, lessons: 0)
    let first = CivilDate(iso: "2026-09-07")!
    return (0..<n).map { i in
        cp.create(.lesson, ["class": .text(school.klass), "subject": .text(school.subject), "date": .text(first.adding(days: i).description),
                            "number": .int(1), "teacher": .text(school.teacher), "topic": .text("Тема \(i + 1)")])
    }
}

@Suite struct DeletionBrakeTests {
    func run(_ store: JournalStore, _ cp: any Counterpart, full: Bool = false, allow: Int? = nil) async throws -> SyncSummary {
        var engine = SyncEngine(store: store, counterpart: cp)
        engine.fullPull = full
        engine.allowDeletions = allow
        return try await engine.run()
    }

    @Test(arguments: StoreBackend.allCases)
    func aFullPullThatListsNoRecordOfAKindDeletesNone(_ backend: StoreBackend) async throws {
        let dir = try TempDir(), store = try newStore(dir, backend)
        let cp = InMemoryCounterpart(name: "portal")
        seedRemote(cp, students: 3, lessons: 3)
        #expect(try await sync(store, cp).exitCode == 0)
        let log = store.lastSeq
        // The portal answers with everything but lessons (an empty, correctly shaped list).
        let broken = HidingCounterpart(inner: cp, hidden: [.lesson])
        let s = try await run(store, broken, full: true)
        #expect(s.exitCode == 65)
        #expect(s.status == "held")
        #expect(try store.count(.lesson) == 3)
        #expect(store.lastSeq == log)   // nothing written to the journal
        #expect(s.held.count == 1 && s.held[0].contains("3 lesson record(s)") && s.held[0].contains("--allow-deletions 3"))
        // The real portal is back: the same state as a run that never met the broken one.
        let again = try await run(store, cp, full: true)
        #expect(again.exitCode == 0)
        #expect(try store.count(.lesson) == 3)
        #expect(store.lastSeq == log)
    }

    @Test(arguments: StoreBackend.allCases)
    func aPersonMayAllowTheDeletionsAfterLooking(_ backend: StoreBackend) async throws {
        let dir = try TempDir(), store = try newStore(dir, backend)
        let cp = InMemoryCounterpart(name: "portal")
        seedRemote(cp, students: 3, lessons: 3)
        _ = try await sync(store, cp)
        let s = try await run(store, HidingCounterpart(inner: cp, hidden: [.lesson]), full: true, allow: 3)
        #expect(s.exitCode == 0)
        #expect(s.held.isEmpty)
        #expect(try store.count(.lesson) == 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func aFullPullMissingMoreThanTheThresholdHoldsThatKindWhole(_ backend: StoreBackend) async throws {
        let dir = try TempDir(), store = try newStore(dir, backend)
        let cp = InMemoryCounterpart(name: "portal")
        let lessons = seedLessons(cp, 30)
        _ = try await sync(store, cp)
        // 25 of 30 lessons gone without a trace (a truncated answer): more than 20 and more than 5 %.
        for l in lessons.prefix(25) { cp.delete(l) }
        cp.truncateFeed()
        let s = try await run(store, cp, full: true)
        #expect(s.exitCode == 65)
        #expect(try store.count(.lesson) == 30)
        #expect(s.held.first?.contains("25 lesson record(s)") == true)
        // A few missing are within the brake: 2 of 30.
        let dir2 = try TempDir(), store2 = try newStore(dir2, backend)
        let cp2 = InMemoryCounterpart(name: "portal")
        let lessons2 = seedLessons(cp2, 30)
        _ = try await sync(store2, cp2)
        for l in lessons2.prefix(2) { cp2.delete(l) }
        cp2.truncateFeed()
        let s2 = try await run(store2, cp2, full: true)
        #expect(s2.exitCode == 0)
        #expect(try store2.count(.lesson) == 28)
    }

    @Test(arguments: StoreBackend.allCases)
    func theFeedDeletingTooManyIsHeldUntilAllowed(_ backend: StoreBackend) async throws {
        let dir = try TempDir(), store = try newStore(dir, backend)
        let cp = InMemoryCounterpart(name: "portal")
        let lessons = seedLessons(cp, 30)
        _ = try await sync(store, cp)
        for l in lessons.prefix(25) { cp.delete(l) }
        let s = try await run(store, cp)
        #expect(s.exitCode == 65)
        #expect(s.failures.isEmpty)
        #expect(try store.count(.lesson) == 30)        // none of that part committed
        #expect(s.held.first?.contains("25 more lesson") == true)
        #expect(try store.parkedItems(counterpart: cp.name).count == 25)
        // Held stays held on the next night: the brake counts what is waiting.
        let next = try await run(store, cp)
        #expect(next.exitCode == 65)
        #expect(try store.count(.lesson) == 30)
        // A person looked and said yes.
        let yes = try await run(store, cp, allow: 25)
        #expect(yes.exitCode == 0)
        #expect(try store.count(.lesson) == 5)
        #expect(try store.parkedItems(counterpart: cp.name).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func aFewDeletionsFromTheFeedFlow(_ backend: StoreBackend) async throws {
        let dir = try TempDir(), store = try newStore(dir, backend)
        let cp = InMemoryCounterpart(name: "portal")
        let lessons = seedLessons(cp, 30)
        _ = try await sync(store, cp)
        for l in lessons.prefix(3) { cp.delete(l) }
        let s = try await run(store, cp)
        #expect(s.exitCode == 0)
        #expect(try store.count(.lesson) == 27)
    }

    @Test(arguments: StoreBackend.allCases, [(StopReason.badData, Int32(65)), (.credentialsRefused, 77), (.retryLater, 75), (.unavailable, 69)])
    func aStoppedRunExitsWithItsReason(_ backend: StoreBackend, _ stop: (reason: StopReason, code: Int32)) async throws {
        let (reason, code) = stop
        let dir = try TempDir(), store = try newStore(dir, backend)
        let cp = InMemoryCounterpart(name: "portal")
        seedRemote(cp)
        let s = try await run(store, HidingCounterpart(inner: cp, pullError: BadAnswer(stopReason: reason)))
        #expect(s.exitCode == code)
        #expect(s.status == reason.rawValue)
        #expect(try store.count(.lesson) == 0)
        #expect(s.unavailable?.contains("weekDays") == true)
    }
}
