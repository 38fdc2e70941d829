import Foundation
import JournalModel
import Testing
@testable import PortalEmulator

/// The list index against the obvious implementation: filter every row, sort, slice.
struct EPOSListIndexTests {
    /// Rows of the naive model: key and whether the row passes the filter of the moment.
    private struct Model {
        var keys: [EPOSListKey] = []

        func page(updatedFrom: Int64?, passes: (String) -> Bool, skip: Int, limit: Int) -> EPOSListIndex.Page {
            let rows = keys.filter { key in updatedFrom.map { key.updatedAt >= $0 } ?? true }
                .filter { passes($0.id) }.sorted()
            let start = min(rows.count, skip)
            return EPOSListIndex.Page(total: rows.count, ids: rows[start..<min(rows.count, start + limit)].map { $0.id })
        }
    }

    @Test func smallBlocksSplitMergeAndPageAsAFilterAndSortWould() {
        var random = SeededRandom(seed: 11)
        var index = EPOSListIndex(blockSize: 3)
        var model = Model()
        // Which rows pass depends on something outside the rows (as a lesson's date does):
        // changing it bumps the version.
        var oddPass = true
        var version = 0
        // Rows of three classes; which class a row is in changes with `oddPass`, and every
        // third row fails the rest of the filter (as a mark outside the dates does).
        func classOf(_ id: String) -> String? {
            let n = Int(id.dropFirst(3))!
            guard n % 3 != 0 else { return nil }
            return (n % 2 == 1) == oddPass ? "cu-5a" : n % 4 == 0 ? "cu-5b" : "cu-6a"
        }
        for step in 0..<3000 {
            switch random.below(10) {
            case 0..<5: // a new row; stamps repeat, so ids break ties
                let key = EPOSListKey(updatedAt: Int64(random.below(200)), id: "mk-\(random.below(400))")
                guard !model.keys.contains(key) else { continue }
                index.insert(key)
                model.keys.append(key)
            case 5..<8: // a row removed (an edit moves it: removed, then inserted later)
                guard !model.keys.isEmpty else { continue }
                index.remove(model.keys.remove(at: random.below(model.keys.count)))
            case 8:
                oddPass.toggle()
                version += 1
            default: // a key that is not there is not removed
                let before = index.count
                index.remove(EPOSListKey(updatedAt: 999, id: "mk-0"))
                #expect(index.count == before)
            }
            #expect(index.count == model.keys.count)
            let from: Int64? = random.chance(0.3) ? nil : Int64(random.below(210))
            let skip = random.below(12), limit = 1 + random.below(6)
            // No filter at all, the dates alone (no class), or one of the classes (counted once for all).
            let f = [EPOSListFilter(), EPOSListFilter(from: CivilDate(iso: "2026-09-01")), EPOSListFilter(classID: "cu-5a"),
                     EPOSListFilter(classID: "cu-5b"), EPOSListFilter(classID: "cu-6a")][random.below(5)]
            let got = index.page(updatedFrom: from, filter: f, version: version, skip: skip, limit: limit, classOf: classOf)
            let want = model.page(updatedFrom: from, passes: { id in f.isEmpty || (classOf(id).map { c in f.classID.map { $0 == c } ?? true } ?? false) },
                                  skip: skip, limit: limit)
            #expect(got == want, "step \(step): from \(from.map(String.init) ?? "-"), skip \(skip), limit \(limit)")
            if got != want { break }
        }
        #expect(index.keys == model.keys.sorted())
        #expect(index.count > 20, "the blocks should have split")
    }

    /// Pages `marks` within lesson dates, from the start and from an `updated_at_from`, while
    /// the journal changes between pages (new, edited, deleted and touched marks, a lesson
    /// moved out of the dates and back, rows moved by `mutate-while-paging`); every page must
    /// be what filtering and sorting the state of that moment gives.
    @Test func pagesWhileWritingMatchAFilterAndSortOfTheState() throws {
        let e = try startEPOS { $0.faults = try! FaultSpec(parsing: "mutate-while-paging=0.3"); $0.seed = 5; $0.extensions = true }   // whole-school lists
        defer { e.stop() }
        let c = try EPOSClient(e)
        #expect(try Self.pageWhileWriting(e, c, from: nil) > 10)
        #expect(try Self.pageWhileWriting(e, c, from: "2026-09-08T00:00:00.000+05:00") > 5)
        #expect((e.stats()["faults_injected"]?.int ?? 0) > 0, "rows should also have moved by the fault")
    }

    /// One pass of the test above; returns the number of pages read.
    static func pageWhileWriting(_ e: RunningEPOSEmulator, _ c: EPOSClient, from: String?) throws -> Int {
        let writes: [JSON] = [
            obj(["op": "create", "kind": "mark", "data": newMark(nil)]),
            obj(["op": "update", "kind": "mark", "id": "mk-5001", "data": obj(["value": "3"])]),
            obj(["op": "update", "kind": "schedule_item", "id": "si-1004", "data": obj(["date": "2026-09-02"])]),
            obj(["op": "delete", "kind": "mark", "id": "mk-5020"]),
            obj(["op": "touch", "kind": "mark", "id": "mk-5050"]),
            obj(["op": "update", "kind": "schedule_item", "id": "si-1004", "data": obj(["date": "2026-09-07"])]),
            obj(["op": "create", "kind": "mark", "data": newMark(nil, student: "st-4008", value: "4")]),
        ]
        var pages = 0
        var target: String? = "/core/api/marks?from=2026-09-03&to=2026-09-30&per_page=7" + (from.map { "&updated_at_from=\(q($0))" } ?? "")
        while let t = target, pages < 40 {
            let want = naivePage(try control(e, "GET", "/_emulator/state"), from: from, dates: "2026-09-03"..."2026-09-30",
                                 page: pages + 1, perPage: 7)
            let r = try c.get(t)
            let ids = (r.json.array ?? []).compactMap { $0["id"]?.string }
            #expect(r.status == 200 && ids == want.ids, "page \(pages + 1) from \(from ?? "-")")
            #expect(r.headers["X-Total-Count"] == String(want.total), "page \(pages + 1) from \(from ?? "-")")
            #expect((EPOSClient.next(r) != nil) == (want.skip + ids.count < want.total), "page \(pages + 1)")
            let op = writes[pages % writes.count]
            let status = e.edit([op])["results"]?.array?.first?["status"]?.int
            #expect(status == 200 || status == 201 || status == 204, "\(op.serialized()): \(status ?? 0)")
            pages += 1
            target = EPOSClient.next(r)
        }
        return pages
    }

    /// The page of marks a filter and a sort of `/_emulator/state` gives.
    static func naivePage(_ state: JSON, from: String?, dates: ClosedRange<String>, page: Int, perPage: Int)
        -> (ids: [String], total: Int, skip: Int) {
        var lessonDates: [String: String] = [:]
        for item in state["schedule_items"]?.array ?? [] { lessonDates[item["id"]!.string!] = item["date"]?.string }
        let floor = from.flatMap(EPOSTime.parse) ?? .min
        let rows = (state["marks"]?.array ?? []).map { (EPOSTime.parse($0["updated_at"]!.string!)!, $0["id"]!.string!, $0["schedule_item_id"]?.string) }
            .filter { $0.0 >= floor && lessonDates[$0.2 ?? ""].map(dates.contains) == true }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        let skip = (page - 1) * perPage
        let start = min(rows.count, skip)
        return (rows[start..<min(rows.count, start + perPage)].map(\.1), rows.count, skip)
    }
}
