import Foundation
import Testing
import JournalModel
import JournalStore
@testable import SyncEngine
import TestSupport

/// Rule R10: undoing a breached account's changes since a time.
struct QuarantineTests {
    /// A clock the test moves by hand.
    final class Clock: @unchecked Sendable {
        // 2026-09-28: after the seeded lessons (7–9 September), which R2 keeps out of the journal until their day.
        var now = Date(timeIntervalSince1970: 1_790_592_000)
        func advance(_ seconds: TimeInterval) { now += seconds }
    }

    struct Fixture {
        let store: JournalStore
        let cp: InMemoryCounterpart
        let school: RemoteSchool
        let clock: Clock
        let ids: (lesson: String, lesson2: String, student: String, oral: String)
    }

    func fixture(_ dir: TempDir, _ backend: StoreBackend) async throws -> Fixture {
        let store = try newStore(dir, backend)
        let clock = Clock()
        store.now = { clock.now }
        let cp = InMemoryCounterpart(name: "asu-rso")
        let school = seedRemote(cp)
        try await sync(store, cp)
        let ids = (try local(store, cp, .lesson, school.lessons[0]), try local(store, cp, .lesson, school.lessons[1]),
                   try local(store, cp, .student, school.students[0]), try local(store, cp, .workType, school.oral))
        return Fixture(store: store, cp: cp, school: school, clock: clock, ids: ids)
    }

