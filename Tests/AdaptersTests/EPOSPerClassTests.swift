import Foundation
import Synchronization
import Testing
import JournalModel
import PortalEmulator
import SyncEngine
@testable import Adapters

/// The journal lists are read per class, each from its own watermark: a class read early
/// in a pass (its watermark moving on to its newest row) never makes another class skip rows
/// older than that, and a class without changes does not hold the others back.
struct EPOSPerClassTests {
    @Test func aBusyClassNeverPushesPastRowsOfAnother() async throws {
        let e = try eposEmulator()
        defer { e.stop() }
        let (c, _) = try eposCounterpart(e)
        let (_, cursor) = try await pullAll(c)
        // 9-А's lesson changes first, 1-А's after it: a watermark shared by the classes, taken
        // from 1-А (read first), would stand after 9-А's change and skip it.
        for id in ["si-1013", "si-1001"] {
            _ = e.edit([editOp("update", "schedule_item", id, [("topic", .string("Изменено на портале: \(id)"))])])
            try await Task.sleep(for: .milliseconds(10))
        }
        let (c2, _) = try eposCounterpart(e)
        let (records, next) = try await pullAll(c2, from: cursor)
        let lessons = records.filter { $0.kind == .lesson }
        #expect(Set(lessons.map(\.externalID)) == ["si-1001", "si-1013"], "only the two changed lessons, both")
        #expect(lessons.first { $0.externalID == "si-1013" }?.fields["class"] == .text("cu-9a"))
        #expect(lessons.first { $0.externalID == "si-1001" }?.fields["class"] == .text("cu-1a"))
        // Each class keeps its own watermark; the quiet classes' did not move.
        let before = try #require(EPOSCursor(cursor)), after = try #require(EPOSCursor(next))
        #expect(after["cu-5a", .scheduleItems] == before["cu-5a", .scheduleItems])
        #expect(after["cu-9a", .scheduleItems] != before["cu-9a", .scheduleItems])
        #expect(after["cu-1a", .scheduleItems] != before["cu-1a", .scheduleItems])
    }

    @Test func everyJournalListIsAskedPerClassAndNothingElse() async throws {
        let paths = Mutex<[String]>([])
        let e = try eposEmulator { $0.log = { line in paths.withLock { $0.append(line) } } }
        defer { e.stop() }
        let (c, _) = try eposCounterpart(e)
        _ = try await pullAll(c)
        let asked = Set(paths.withLock { $0 }.compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) })
        #expect(asked == ["/v2/token", "/core/api/academic_years", "/core/api/periods", "/core/api/subjects", "/core/api/control_forms",
                          "/core/api/absence_reasons", "/core/api/class_units", "/core/api/groups", "/core/api/students",
                          "/core/api/schedule_items", "/core/api/marks", "/core/api/attendances", "/core/api/final_marks"])
        // The strict emulator answers 400 to a journal list without its class: none was refused.
        #expect(!paths.withLock { $0 }.contains { $0.hasSuffix("→ 400") || $0.hasSuffix("→ 404") })
    }
}
