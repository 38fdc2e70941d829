import Foundation
import Synchronization
import Testing
import JournalModel
import SyncModel
@testable import Adapters

/// A change-feed mark of an assignment this run has not seen: the adapter asks the journal
/// where its marks sit (`PullPage.needs`) instead of reading the class-week page, then reads
/// the same feed answer again with what the journal said; when the journal knows nothing,
/// it asks where the lesson sits and reads its class-week page.
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
        guard case .needs(let needs) = try await c.pull(cursor: "feed:1300") else { Issue.record("expected a question"); return }
        await c.answer([needs[0]: .nothing])
        // Then where the lesson sits, asked once; the class-week page is read from the answer.
        guard case .needs(let lessons) = try await c.pull(cursor: "feed:1300") else { Issue.record("expected a second question"); return }
        #expect(lessons == [.lessonPlace(lessonExternalID: "777001")])
        #expect(!p.requests.contains { $0.hasPrefix("GET /webapi/journal") }, "no page read before the journal answered")
        await c.answer([lessons[0]: .lessonPlace(classExternalID: "501", date: CivilDate(year: 2026, month: 9, day: 7)!)])
        guard case .records(let items, _, _) = try await c.pull(cursor: "feed:1300") else { Issue.record("no records"); return }
        let mark = try #require(items.first { $0.kind == .mark })
        #expect(mark.fields[Mark.workType] == .text("3") && mark.fields[Mark.weight] == .int(1), "as the class-week page says")
        #expect(p.requests.contains { $0.hasPrefix("GET /webapi/journal") })
        // Asked once: the next page does not ask about the same assignment again.
        p.set("GET /webapi/changes", json: Self.feed.replacingOccurrences(of: "1310", with: "1320").replacingOccurrences(of: #""mark": 3"#, with: #""mark": 4"#))
        guard case .records = try await c.pull(cursor: "feed:1310") else { Issue.record("asked again"); return }
    }

    /// A new mark for an old lesson whose assignments this run has not seen: before the push
    /// the adapter asks where the lesson sits, reads its class-week page, and the mark goes to
    /// the lesson's existing assignment of that type and weight (no new assignment). A lesson
    /// the journal does not place gets a new assignment, as before.
    @Test func aNewMarkOnAnOldLessonAsksWhereTheLessonSits() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        let batches = Mutex<[String]>([])
        p.set("POST /webapi/journal/batch") { req in
            let body = String(decoding: req.body, as: UTF8.self)
            batches.withLock { $0.append(body) }
            let keys = (try? JSON.parse(bytes: req.body))?["operations"]?.array?.compactMap { $0["key"]?.string } ?? []
            let results = keys.enumerated().map { #"{"key": "\#($1)", "status": "applied", "ver": \#(1400 + $0), "id": \#(556000 + $0)}"# }
            return .json(#"{"results": [\#(results.joined(separator: ", "))]}"#)
        }
        let c = try ASURSOHostilePortalTests.counterpart(p)
        func newMark(_ key: String, lesson: String) -> OutboundOperation {
            OutboundOperation(key: key, kind: .mark, localID: key, externalID: nil, op: .upsert,
                              fields: ["lesson": .text(lesson), "student": .text("9001"), "work_type": .text("3"), "value": .text("4"), "weight": .int(1)],
                              changed: [], baseVersion: nil)
        }
        let op = newMark("M-new-1", lesson: "777001")
        let needs = await c.needs(before: [op, newMark("M-new-2", lesson: "777001")])
        #expect(needs == [.lessonPlace(lessonExternalID: "777001")], "one question a lesson")
        await c.answer([needs[0]: .lessonPlace(classExternalID: "501", date: CivilDate(year: 2026, month: 9, day: 7)!)])
        #expect(await c.needs(before: [op]).isEmpty, "asked once")
        let results = try await c.push([op])
        guard case .applied? = results.first else { Issue.record("\(results)"); return }
        #expect(p.requests.contains { $0 == "GET /webapi/journal?classId=501&weekStart=2026-09-07" })
        let sent = batches.withLock { $0 }.joined(separator: "\n")
        #expect(!sent.contains("upsertAssignment") && sent.contains("555001"), "the lesson's assignment of type 3, weight 1: \(sent)")
        let before = batches.withLock { $0.count }
        // A lesson the journal does not place: nothing to read, a new assignment.
        let other = newMark("M-new-3", lesson: "777009")
        let more = await c.needs(before: [other])
        #expect(more == [.lessonPlace(lessonExternalID: "777009")])
        await c.answer([more[0]: .nothing])
        _ = try await c.push([other])
        #expect(batches.withLock { $0.dropFirst(before) }.contains { $0.contains("upsertAssignment") })
    }
}