    @Test(arguments: StoreBackend.allCases)
    func restoresEveryFieldTheAccountChangedAndQueuesFieldsOthersChangedLater(_ backend: StoreBackend) async throws {
        let dir = try TempDir()
        let f = try await fixture(dir, backend)
        let (store, clock) = (f.store, f.clock)
        let ivanova = Origin(source: "journal-import", account: "ivanova")
        let petrov = Origin(source: "journal-import", account: "petrov")
        // Before the breach: ivanova's legitimate work.
        try edit(store, .mark, "m1", ["lesson": .text(f.ids.lesson), "student": .text(f.ids.student), "work_type": .text(f.ids.oral),
                                      "value": .text("4")], origin: ivanova)
        try edit(store, .attendance, "a1", ["lesson": .text(f.ids.lesson), "student": .text(f.ids.student), "kind": .text("absent"),
                                            "reason": .text("Б")], origin: ivanova)
        try edit(store, .lesson, f.ids.lesson2, ["topic": .text("Законная тема")], origin: ivanova)
        try await sync(store, f.cp)
        clock.advance(3600)
        let breach = clock.now
        clock.advance(60)
        // The breach: someone with ivanova's password.
        try edit(store, .mark, "m1", ["value": .text("2")], origin: ivanova)
        try edit(store, .mark, "m2", ["lesson": .text(f.ids.lesson2), "student": .text(f.ids.student), "work_type": .text(f.ids.oral),
                                      "value": .text("2")], origin: ivanova)
        try remove(store, .attendance, "a1", origin: ivanova)
        try edit(store, .lesson, f.ids.lesson, ["topic": .text("Взлом"), "number": .int(5)], origin: ivanova)
        try await sync(store, f.cp)    // and it reached the portal
        clock.advance(60)
        // Later, another teacher changes the lesson number again; the topic stays as the breach left it.
        try edit(store, .lesson, f.ids.lesson, ["number": .int(3)], origin: petrov)
        clock.advance(60)

        let dry = try Quarantine.run(store: store, account: "ivanova", since: breach, dryRun: true, by: "admin")
        #expect(dry.dryRun && dry.restored.count == 4 && dry.queued.count == 1, "\(dry.json)")
        #expect(store.record(.mark, id: "m1")?["value"] == .text("2"), "a dry run writes nothing")
        #expect(try store.conflicts().isEmpty)

        let report = try Quarantine.run(store: store, account: "ivanova", since: breach, dryRun: false, by: "admin")
        #expect(report.changesRead == 4)
        let restored = Set(report.restored.map { "\($0.entity.rawValue) \($0.recordID) \($0.field) \($0.from)→\($0.to)" })
        #expect(restored == ["mark m1 value 2→4", "mark m2 @record present→deleted", "attendance a1 @record deleted→present",
                             "lesson \(f.ids.lesson) topic Взлом→Тема 1"], "\(report.json)")
        #expect(report.queued.map(\.field) == ["number"])
        #expect(store.record(.mark, id: "m1")?["value"] == .text("4"))
        #expect(store.record(.mark, id: "m2") == nil)
        #expect(store.record(.attendance, id: "a1")?["reason"] == .text("Б"))
        #expect(store.record(.lesson, id: f.ids.lesson)?["number"] == .int(3), "petrov's later change stands")
        #expect(store.record(.lesson, id: f.ids.lesson2)?["topic"] == .text("Законная тема"), "changes before the breach stand")
        let entry = try store.history(recordID: "m1").last
        #expect(entry?.origin.source == "quarantine" && entry?.origin.account == "admin")

        let queued = try #require(try ConflictQueue.list(store: store).first)
        #expect(queued.conflict.counterpart == Quarantine.counterpart && queued.conflict.field == "number")
        #expect(queued.conflict.local == .int(3) && queued.conflict.remote == .int(1), "now, and before the breach")
        #expect(queued.conflict.base == .int(5) && queued.conflict.policy.contains("petrov"))

        // Running it again restores nothing more and queues nothing twice.
        let again = try Quarantine.run(store: store, account: "ivanova", since: breach, dryRun: false)
        #expect(again.restored.isEmpty, "\(again.json)")
        #expect(try store.conflicts().count == 1)

        // The next sync takes the restored values to the portal.
        let summary = try await sync(store, f.cp)
        #expect(summary.exitCode == 0, "\(summary.json)")
        let m1 = try #require(try store.externalID(counterpart: f.cp.name, .mark, localID: "m1"))
        let m2 = try #require(try store.externalID(counterpart: f.cp.name, .mark, localID: "m2"))
        #expect(f.cp.record(m1)?.fields["value"] == .text("4"))
        #expect(f.cp.record(m2)?.deleted == true)
        #expect(f.cp.record(f.school.lessons[0])?.fields["topic"] == .text("Тема 1"))
        #expect(f.cp.records(.attendance).count == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func aLaterChangeByAnotherAccountToTheSameFieldIsQueuedNotOverwritten(_ backend: StoreBackend) async throws {
        let dir = try TempDir()
        let f = try await fixture(dir, backend)
        let (store, clock) = (f.store, f.clock)
        try edit(store, .mark, "m1", ["lesson": .text(f.ids.lesson), "student": .text(f.ids.student), "work_type": .text(f.ids.oral),
                                      "value": .text("5")], origin: Origin(source: "journal-import", account: "ivanova"))
        clock.advance(60)
        let breach = clock.now
        clock.advance(60)
        try edit(store, .mark, "m1", ["value": .text("2")], origin: Origin(source: "journal-import", account: "ivanova"))
        clock.advance(60)
        try edit(store, .mark, "m1", ["value": .text("3")], origin: Origin(source: "journal-import", account: "petrov"))
        let report = try Quarantine.run(store: store, account: "ivanova", since: breach, dryRun: false)
        #expect(report.restored.isEmpty && report.queued.count == 1)
        #expect(store.record(.mark, id: "m1")?["value"] == .text("3"), "not overwritten")
        let c = try #require(try ConflictQueue.list(store: store).first)
        #expect(c.conflict.local == .string("3") && c.conflict.remote == .string("5") && c.conflict.base == .string("2"))
        // A person decides for the value before the breach.
        try ConflictQueue.resolve(store: store, id: c.conflict.id, take: .remote, account: "admin")
        #expect(store.record(.mark, id: "m1")?["value"] == .text("5"))
    }

    /// Issue 15, item 1: the quarantine writes through the store's gate too; a state before
    /// the breach that breaks a rule now is queued for a person, not written, not a crash.
    @Test(arguments: StoreBackend.allCases)
    func aRestorationTheGateRefusesIsQueued(_ backend: StoreBackend) async throws {
        let dir = try TempDir()
        let f = try await fixture(dir, backend)
        let (store, clock) = (f.store, f.clock)
        let ivanova = Origin(source: "journal-import", account: "ivanova")
        try edit(store, .mark, "m1", ["lesson": .text(f.ids.lesson), "student": .text(f.ids.student), "work_type": .text(f.ids.oral),
                                      "value": .text("4")], origin: ivanova)
        clock.advance(60)
        let breach = clock.now
        clock.advance(60)
        try remove(store, .mark, "m1", origin: ivanova)
        clock.advance(60)
        // Then the class became grade 1 (no marks stood in the way any more).
        let cls = try local(store, f.cp, .classUnit, f.school.klass)
        try edit(store, .classUnit, cls, ["grade": .int(1)], origin: Origin(source: "contingent", account: "secretary"))
        let seq = store.lastSeq
        let report = try Quarantine.run(store: store, account: "ivanova", since: breach, dryRun: false)
        #expect(report.restored.isEmpty && report.queued.count == 1, "\(report.json)")
        #expect(report.queued.first?.reason?.contains("refused by the journal: mark m1: R1") == true, "\(report.json)")
        #expect(store.record(.mark, id: "m1") == nil, "a mark on a grade-1 class is not written back")
        #expect(try store.changes(since: seq).isEmpty, "nothing written but the conflict")
        // A person taking the old state is told why it cannot be.
        let c = try #require(try ConflictQueue.list(store: store).first)
        let e = #expect(throws: ConflictError.self) { try ConflictQueue.resolve(store: store, id: c.conflict.id, take: .remote) }
        #expect(e?.kind == .invalidValue && e?.message.contains("R1") == true, "\(e?.message ?? "")")
        #expect(store.record(.mark, id: "m1") == nil)
    }

    @Test func sinceIsReadInTheSchoolsTimeZone() throws {
        let samara = TimeZone(identifier: "Europe/Samara")!
        let d = try #require(Quarantine.parseTime("2026-09-07T08:30", timeZone: samara))
        #expect(JournalStore.timestamp(d) == "2026-09-07T04:30:00.000Z")
        #expect(Quarantine.parseTime("2026-09-07", timeZone: samara).map(JournalStore.timestamp) == "2026-09-06T20:00:00.000Z")
        #expect(Quarantine.parseTime("2026-09-07 08:30:15Z", timeZone: samara).map(JournalStore.timestamp) == "2026-09-07T08:30:15.000Z")
        #expect(Quarantine.parseTime("2026-09-07T08:30+03:00", timeZone: samara).map(JournalStore.timestamp) == "2026-09-07T05:30:00.000Z")
        #expect(Quarantine.parseTime("07.09.2026", timeZone: samara) == nil)
    }
}
