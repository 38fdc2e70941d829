import Foundation
import Testing
import JournalModel
@testable import JournalStore
import TestSupport

/// Issue 15, item 1: one validation gate at the store's write path. Every writer goes
/// through `write`, so each refusal here holds for the importer, the sync, conflict
/// resolution, the quarantine and the contingent import alike.
struct GateTests {
    let origin = Origin(source: "test", runID: "run-1", account: "admin")

    /// The sample school with its clock on 2026-11-20 (Europe/Samara), plus a grade-1 class with a lesson.
    private func filled(_ dir: TempDir, _ backend: StoreBackend) throws -> JournalStore {
        let store = try JournalStore.create(at: try storeLocation(backend, dir), school: "Школа", timeZone: "Europe/Samara")
        store.now = { ISO8601DateFormatter().date(from: "2026-11-20T10:00:00Z")! }
        try store.transaction {
            for r in sampleRecords() { try store.write(r, origin: origin) }
            try store.write(Record(.classUnit, id: "c1", ["name": .text("1А"), "grade": .int(1)]), origin: origin)
            try store.write(Record(.lesson, id: "l1a", ["class": .text("c1"), "subject": .text("math"), "date": .text("2026-09-07"),
                                                        "number": .int(1)]), origin: origin)
        }
        return store
    }

    /// `write` throws a rule violation (a constraint failure) naming `expected`, and nothing is written.
    private func expectRefused(_ store: JournalStore, _ r: Record, _ expected: String,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let seq = store.lastSeq
        let before = store.record(r.kind, id: r.id)
        do {
            try store.transaction { _ = try store.write(r, origin: origin) }
            Issue.record("\(r.kind.rawValue) \(r.id) was accepted", sourceLocation: sourceLocation)
        } catch let e as StoreFailure {
            #expect(e.category == .constraint && e.isRuleViolation, "a rule of the journal refuses it", sourceLocation: sourceLocation)
            #expect(e.message.hasPrefix("\(r.kind.rawValue) \(r.id): "), "\(e.message)", sourceLocation: sourceLocation)
            #expect(e.message.contains(expected), "\(e.message)", sourceLocation: sourceLocation)
        }
        #expect(store.lastSeq == seq, "nothing logged", sourceLocation: sourceLocation)
        #expect(store.record(r.kind, id: r.id) == before, "nothing written", sourceLocation: sourceLocation)
    }

    @Test(arguments: StoreBackend.allCases) func refusesAFinalMarkSix(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let store = try filled(dir, backend)
        let six = Record(.finalMark, id: "f6", ["student": .text("s1"), "subject": .text("math"), "period": .text("p1"), "value": .text("6")])
        // f1 holds the key (s1, math, p1): another period keeps the key free, so only the value is wrong.
        _ = try store.transaction {
            try store.write(Record(.period, id: "p2", ["year": .text("y"), "name": .text("2 четверть"), "start_date": .text("2026-11-05"),
                                                       "end_date": .text("2026-12-28")]), origin: origin)
        }
        var onP2 = six; onP2["period"] = .text("p2")
        try expectRefused(store, onP2, "«6» is not a final mark")
        #expect(store.record(.finalMark, id: "f6") == nil)
        // An update to «6» or «н/а» is refused too, and the stored «5» stays.
        var f1 = store.record(.finalMark, id: "f1")!
        f1["value"] = .text("6")
        try expectRefused(store, f1, "«6» is not a final mark")
        f1["value"] = .text("н/а")
        try expectRefused(store, f1, "R3")
        #expect(store.record(.finalMark, id: "f1")?["value"] == .text("5"))
    }

    @Test(arguments: StoreBackend.allCases) func refusesMarksAndHomeworkOnAGradeOneClass(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let store = try filled(dir, backend)
        let mark = Record(.mark, id: "m1a", ["lesson": .text("l1a"), "student": .text("s1"), "work_type": .text("wt"), "value": .text("5")])
        try expectRefused(store, mark, "R1: class 1А is grade 1: no marks")
        #expect(store.record(.mark, id: "m1a") == nil)
        try expectRefused(store, Record(.homework, id: "h1a", ["lesson": .text("l1a"), "text": .text("Прописи")]), "R1")
        // Attendance is kept on grade 1, and marks on the grade-5 class still pass.
        try store.transaction {
            try store.write(Record(.attendance, id: "a1a", ["lesson": .text("l1a"), "student": .text("s1"), "kind": .text("absent")]), origin: origin)
            var m = store.record(.mark, id: "m1")!
            m["value"] = .text("4")
            try store.write(m, origin: origin)
        }
        // A lesson with a mark cannot move onto the grade-1 class.
        var l1 = store.record(.lesson, id: "l1")!
        l1["class"] = .text("c1")
        l1["group"] = .null
        try expectRefused(store, l1, "R1")
    }

