import Foundation
import Testing
import JournalModel
@testable import JournalStore
import TestSupport

/// Issue 13: text kept whole (F6), R1 on a class's grade for every writer (F5).
struct StoreSafetyTests {
    let origin = Origin(source: "test", runID: "run-1", account: "admin")

    private func filled(_ dir: TempDir) throws -> JournalStore {
        let store = try JournalStore.create(at: dir.path("s.sqlite"), school: "Школа", timeZone: "Europe/Samara")
        try store.transaction { for r in sampleRecords() { try store.write(r, origin: origin) } }
        return store
    }

    @Test func textWithU0000IsKeptWhole() throws {
        let dir = try TempDir()
        let store = try filled(dir)
        let name = "Вар\u{0}вара"
        let t = Record(.teacher, id: "t-nul", ["surname": .text("Ло\u{0}"), "name": .text(name)])
        try store.transaction { _ = try store.write(t, origin: origin) }
        #expect(store.record(.teacher, id: "t-nul")?["name"] == .text(name))
        #expect(try store.db.scalar("SELECT length(CAST(name AS BLOB)) FROM teacher WHERE id = 't-nul'")?.int == name.utf8.count)
        // Written again: unchanged, nothing logged.
        let seq = store.lastSeq
        #expect(try store.transaction { try store.write(t, origin: origin) } == .unchanged)
        #expect(store.lastSeq == seq)
        #expect(try JournalStore.open(at: dir.path("s.sqlite")).record(.teacher, id: "t-nul")?["name"] == .text(name))
        #expect(try store.db.scalar("SELECT ?", [.text("")])?.text == "", "an empty text stays empty, not NULL")
    }

    @Test func aClassWithMarksCannotBecomeGradeOne() throws {
        let dir = try TempDir()
        let store = try filled(dir)
        let seq = store.lastSeq
        var c5 = store.record(.classUnit, id: "c5")!
        c5["grade"] = .int(1)
        do {
            try store.transaction { _ = try store.write(c5, origin: origin) }
            Issue.record("the re-grade was accepted")
        } catch let e as StoreFailure {
            #expect(e.category == .constraint && e.isRuleViolation, "a constraint failure, as the sync engine treats refusals")
            #expect(e.message.contains("R1"), "\(e.message)")
            #expect(e.message.contains("1 mark(s)") && e.message.contains("m1"), "\(e.message)")
            #expect(e.message.contains("1 homework") && e.message.contains("h1"), "\(e.message)")
        }
        #expect(store.record(.classUnit, id: "c5")?["grade"] == .int(5))
        #expect(store.lastSeq == seq)
        // Without marks and homework it may.
        try store.transaction {
            try store.delete(.mark, id: "m1", origin: origin)
            try store.delete(.homework, id: "h1", origin: origin)
            _ = try store.write(c5, origin: origin)
        }
        #expect(store.record(.classUnit, id: "c5")?["grade"] == .int(1))
    }
}
