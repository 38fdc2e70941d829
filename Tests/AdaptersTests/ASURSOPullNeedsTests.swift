import Foundation
import Testing
import JournalModel
import SyncModel
@testable import Adapters

/// A change-feed mark of an assignment this run has not seen: the adapter asks the journal
/// where its marks sit (`PullPage.needs`) instead of reading the class-week page, then reads
/// the same feed answer again with what the journal said; when the journal knows nothing,
/// it reads the class-week page as before.
struct ASURSOPullNeedsTests {
    static let feed = #"""
    {"items": [{"kind": "mark", "op": "upsert", "ver": 1310,
                "data": {"assignmentId": 555001, "classmeetingId": 777001, "studentId": 9001, "mark": 3, "dutyMark": false, "ver": 1310}}],
     "next": 1310, "latest": 1310}
    """#

    static func portal() throws -> HostilePortal {
        let p = try ASURSOHostilePortalTests.portal()
        p.set("GET /webapi/changes", json: feed)
        return p
    }

    @Test func theJournalsAnswerSavesThePageFetch() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        let c = try ASURSOHostilePortalTests.counterpart(p)
        let first = try await c.pull(cursor: "feed:1300")
        guard case .needs(let needs) = first else { Issue.record("expected a question, got \(first)"); return }
        #expect(needs == [.markPlace(externalIDsFrom: "555001:", below: "555001;")])
        let feedReads = p.requests.filter { $0.hasPrefix("GET /webapi/changes") }.count
        await c.answer([needs[0]: .markPlace(lesson: "777001", workType: "3", weight: 2)])
        let second = try await c.pull(cursor: "feed:1300")
        guard case .records(let items, let next, _) = second else { Issue.record("no records: \(second)"); return }
        #expect(next == "feed:1310")
        let mark = try #require(items.first { $0.kind == .mark })
        #expect(mark.externalID == "555001:9001")
        #expect(mark.fields[Mark.lesson] == .text("777001") && mark.fields[Mark.workType] == .text("3") && mark.fields[Mark.weight] == .int(2),
                "the lesson, work type and weight the journal answered")
        #expect(p.requests.filter { $0.hasPrefix("GET /webapi/changes") }.count == feedReads, "the held feed answer was read again, not fetched")
        #expect(!p.requests.contains { $0.hasPrefix("GET /webapi/journal") }, "no class-week page was needed")
    }

    @Test func withoutAnAnswerTheClassWeekPageIsRead() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        let c = try ASURSOHostilePortalTests.counterpart(p)
        await c.setLessonPlaces(["777001": (501, CivilDate(year: 2026, month: 9, day: 7)!)])
        guard case .needs(let needs) = try await c.pull(cursor: "feed:1300") else { Issue.record("expected a question"); return }
        await c.answer([needs[0]: .nothing])
        guard case .records(let items, _, _) = try await c.pull(cursor: "feed:1300") else { Issue.record("no records"); return }
        let mark = try #require(items.first { $0.kind == .mark })
        #expect(mark.fields[Mark.workType] == .text("3") && mark.fields[Mark.weight] == .int(1), "as the class-week page says")
        #expect(p.requests.contains { $0.hasPrefix("GET /webapi/journal") })
        // Asked once: the next page does not ask about the same assignment again.
        p.set("GET /webapi/changes", json: Self.feed.replacingOccurrences(of: "1310", with: "1320").replacingOccurrences(of: #""mark": 3"#, with: #""mark": 4"#))
        guard case .records = try await c.pull(cursor: "feed:1310") else { Issue.record("asked again"); return }
    }
}
