import Foundation
import Synchronization
import Testing
import JournalModel
import PortalEmulator
import SyncModel
import Transport
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

/// Teachers: formats/epos.md has no list of them; schedule items name them by id.
struct EPOSTeacherTests {
    static let smirnov = FieldValues(.teacher, checked: ["surname": .text("Смирнов"), "name": .text("Алексей"), "patronymic": .text("Игоревич")])

    /// A teacher a person named (ЭПОС id → names) comes before the first lesson naming them,
    /// with those names (the engine binds them by name); one nobody knows is left out of the
    /// lesson, and the warnings say which id to name.
    @Test func namedTeachersComeWithTheirNamesUnknownOnesAreLeftOutAndNamed() async throws {
        let e = try eposEmulator()
        defer { e.stop() }
        var policy = RetryPolicy()
        policy.baseDelay = .milliseconds(5)
        let session = EPOSSession(client: HTTPClient(policy: policy),
                                  account: EPOSAccount(baseURL: e.url, schoolID: e.schoolID, login: e.login, password: e.password),
                                  requestsPerSecond: nil)
        let c = EPOSCounterpart(session: session, codes: try EPOSCodes(directory: packageRoot.path + "/mappings/epos"),
                                timeZone: TimeZone(identifier: "Asia/Yekaterinburg")!, teachers: EPOSTeachers(named: ["t-302": Self.smirnov]),
                                knownHomework: { _ in false })
        let (records, _) = try await pullAll(c)
        let teachers = records.filter { $0.kind == .teacher }
        #expect(teachers.map(\.externalID) == ["t-302"] && teachers.first?.fields == Self.smirnov)
        let first302 = records.firstIndex { $0.kind == .lesson && ($0.fields["teacher"] == .text("t-302") || $0.fields["substitute"] == .text("t-302")) }
        #expect(records.firstIndex { $0.kind == .teacher }! < first302!, "the teacher before the first lesson naming them")
        // The substitution of 9 September: t-302 taught, replacing t-301, whom nobody named.
        let sub = try #require(records.first { $0.externalID == "si-1042" && $0.kind == .lesson })
        #expect(sub.fields["teacher"] == .null && sub.fields["substitute"] == .text("t-302"))
        let warnings = await c.warnings
        #expect(warnings.contains { $0.contains("teacher t-301 is not in the journal") && $0.contains("epos/teachers.tsv") })
        #expect(!warnings.contains { $0.contains("t-302") })
    }
}
