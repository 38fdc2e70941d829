import Foundation
import JournalModel
import Testing
@testable import PortalEmulator

/// The change feed: `since`, `limit`, `next`, `latest`, deletes, and 410.
struct FeedTests {
    /// Pulls the whole feed from `since`, page by page; returns the items and the final `next`.
    static func pull(_ c: PortalClient, since: Int, limit: Int) throws -> (items: [JSON], next: Int, pages: Int) {
        var items: [JSON] = []
        var since = since, pages = 0
        while true {
            let page = try c.get("/webapi/changes?since=\(since)&limit=\(limit)")
            let got = page["items"]!.array!
            items += got
            pages += 1
            let next = page["next"]!.int!
            if got.isEmpty || next >= page["latest"]!.int! { return (items, next, pages) }
            since = next
        }
    }

    @Test func fullFeedFromZeroHasEveryObjectOnceInVerOrder() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        let (items, next, pages) = try Self.pull(c, since: 0, limit: 100)
        let objects = e.stats()["objects"]!
        let total = ["student", "lesson", "assignment", "mark", "attendance", "finalmark"].reduce(0) { $0 + objects[$1]!.int! }
        #expect(items.count == total)
        #expect(pages == (total + 99) / 100)
        let vers = items.map { $0["ver"]!.int! }
        #expect(vers == vers.sorted() && Set(vers).count == vers.count)
        #expect(next == vers.last)
        #expect(items.allSatisfy { $0["op"]?.string == "upsert" })
        // Placing fields, and the two spellings of the lesson id.
        let mark = items.first { $0["kind"]?.string == "mark" }!["data"]!
        #expect(mark["assignmentId"] != nil && mark["classmeetingId"] != nil && mark["ver"] == nil)
        let assignment = items.first { $0["kind"]?.string == "assignment" }!["data"]!
        #expect(assignment["classMeetingId"] != nil && assignment["classmeetingId"] == nil && assignment["marks"] == nil)
        let lesson = items.first { $0["kind"]?.string == "lesson" }!["data"]!
        #expect(lesson["classId"] != nil && lesson["date"]?.string?.hasSuffix("T00:00:00") == true && lesson["assignments"] == nil)
        #expect(items.first { $0["kind"]?.string == "student" }!["data"]!["classId"] != nil)
        #expect(items.first { $0["kind"]?.string == "finalmark" }!["data"]!["termId"] != nil)
        #expect(items.first { $0["kind"]?.string == "attendance" }!["data"]!["code"] != nil)
    }

    @Test func changesAfterACursorAndDeletes() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        let latest = try c.get("/webapi/changes?since=0&limit=1")["latest"]!.int!
        let empty = try c.get("/webapi/changes?since=\(latest)")
        #expect(empty["items"]?.array?.isEmpty == true && empty["next"]?.int == latest && empty["latest"]?.int == latest)

        let r = try c.batch([
            obj(["op": "upsertMark", "key": "M-1", "classmeetingId": 777068, "assignmentId": 555099, "studentId": 9008,
                 "mark": "5", "baseVer": try markVer(c, 777068, 555099, 9008)]),
            obj(["op": "deleteMark", "key": "D-1", "classmeetingId": 777068, "assignmentId": 555099, "studentId": 9010,
                 "baseVer": try markVer(c, 777068, 555099, 9010)]),
        ], key: "feed-1")
        #expect(r.json["results"]!.array!.allSatisfy { $0["status"]?.string == "applied" })
        let page = try c.get("/webapi/changes?since=\(latest)")
        let items = page["items"]!.array!
        #expect(items.count == 2)
        #expect(items[0].serialized() == #"{"kind":"mark","op":"upsert","ver":\#(latest + 1),"data":{"assignmentId":555099,"classmeetingId":777068,"studentId":9008,"mark":"5","dutyMark":false}}"#)
        #expect(items[1].serialized() == #"{"kind":"mark","op":"delete","ver":\#(latest + 2),"data":{"assignmentId":555099,"classmeetingId":777068,"studentId":9010}}"#)
        #expect(page["next"]?.int == latest + 2 && page["latest"]?.int == latest + 2)
        // The changed mark left its old place in the sequence: a pull from 0 still has one item per object.
        let all = try Self.pull(c, since: 0, limit: 500).items
        #expect(all.filter { $0["data"]?["studentId"]?.int == 9008 && $0["data"]?["assignmentId"]?.int == 555099 }.count == 1)
    }

    @Test func truncatedFeedAnswers410() throws {
        let e = try startEmulator { $0.feedRetention = 10 }
        defer { e.stop() }
        let c = PortalClient(e)
        let gone = try c.request("GET", "/webapi/changes?since=0")
        #expect(gone.status == 410)
        #expect(gone.json["message"]?.string == "Журнал изменений усечён")
        let latest = try c.get("/webapi/changes?since=1081")["latest"]!.int!
        #expect(latest == 1086)
        #expect(try c.request("GET", "/webapi/changes?since=\(latest - 10)").status == 200)
        #expect(try c.request("GET", "/webapi/changes?since=\(latest - 11)").status == 410)
        #expect(try c.request("GET", "/webapi/changes?since=\(latest + 1)").status == 410)

        let compacted = try control(e, "POST", "/_emulator/compact-feed")
        #expect(compacted["feedFloor"]?.int == latest)
        #expect(try c.request("GET", "/webapi/changes?since=\(latest - 1)").status == 410)
        #expect(try c.request("GET", "/webapi/changes?since=\(latest)").status == 200)
    }

    @Test func badCursorsAndLimits() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        #expect(try c.request("GET", "/webapi/changes").status == 400)
        #expect(try c.request("GET", "/webapi/changes?since=-1").status == 400)
        #expect(try c.request("GET", "/webapi/changes?since=0&limit=0").status == 400)
        #expect(try c.get("/webapi/changes?since=0&limit=5000")["items"]!.array!.count == 500)
    }
}

/// The current ver of a mark, read from the class-week page.
func markVer(_ c: PortalClient, _ lesson: Int, _ assignment: Int, _ student: Int) throws -> Int {
    let state = c.emulator.stateDocument()
    let l = state["lessons"]!.array!.first { $0["id"]?.int == lesson }!
    let a = l["assignments"]!.array!.first { $0["id"]?.int == assignment }!
    return a["marks"]!.array!.first { $0["studentId"]?.int == student }!["ver"]!.int!
}