    @Test(arguments: StoreBackend.allCases) func aClassLeavingGradeOneTakesMarksAndOneBecomingGradeOneIsKnown(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let store = try filled(dir, backend)
        let mark = Record(.mark, id: "m1a", ["lesson": .text("l1a"), "student": .text("s1"), "work_type": .text("wt"), "value": .text("5")])
        try store.transaction {
            try store.write(Record(.classUnit, id: "c1", ["name": .text("1А"), "grade": .int(2)]), origin: origin)
            try store.write(mark, origin: origin)
        }
        #expect(store.record(.mark, id: "m1a") != nil)
        // A new grade-1 class written after the gate's set was loaded is known to it at once.
        try store.transaction {
            try store.write(Record(.classUnit, id: "c1b", ["name": .text("1Б"), "grade": .int(1)]), origin: origin)
            try store.write(Record(.lesson, id: "l1b", ["class": .text("c1b"), "subject": .text("math"), "date": .text("2026-09-08"),
                                                        "number": .int(2)]), origin: origin)
        }
        try expectRefused(store, Record(.mark, id: "m1b", ["lesson": .text("l1b"), "student": .text("s1"), "work_type": .text("wt"),
                                                           "value": .text("5")]), "R1")
    }

    @Test(arguments: StoreBackend.allCases) func refusesALessonDatedTomorrow(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let store = try filled(dir, backend)
        // 2026-11-20T21:30Z is already the 21st in Samara (UTC+4): "today" is the school's.
        store.now = { ISO8601DateFormatter().date(from: "2026-11-20T21:30:00Z")! }
        #expect(store.today == CivilDate(year: 2026, month: 11, day: 21))
        let lesson = Record(.lesson, id: "l-next", ["class": .text("c5"), "subject": .text("math"), "date": .text("2026-11-22"), "number": .int(3)])
        try expectRefused(store, lesson, "R2: field «date»: lesson dated 2026-11-22 is in the future")
        #expect(store.record(.lesson, id: "l-next") == nil)
        // Its day comes: the same lesson is taken.
        store.now = { ISO8601DateFormatter().date(from: "2026-11-21T20:00:00Z")! }
        #expect(try store.transaction { try store.write(lesson, origin: origin) } == .created)
    }

    @Test(arguments: StoreBackend.allCases) func refusesAMarkValueOutsideItsSet(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let store = try filled(dir, backend)
        var m = store.record(.mark, id: "m1")!
        m["value"] = .text("6")
        try expectRefused(store, m, "field «value»: «6» is not one of")
        #expect(store.record(.mark, id: "m1")?["value"] == .text("5"))
        let bad = Record(.mark, id: "m-new", ["lesson": .text("l1"), "student": .text("s1"), "work_type": .text("wt"), "value": .text("5+")])
        try expectRefused(store, bad, "«5+» is not one of")
        let lesson13 = Record(.lesson, id: "l13", ["class": .text("c5"), "subject": .text("math"), "date": .text("2026-09-07"), "number": .int(13)])
        try expectRefused(store, lesson13, "outside 1–12")
    }

    @Test(arguments: StoreBackend.allCases) func aBatchChecksMarksWrittenBeforeTheirLessonAtItsEnd(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let store = try filled(dir, backend)
        let seq = store.lastSeq
        // As the journal import writes a file: references point forward, checked at the end.
        let e = #expect(throws: StoreFailure.self) {
            try store.transaction {
                try store.db.exec("PRAGMA defer_foreign_keys = ON")
                try store.deferringRegradeChecks {
                    try store.write(Record(.mark, id: "m-fw", ["lesson": .text("l-fw"), "student": .text("s1"), "work_type": .text("wt"),
                                                               "value": .text("4")]), origin: origin)
                    try store.write(Record(.lesson, id: "l-fw", ["class": .text("c1"), "subject": .text("math"), "date": .text("2026-09-09"),
                                                                 "number": .int(1)]), origin: origin)
                }
            }
        }
        #expect(e?.message.hasPrefix("lesson l-fw: R1") == true, "\(String(describing: e))")
        #expect(store.lastSeq == seq)
        #expect(store.record(.mark, id: "m-fw") == nil)
    }
}
