import Foundation
import Testing
import JournalModel
import JournalStore
import TestSupport

/// A teacher's natural key is the name as a person reads it: another source's spelling
/// (ё/е, capitals, spaces) finds the same teacher, not a new one (issue 15).
struct TeacherKeyTests {
    @Test func anotherSpellingOfTheNameFindsTheSameTeacher() throws {
        let dir = try TempDir()
        let store = try JournalStore.create(at: dir.path("s.sqlite"), school: "Школа", timeZone: "Europe/Samara")
        try store.transaction { _ = try store.write(sampleRecords()[2], origin: Origin(source: "test")) }   // Ковалёва Наталья Петровна
        let portal = Record(.teacher, id: "", ["surname": .text("КОВАЛЕВА"), "name": .text(" Наталья"), "patronymic": .text("Петровна")])
        #expect(store.recordByNaturalKey(portal)?.id == "t1")
        let other = Record(.teacher, id: "", ["surname": .text("Ковалева"), "name": .text("Наталья"), "patronymic": .text("Павловна")])
        #expect(store.recordByNaturalKey(other) == nil, "another patronymic is another teacher")
    }
}
