import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

/// `journal import` binds a file's record to the store's record of the same natural key
/// (entered first by a portal's sync) instead of failing: the file's id becomes an alias,
/// and every reference to it reads as the store's id.
struct JournalBindingTests {
    /// What a portal's sync entered under its own ids: a teacher, subject, work type, a
    /// lesson of 5А and one mark on it.
    static func portalStore(_ dir: TempDir) throws -> JournalStore {
        let path = try sampleStore(dir, week: false)
        let s = try JournalStore.open(at: path)
        let origin = Origin(source: "sync-asu-rso")
        try s.transaction {
            try s.write(Record(.teacher, id: "teacher-p", ["surname": .text("Иванова"), "name": .text("Мария"), "patronymic": .text("Петровна")]), origin: origin)
            try s.write(Record(.subject, id: "subject-p", ["name": .text("Математика")]), origin: origin)
            try s.write(Record(.workType, id: "wt-p", ["name": .text("Ответ на уроке")]), origin: origin)
            try s.write(Record(.lesson, id: "lesson-p", ["class": .text("cls-5А"), "subject": .text("subject-p"), "date": .text("2026-09-07"),
                                                        "number": .int(1), "teacher": .text("teacher-p")]), origin: origin)
            try s.write(Record(.mark, id: "mark-p", ["lesson": .text("lesson-p"), "student": .text("stu-05-1008"), "work_type": .text("wt-p"),
                                                      "value": .text("3"), "weight": .int(1)]), origin: origin)
        }
        return s
    }

