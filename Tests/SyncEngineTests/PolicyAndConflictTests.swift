import Foundation
import Testing
import JournalModel
import JournalStore
@testable import SyncEngine
import TestSupport

/// The authority policy file and the conflict queue's library API.
struct PolicyAndConflictTests {
    @Test func theShippedPolicyFileSaysWhatTheDefaultsSay() throws {
        let shipped = try PolicyTable.load(path: packageRoot.appendingPathComponent("mappings/policy.tsv").path)
        for kind in EntityKind.allCases {
            for field in kind.fields.map(\.name) + [PolicyTable.recordField] {
                #expect(shipped.authority(kind, field) == PolicyTable.defaults.authority(kind, field), "\(kind.rawValue).\(field)")
            }
        }
        #expect(shipped.authority(.student, "class") == .remote, "class membership: the contingent")
        #expect(shipped.authority(.mark, "value") == .local && shipped.authority(.lesson, "topic") == .local)
        #expect(shipped.origin(.mark, "value").hasPrefix("policy.tsv:"))
    }

    @Test func policyLinesOverrideAndBadLinesNameFileAndLine() throws {
        let t = try PolicyTable.parse("# comment\nentity\tfield\tauthority\n\nmark\tvalue\tqueue\nstudent\t@record\tlocal\n", file: "p.tsv")
        #expect(t.authority(.mark, "value") == .queue)
        #expect(t.authority(.mark, "weight") == .local, "other fields keep the default")
        #expect(t.authority(.student, PolicyTable.recordField) == .local && t.authority(.student, "surname") == .remote)
        #expect(t.origin(.mark, "value") == "p.tsv:4")
        let bad: [(String, String)] = [
            ("entity\tfield\tauthority\nmarks\t*\tlocal\n", "p.tsv:2: unknown entity «marks»"),
            ("entity\tfield\tauthority\nmark\tcolour\tlocal\n", "p.tsv:2: mark has no field «colour»"),
            ("entity\tfield\tauthority\nmark\t*\tmine\n", "p.tsv:2: unknown authority «mine»"),
            ("entity\tfield\tauthority\nmark *  local\n", "p.tsv:2: expected 3 tab-separated columns"),
            ("mark\t*\tlocal\n", "p.tsv:1: the first line must be the header"),
            ("entity\tfield\tauthority\nmark\t*\tlocal\n# again\nmark\t*\tqueue\n", "p.tsv:4: mark * is given twice"),
        ]
        for (text, message) in bad {
            #expect(throws: PolicyError.self) { try PolicyTable.parse(text, file: "p.tsv") }
            do { _ = try PolicyTable.parse(text, file: "p.tsv") } catch { #expect("\(error)".hasPrefix(message), "\(error)") }
        }
    }

    /// A synced school where the counterpart and the journal both changed a lesson's topic
    /// and the policy queues topics.
    func conflicted(_ dir: TempDir, _ backend: StoreBackend) async throws -> (JournalStore, InMemoryCounterpart, String, String, PolicyTable) {
        let store = try newStore(dir, backend)
        let cp = InMemoryCounterpart(name: "asu-rso")
        let school = seedRemote(cp)
        let policy = PolicyTable.defaults.setting(.lesson, "topic", .queue)
        try await sync(store, cp, policy: policy)
        let lesson = try local(store, cp, .lesson, school.lessons[0])
        try edit(store, .lesson, lesson, ["topic": .text("Журнал")])
        cp.update(school.lessons[0], ["topic": .text("Портал")])
        let summary = try await sync(store, cp, policy: policy)
        #expect(summary.entities[.lesson]?.conflicts == 1 && summary.exitCode == 0, "\(summary.json)")
        return (store, cp, lesson, school.lessons[0], policy)
    }

    @Test(arguments: StoreBackend.allCases)
    func aQueuedConflictBlocksTheFieldUntilResolvedThenTheNextRunPushes(_ backend: StoreBackend) async throws {
        let dir = try TempDir()
        let (store, cp, lesson, ext, policy) = try await conflicted(dir, backend)
        let items = try ConflictQueue.list(store: store)
        #expect(items.count == 1)
        let c = try #require(items.first)
        #expect(c.conflict.field == "topic" && c.conflict.local == .string("Журнал") && c.conflict.remote == .string("Портал"))
        #expect(c.conflict.base == .string("Тема 1") && c.conflict.policy.contains("queue") && c.conflict.runID != nil)
        #expect(c.line.contains("#\(c.conflict.id)") && c.json["current"] == .string("Журнал"))
        #expect(try ConflictQueue.show(store: store, id: c.conflict.id).detail.contains { $0.contains("--take local|remote") })
        // While queued, nothing flows either way, however often we sync.
        let quiet = try await sync(store, cp, policy: policy)
        #expect(quiet.total.pushed == 0 && cp.record(ext)?.fields["topic"] == .text("Портал"))
        #expect(store.record(.lesson, id: lesson)?["topic"] == .text("Журнал"))
        // The counterpart changes its value again: the queue follows it.
        cp.update(ext, ["topic": .text("Портал 2")])
        try await sync(store, cp, policy: policy)
        #expect(try ConflictQueue.show(store: store, id: c.conflict.id).conflict.remote == .string("Портал 2"))
        // Resolve: keep the journal's value; a decision entry in the change log; the next run pushes.
        let resolved = try ConflictQueue.resolve(store: store, id: c.conflict.id, take: .local, account: "admin")
        #expect(resolved.conflict.resolution == "local" && resolved.conflict.resolvedAt != nil)
        let decision = try store.history(recordID: lesson).last
        #expect(decision?.origin.source == "conflicts" && decision?.origin.account == "admin")
        #expect(decision?.changes == [FieldChange(Lesson.topic, old: .text("Портал 2"), new: .text("Журнал"))])
        let after = try await sync(store, cp, policy: policy)
        #expect(after.entities[.lesson]?.pushed == 1 && after.exitCode == 0, "\(after.json)")
        #expect(cp.record(ext)?.fields["topic"] == .text("Журнал"))
        #expect(try ConflictQueue.list(store: store).isEmpty)
        #expect(throws: ConflictError.self) { try ConflictQueue.resolve(store: store, id: c.conflict.id, take: .remote) }
        #expect(throws: ConflictError.self) { try ConflictQueue.show(store: store, id: 999) }
    }

    @Test(arguments: StoreBackend.allCases)
    func resolvingWithTheRemoteValueOrATypedValue(_ backend: StoreBackend) async throws {
        let dir = try TempDir()
        let (store, cp, lesson, ext, policy) = try await conflicted(dir, backend)
        let id = try #require(try ConflictQueue.list(store: store).first?.conflict.id)
        try ConflictQueue.resolve(store: store, id: id, take: .remote)
        #expect(store.record(.lesson, id: lesson)?["topic"] == .text("Портал"))
        #expect(try store.history(recordID: lesson).last?.origin.source == "conflicts")
        let after = try await sync(store, cp, policy: policy)
        #expect(after.total.pushed == 0 && after.exitCode == 0)

        let dir2 = try TempDir()
        let (store2, cp2, lesson2, ext2, _) = try await conflicted(dir2, backend)
        let id2 = try #require(try ConflictQueue.list(store: store2).first?.conflict.id)
        try ConflictQueue.resolve(store: store2, id: id2, take: .value("Обе темы"))
        #expect(store2.record(.lesson, id: lesson2)?["topic"] == .text("Обе темы"))
        let after2 = try await sync(store2, cp2, policy: policy)
        #expect(after2.entities[.lesson]?.pushed == 1)
        #expect(cp2.record(ext2)?.fields["topic"] == .text("Обе темы"))
        _ = ext
    }

    /// Issue 15, case 1: `conflicts resolve --value 6` stored «6» as a final mark. The
    /// rules hold on this path too: refused naming the values a final mark takes, nothing changed.
    @Test(arguments: StoreBackend.allCases)
    func aFinalMarkOutsideItsSetIsRefusedAndChangesNothing(_ backend: StoreBackend) async throws {
        let dir = try TempDir()
        let store = try newStore(dir, backend)
        let cp = InMemoryCounterpart(name: "asu-rso")
        let school = seedRemote(cp)
        let fm = cp.create(.finalMark, ["student": .text(school.students[0]), "subject": .text(school.subject),
                                        "period": .text(school.period), "value": .text("4")])
        let policy = PolicyTable.defaults.setting(.finalMark, "value", .queue)
        try await sync(store, cp, policy: policy)
        let local = try local(store, cp, .finalMark, fm)
        try edit(store, .finalMark, local, ["value": .text("5")])
        cp.update(fm, ["value": .text("3")])
        try await sync(store, cp, policy: policy)
        let item = try #require(try ConflictQueue.list(store: store).first)
        let id = item.conflict.id
        // Named as a person reads it (issue 15, item 4): pupil and class, subject, period — no СНИЛС.
        #expect(item.line.contains("final mark of Зайцева Мария (5А, file 05-1010), Математика, 1 четверть"), "\(item.line)")
        #expect(item.json["what"]?.string == "final mark of Зайцева Мария (5А, file 05-1010), Математика, 1 четверть")
        let log = store.lastSeq
        let e = #expect(throws: ConflictError.self) { try ConflictQueue.resolve(store: store, id: id, take: .value("6")) }
        #expect(e?.kind == .invalidValue)
        #expect(e?.message.contains("1–5, зачёт, незачёт") == true, "\(e?.message ?? "")")
        #expect(store.record(.finalMark, id: local)?["value"] == .text("5"))
        #expect(store.lastSeq == log)
        #expect(try ConflictQueue.show(store: store, id: id).conflict.resolvedAt == nil)
        try ConflictQueue.resolve(store: store, id: id, take: .value("4"))
        #expect(store.record(.finalMark, id: local)?["value"] == .text("4"))
    }

    @Test func aTypedValueMustFitTheField() throws {
        #expect(try ConflictQueue.parse("3", field: "number", kind: .lesson) == .int(3))
        #expect(throws: ConflictError.self) { try ConflictQueue.parse("три", field: "number", kind: .lesson) }
        #expect(try ConflictQueue.parse("да", field: "point", kind: .mark) == .int(1))
        #expect(try ConflictQueue.parse("∅", field: "topic", kind: .lesson) == .null)
    }

    @Test(arguments: StoreBackend.allCases)
    func deleteAgainstEditIsQueuedForTheWholeRecord(_ backend: StoreBackend) async throws {
        let dir = try TempDir()
        let store = try newStore(dir, backend)
        let cp = InMemoryCounterpart(name: "asu-rso")
        let school = seedRemote(cp)
        let policy = PolicyTable.defaults.setting(.lesson, "*", .queue)
        try await sync(store, cp, policy: policy)
        let lesson = try local(store, cp, .lesson, school.lessons[1])
        try remove(store, .lesson, lesson)
        cp.update(school.lessons[1], ["topic": .text("Изменено на портале")])
        let summary = try await sync(store, cp, policy: policy)
        #expect(summary.entities[.lesson]?.conflicts == 1, "\(summary.json)")
        let c = try #require(try ConflictQueue.list(store: store).first)
        #expect(c.conflict.field == PolicyTable.recordField && c.conflict.local == .null)
        #expect(throws: ConflictError.self) { try ConflictQueue.resolve(store: store, id: c.conflict.id, take: .value("x")) }
        try ConflictQueue.resolve(store: store, id: c.conflict.id, take: .remote)
        #expect(store.record(.lesson, id: lesson)?["topic"] == .text("Изменено на портале"), "the record is back")
        let after = try await sync(store, cp, policy: policy)
        #expect(after.exitCode == 0 && after.total.pushed == 0 && cp.records(.lesson).count == 3)
    }
}
