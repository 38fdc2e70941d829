import Foundation
import Testing
import JournalModel
@testable import JournalStore
import TestSupport

/// A report reads one moment: inside ``JournalStore/readSnapshot(_:)`` a write committed by
/// another connection (a sync) is not seen; after it, it is.
struct ReportReadsTests {
    @Test func aReportReadsOneMomentWhileAnotherConnectionWrites() throws {
        let dir = try TempDir()
        let path = dir.path("j.sqlite")
        let writer = try JournalStore.create(at: path, school: "Школа", timeZone: "Europe/Samara")
        try writer.transaction { for r in sampleRecords() { try writer.write(r, origin: Origin(source: "test")) } }
        let reader = try JournalStore.open(at: path, readOnly: true)
        let (before, during) = try reader.readSnapshot {
            let a = try reader.reportClasses().count
            try writer.transaction {
                try writer.write(Record(.classUnit, id: "c6", ["name": .text("6А"), "grade": .int(6)]), origin: Origin(source: "sync"))
            }
            return (a, try reader.reportClasses().count)
        }
        #expect(before == 1 && during == 1)
        #expect(try reader.reportClasses().count == 2)
    }

    @Test func changeLogTimesOfTopicsMarksAndReasons() throws {
        let dir = try TempDir()
        let store = try JournalStore.create(at: dir.path("j.sqlite"), school: "Школа", timeZone: "Europe/Samara")
        var clock = Date(timeIntervalSince1970: 1_790_000_000)   // 2026-09-21
        store.now = { clock }
        try store.transaction { for r in sampleRecords() { try store.write(r, origin: Origin(source: "test")) } }
        let created = JournalStore.timestamp(clock)
        clock += 3600
        var lesson = sampleRecords().first { $0.kind == .lesson }!
        lesson["topic"] = .text("Дроби")
        try store.transaction { try store.write(lesson, origin: Origin(source: "test")) }
        let d = CivilDate(iso: "2026-09-07")!
        // The first time a topic was set is the creation, not the later edit.
        #expect(try store.reportTopicTimes(from: d, to: d).map(\.at) == [created])
        #expect(try store.reportMarks(from: d, to: d).map(\.enteredAt) == [created])
        #expect(try store.reportMarks(from: d, to: d).map(\.workType) == ["Ответ на уроке"])
        #expect(try store.reportLessons(from: d, to: d).map(\.hasTopic) == [true])
        #expect(try store.reportCurrentMarkCounts(from: d, to: d)[ReportRows.Pair("s1", "math")] == 1)
    }
}