    static func file(_ dir: TempDir, _ name: String, _ lines: [String]) throws -> String {
        let path = dir.path(name)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    /// The school's file: the same people and lesson under its own ids; a mark before its
    /// lesson (it waits for the lesson's binding), one mark the portal does not have.
    static let week = [
        #"{"type": "teacher", "id": "t-1", "surname": "Иванова", "name": "Мария", "patronymic": "Петровна"}"#,
        #"{"type": "subject", "id": "sub-1", "name": "Математика"}"#,
        #"{"type": "work_type", "id": "wt-1", "name": "Ответ на уроке"}"#,
        #"{"type": "mark", "id": "mk-1", "lesson": "les-1", "student": "stu-05-1008", "work_type": "wt-1", "value": "4", "weight": 1}"#,
        #"{"type": "lesson", "id": "les-1", "class": "cls-5А", "subject": "sub-1", "date": "2026-09-07", "number": 1, "teacher": "t-1", "topic": "Дроби"}"#,
        #"{"type": "mark", "id": "mk-2", "lesson": "les-1", "student": "stu-05-1009", "work_type": "wt-1", "value": "5", "weight": 1}"#,
    ]

    static func importer(_ s: JournalStore) -> JournalImporter { JournalImporter(store: s, origin: Origin(source: "journal-import")) }

    @Test func bindsATeacherItsLessonAndMarksAndRewritesTheirReferences() throws {
        let dir = try TempDir()
        let s = try Self.portalStore(dir)
        let result = try Self.importer(s).run(path: try Self.file(dir, "week.jsonl", Self.week))
        #expect(result.bound.map { "\($0.kind.rawValue) \($0.id) → \($0.to)" } == [
            "teacher t-1 → teacher-p", "subject sub-1 → subject-p", "work_type wt-1 → wt-p",
            "lesson les-1 → lesson-p", "mark mk-1 → mark-p"])
        #expect(result.total.created == 1 && result.total.updated == 2 && result.total.unchanged == 3)
        #expect(try s.count(.teacher) == 1 && s.count(.lesson) == 1 && s.count(.mark) == 2)
        #expect(s.record(.lesson, id: "lesson-p")?["topic"] == .text("Дроби"))
        #expect(s.record(.mark, id: "mark-p")?["value"] == .text("4"))
        let mk2 = s.record(.mark, id: "mk-2")
        #expect(mk2?["lesson"] == .text("lesson-p") && mk2?["work_type"] == .text("wt-p"))
        for (kind, id) in [(EntityKind.teacher, "t-1"), (.lesson, "les-1"), (.mark, "mk-1")] { #expect(s.record(kind, id: id) == nil) }
        #expect(try s.identities(counterpart: "journal").count == 5)
        #expect(result.boundLine()?.hasPrefix("Bound 5 record(s) to the journal's records of the same key (teacher t-1 → teacher-p, ") == true)
        #expect(result.json()["bound"]?.array?.first?["to"]?.string == "teacher-p")
        #expect(result.json(boundLimit: 2)["bound"]?.array?.count == 2 && result.json()["bound_count"]?.int == 5)

        // Again: the aliases are known, nothing is bound anew and nothing changes.
        let seq = s.lastSeq
        let again = try Self.importer(s).run(path: try Self.file(dir, "week.jsonl", Self.week))
        #expect(again.bound.isEmpty && again.total.unchanged == Self.week.count)
        #expect(s.lastSeq == seq)

        // The teacher's key changes in the school's software: the alias still holds.
        let renamed = try Self.importer(s).run(path: try Self.file(dir, "renamed.jsonl", [
            #"{"type": "teacher", "id": "t-1", "surname": "Иванова", "name": "Мария", "patronymic": "Павловна"}"#,
            #"{"type": "mark", "id": "mk-1", "deleted": true}"#]))
        #expect(renamed.total.updated == 1 && renamed.total.deleted == 1)
        #expect(try s.count(.teacher) == 1)
        #expect(s.record(.teacher, id: "teacher-p")?["patronymic"] == .text("Павловна"))
        #expect(s.record(.mark, id: "mark-p") == nil, "deleting the alias deletes the store's record")
    }

    /// The binding pass reads the lines of the kinds that can bind (the store holds records
    /// of them, or of the guardians, or aliases) and of the kinds their keys name; it passes
    /// over the rest unread.
    @Test func theBindingPassSkipsOnlyKindsThatCannotBind() throws {
        let dir = try TempDir()
        let contingentOnly = try JournalStore.open(at: try sampleStore(dir, week: false))
        var binder = try ImportBinder(store: contingentOnly)
        let skipped = binder.skippableKinds()
        #expect(skipped.isSuperset(of: [.mark, .attendance, .homework, .lesson, .finalMark]), "\(skipped)")
        #expect(skipped.isDisjoint(with: [.student, .classUnit, .guardian, .guardianship]), "\(skipped)")
        let portalDir = try TempDir()
        let portal = try Self.portalStore(portalDir)
        var second = try ImportBinder(store: portal)
        let none = second.skippableKinds()
        #expect(none.isDisjoint(with: [.mark, .lesson, .teacher, .subject, .workType, .classUnit]), "\(none)")
    }

    @Test func aStoreRecordBoundToAnotherFileIDIsAProblemNamingBoth() throws {
        let dir = try TempDir()
        let s = try Self.portalStore(dir)
        _ = try Self.importer(s).run(path: try Self.file(dir, "week.jsonl", Self.week))
        let path = try Self.file(dir, "other.jsonl", [#"{"type": "teacher", "id": "t-9", "surname": "Иванова", "name": "Мария", "patronymic": "Петровна"}"#])
        let error = #expect(throws: GatewayError.self) { try Self.importer(s).run(path: path) }
        #expect(error?.details == ["\(path):1: teacher t-9 has the same surname + name + patronymic as teacher teacher-p already in the store, "
                                   + "which the journal's teacher t-1 is bound to: one store record cannot stand for two of the journal's ids"])
    }

    @Test func aProblemOnABoundRecordNamesTheFilesIDAndTheStores() throws {
        let dir = try TempDir()
        let s = try Self.portalStore(dir)
        let path = try Self.file(dir, "bad.jsonl", Self.week.map { $0.replacingOccurrences(of: #""value": "4""#, with: #""value": "6""#) })
        let error = #expect(throws: GatewayError.self) { try Self.importer(s).run(path: path) }
        #expect(error?.details.count == 1)
        #expect(error?.details.first?.hasPrefix("\(path):4: mark mk-1 (bound to mark-p): ") == true, "\(error?.details ?? [])")
        #expect(try s.identities(counterpart: "journal").isEmpty)
    }

    @Test func dryRunNamesTheBindingsAndKeepsNone() throws {
        let dir = try TempDir()
        let s = try Self.portalStore(dir)
        let seq = s.lastSeq
        let result = try Self.importer(s).run(path: try Self.file(dir, "week.jsonl", Self.week), dryRun: true)
        #expect(result.bound.count == 5)
        #expect(try s.identities(counterpart: "journal").isEmpty)
        #expect(s.lastSeq == seq)
    }

    @Test func twoRecordsOfTheFileWithOneKeyRemainAProblem() throws {
        let dir = try TempDir()
        let s = try Self.portalStore(dir)
        let path = try Self.file(dir, "twice.jsonl", [
            #"{"type": "teacher", "id": "t-1", "surname": "Иванова", "name": "Мария", "patronymic": "Петровна"}"#,
            #"{"type": "teacher", "id": "t-2", "surname": "Иванова", "name": "Мария", "patronymic": "Петровна"}"#])
        let error = #expect(throws: GatewayError.self) { try Self.importer(s).run(path: path) }
        #expect(error?.details.contains { $0.hasPrefix("\(path):2: ") } == true, "\(error?.details ?? [])")
        #expect(try s.identities(counterpart: "journal").isEmpty)
    }
}
