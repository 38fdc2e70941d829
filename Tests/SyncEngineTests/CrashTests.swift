import Foundation
import Synchronization
import Testing
import JournalModel
import JournalStore
@testable import SyncEngine
import TestSupport

/// A run interrupted at every checkpoint boundary, then started again, ends exactly as
/// an uninterrupted run, and never sends a key with two payloads.
struct CrashTests {
    struct InjectedCrash: Error { let point: CrashPoint; let occurrence: Int }

    /// Counts the engine's checkpoint boundaries and throws at the chosen one.
    final class Crasher: Sendable {
        let target: (point: CrashPoint, occurrence: Int)?
        let seen = Mutex<[CrashPoint: Int]>([:])
        init(_ target: (CrashPoint, Int)?) { self.target = target }
        var hook: CrashHook {
            CrashHook { [self] point in
                let n = seen.withLock { s -> Int in s[point, default: 0] += 1; return s[point]! }
                if let target, target.point == point, target.occurrence == n { throw InjectedCrash(point: point, occurrence: n) }
            }
        }
        var counts: [CrashPoint: Int] { seen.withLock { $0 } }
    }

    static let policy = PolicyTable.defaults.setting(.lesson, "topic", .queue)
    /// Pages of three items held two by two (``HeldPages``): interruptions fall both inside a
    /// held transaction and between its commits.
    static let commitEvery = 4

    /// A store and counterpart in the same state every time: synced once, then a run
    /// whose push could not reach the counterpart (a batch left in the outbox), then
    /// changes on both sides: several pages to pull and several batches to push,
    /// a queued conflict, a record waiting for its reference, a deletion.
    func scenario(_ dir: TempDir, _ backend: StoreBackend) async throws -> (String, InMemoryCounterpart) {
        let path = try testStoreLocation(backend, dir)
        var faults = InMemoryCounterpart.Faults()
        faults.pageSize = 3
        let cp = InMemoryCounterpart(name: "asu-rso", faults: faults)
        let school = seedRemote(cp, students: 3, lessons: 4)
        let store = try JournalStore.create(at: path, school: "Школа", timeZone: "Europe/Samara")
        try await sync(store, cp, policy: CrashTests.policy, batchSize: 2, runID: "setup-1")
        let ids = try (0..<4).map { try local(store, cp, .lesson, school.lessons[$0]) }
        let students = try (0..<3).map { try local(store, cp, .student, school.students[$0]) }
        let oral = try local(store, cp, .workType, school.oral)
        // A push that does not get through.
        try edit(store, .lesson, ids[0], ["substitute": .text(try local(store, cp, .teacher, school.teacher))])
        cp.faults.failPushes = 3
        let failed = try await sync(store, cp, policy: CrashTests.policy, batchSize: 2, runID: "setup-2")
        #expect(failed.exitCode == 69)
        // Changes on the counterpart: new marks, a new lesson after its mark, an edit, a deletion, a conflict.
        let newLesson = cp.create(.lesson, ["class": .text(school.klass), "subject": .text(school.subject), "date": .text("2026-09-21"), "number": .int(2)])
        for (i, s) in school.students.enumerated() {
            cp.create(.mark, ["lesson": .text(i == 0 ? newLesson : school.lessons[1]), "student": .text(s), "work_type": .text(school.test), "value": .text("\(3 + i)")])
        }
        cp.update(newLesson, ["topic": .text("Контрольная")])
        cp.update(school.students[2], ["surname": .text("Петрова-Смирнова")])
        cp.update(school.lessons[2], ["topic": .text("Портал")])
        cp.delete(school.lessons[3])
        // Changes in the journal: marks in two batches, a new lesson with a mark, the conflicting topic.
        for (i, s) in students.enumerated() {
            try edit(store, .mark, "m\(i)", ["lesson": .text(ids[0]), "student": .text(s), "work_type": .text(oral), "value": .text("\(5 - i)")])
        }
        try edit(store, .lesson, "new-lesson", ["class": .text(try local(store, cp, .classUnit, school.klass)), "subject": .text(try local(store, cp, .subject, school.subject)),
                                                "date": .text("2026-09-22"), "number": .int(1), "topic": .text("Новый урок")])
        try edit(store, .mark, "m-new", ["lesson": .text("new-lesson"), "student": .text(students[1]), "work_type": .text(oral), "value": .text("4")])
        try edit(store, .lesson, ids[2], ["topic": .text("Журнал")])
        cp.faults.failPushes = 0
        return (path, cp)
    }

    @Test(arguments: StoreBackend.allCases)
    func everyInterruptionResumesToTheUninterruptedResult(_ backend: StoreBackend) async throws {
        // The uninterrupted run, counting every boundary it passes.
        let refDir = try TempDir()
        let (refPath, refCP) = try await scenario(refDir, backend)
        let counter = Crasher(nil)
        let refStore = try JournalStore.open(at: refPath)
        let ref = try await sync(refStore, refCP, policy: CrashTests.policy, batchSize: 2, crash: counter.hook, runID: "run", commitEvery: CrashTests.commitEvery)
        #expect(ref.exitCode == 0 && ref.total.unexplained == 0, "\(ref.json)")
        #expect(ref.resent == 1 && ref.entities[.lesson]?.conflicts == 1, "\(ref.json)")
        let expected = try snapshot(refStore, refCP, cursor: false)
        try await sync(refStore, refCP, policy: CrashTests.policy, runID: "settle")
        let settled = try snapshot(refStore, refCP)
        #expect(refCP.violations.isEmpty)

        let boundaries = CrashPoint.allCases.flatMap { p in (1...max(1, counter.counts[p] ?? 0)).map { (p, $0) } }
        #expect(CrashPoint.allCases.allSatisfy { (counter.counts[$0] ?? 0) > 0 }, "the scenario passes every kind of boundary: \(counter.counts)")
        #expect(boundaries.count >= 20)
        for (point, occurrence) in boundaries {
            let dir = try TempDir()
            let (path, cp) = try await scenario(dir, backend)
            do {
                let store = try JournalStore.open(at: path)
                _ = try await sync(store, cp, policy: CrashTests.policy, batchSize: 2, crash: Crasher((point, occurrence)).hook, runID: "killed",
                                   commitEvery: CrashTests.commitEvery)
                Issue.record("no interruption at \(point.rawValue) #\(occurrence)")
            } catch let e as InjectedCrash {
                #expect(e.point == point)
            }
            // Start again, as after a restart: a fresh connection to the same file.
            let store = try JournalStore.open(at: path)
            let resumed = try await sync(store, cp, policy: CrashTests.policy, batchSize: 2, runID: "resumed", commitEvery: CrashTests.commitEvery)
            #expect(resumed.exitCode == 0, "after \(point.rawValue) #\(occurrence): \(resumed.json)")
            #expect(resumed.resumedAfter == ["killed"])
            #expect(try store.syncRunStatus(id: "killed") == "interrupted")
            let got = try snapshot(store, cp, cursor: false)
            #expect(got == expected, "after \(point.rawValue) #\(occurrence):\n\(got.difference(expected))")
            try await sync(store, cp, policy: CrashTests.policy, runID: "settle")
            let gotSettled = try snapshot(store, cp)
            #expect(gotSettled == settled, "after \(point.rawValue) #\(occurrence), settled:\n\(gotSettled.difference(settled))")
            #expect(cp.violations.isEmpty, "after \(point.rawValue) #\(occurrence): \(cp.violations)")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func theRunJournalRecordsCheckpoints(_ backend: StoreBackend) async throws {
        let dir = try TempDir()
        let (path, cp) = try await scenario(dir, backend)
        let store = try JournalStore.open(at: path)
        try await sync(store, cp, policy: CrashTests.policy, batchSize: 2, runID: "journaled")
        let kinds = try store.checkpoints(runID: "journaled").map(\.kind)
        #expect(kinds.first == "start" && kinds.last == "finish")
        #expect(kinds.filter { $0 == "page" }.count >= 3 && kinds.contains("plan") && kinds.filter { $0 == "pushed" }.count >= 3, "\(kinds)")
        #expect(kinds.firstIndex(of: "pushed")! < kinds.firstIndex(of: "page")!, "the killed run's batch is sent first")
        #expect(try store.syncRunStatus(id: "journaled") == "ok")
    }
}
