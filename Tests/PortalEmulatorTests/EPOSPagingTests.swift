import Foundation
import JournalModel
import Testing
@testable import PortalEmulator

struct EPOSPagingTests {
    /// Follows `Link: rel="next"` from `first`; returns every row in the order received.
    static func walk(_ c: EPOSClient, _ first: String) throws -> (rows: [JSON], pages: Int) {
        var rows: [JSON] = []
        var target: String? = first
        var pages = 0
        while let t = target, pages < 100 {
            let r = try c.get(t)
            #expect(r.status == 200, "\(t)")
            rows += r.json.array ?? []
            pages += 1
            target = EPOSClient.next(r)
        }
        return (rows, pages)
    }

    @Test func pagesCarryTheTotalAndALinkToTheNext() throws {
        let e = try startEPOS { $0.extensions = true }   // whole-school lists: the paging mechanics
        defer { e.stop() }
        let c = try EPOSClient(e)
        let first = try c.get("/core/api/marks?class_unit_id=cu-5a&per_page=10")
        let total = try #require(Int(first.headers["X-Total-Count"] ?? ""))
        #expect(first.json.array?.count == 10)
        let next = try #require(EPOSClient.next(first))
        #expect(next.contains("page=2") && next.contains("per_page=10") && next.contains("class_unit_id=cu-5a"))

        let (rows, pages) = try Self.walk(c, "/core/api/marks?class_unit_id=cu-5a&per_page=10")
        #expect(rows.count == total && pages == (total + 9) / 10 && total == 40)
        #expect(Set(rows.compactMap { $0["id"]?.string }).count == total)
        // Ordered by updated_at, then id; times in Perm's offset with milliseconds.
        let keys = rows.map { (EPOSTime.parse($0["updated_at"]!.string!)!, $0["id"]!.string!) }
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 })
        #expect(rows.allSatisfy { ($0["updated_at"]?.string ?? "").hasSuffix("+05:00") && $0["updated_at"]!.string!.count == 29 })
        // The three test marks of 11 September were saved in one millisecond: the id decides
        // (the strict order above).
        let tied = Dictionary(grouping: rows) { $0["updated_at"]!.string! }.values.filter { $0.count > 1 }
        #expect(tied.map(\.count) == [3])

        let last = try c.get("/core/api/marks?class_unit_id=cu-5a&per_page=10&page=\(pages)")
        #expect(last.headers["Link"] == nil && last.headers["X-Total-Count"] == String(total))
        #expect(try c.get("/core/api/marks?class_unit_id=cu-5a&page=99").json.array?.isEmpty == true)
    }

    @Test func pagingParametersAreChecked() throws {
        let e = try startEPOS { $0.extensions = true }   // whole-school lists: the paging mechanics
        defer { e.stop() }
        let c = try EPOSClient(e)
        #expect(try c.get("/core/api/marks?per_page=100").status == 200)
        for bad in ["per_page=101", "per_page=0", "page=0", "page=x", "updated_at_from=2026-09-07T08:30:00", "from=07.09.2026"] {
            let r = try c.get("/core/api/schedule_items?\(bad)")
            #expect(r.status == 400 && r.json["error"]?.string == "bad_request", "\(bad)")
        }
        #expect(try c.get("/core/api/marks?class_unit_id=cu-0").status == 404)
        #expect(try c.get("/core/api/final_marks?period_id=pr-9").status == 404)
    }

    @Test func updatedAtFromIsInclusiveAndTakesAnyOffset() throws {
        let e = try startEPOS { $0.extensions = true }   // whole-school lists: the paging mechanics
        defer { e.stop() }
        let c = try EPOSClient(e)
        // mk-5109 (9-А, physics, 11 September) was saved at 00:30 on 12 September in Perm:
        // still 11 September in UTC (19:30) and in Samara (23:30).
        let mark = try c.get("/core/api/marks/mk-5109").json
        #expect(mark["updated_at"]?.string == "2026-09-12T00:30:00.000+05:00" && mark["value"]?.string == "зачёт")
        for from in ["2026-09-12T00:30:00.000+05:00", "2026-09-11T19:30:00Z", "2026-09-11T23:30:00+04:00", "2026-09-12T00:30:00+0500"] {
            let rows = try c.get("/core/api/marks?updated_at_from=\(q(from))").json.array ?? []
            #expect(rows.first?["id"]?.string == "mk-5109", "\(from)")
            #expect(rows.allSatisfy { EPOSTime.parse($0["updated_at"]!.string!)! >= EPOSTime.parse(from)! })
        }
        // A client that forgot to percent-encode `+` sends a space: understood.
        #expect(try c.get("/core/api/marks?updated_at_from=2026-09-12T00:30:00.000+05:00").json.array?.first?["id"]?.string == "mk-5109")
        let after = try c.get("/core/api/marks?updated_at_from=\(q("2026-09-11T19:30:00.001Z"))").json.array ?? []
        #expect(!after.contains { $0["id"]?.string == "mk-5109" })
        // Lesson dates filter by the lesson, not by when the mark was saved.
        let day = try c.get("/core/api/marks?class_unit_id=cu-9a&from=2026-09-11&to=2026-09-11").json.array ?? []
        #expect(day.contains { $0["id"]?.string == "mk-5109" })
        #expect(try c.get("/core/api/marks?class_unit_id=cu-9a&from=2026-09-12").json.array?.isEmpty == true)
        let lessons = try c.get("/core/api/schedule_items?class_unit_id=cu-5a&from=2026-09-07&to=2026-09-13&per_page=100")
        #expect(lessons.headers["X-Total-Count"] == "25")
    }

    /// Walks `marks` by page number (the naive way) and by `updated_at_from` of the last row
    /// seen (the overlap window: `>=`, duplicates dropped).
    static func pagers(seed: UInt64, probability: Double) throws -> (naive: Set<String>, window: Set<String>, all: Set<String>, faults: Int) {
        let e = try startEPOS { $0.faults = try! FaultSpec(parsing: "mutate-while-paging=\(probability)"); $0.seed = seed; $0.extensions = true }
        defer { e.stop() }
        let c = try EPOSClient(e)
        let all = Set(Array(try EPOSState.load(seedDirectory: eposSeed).all(.mark)).map(\.id))
        let naive = Set(try walk(c, "/core/api/marks?per_page=20").rows.compactMap { $0["id"]?.string })
        var window = Set<String>()
        var from: String?
        for _ in 0..<200 {
            let r = try c.get("/core/api/marks?per_page=20" + (from.map { "&updated_at_from=\(q($0))" } ?? ""))
            let rows = r.json.array ?? []
            window.formUnion(rows.compactMap { $0["id"]?.string })
            guard EPOSClient.next(r) != nil, let last = rows.last?["updated_at"]?.string else { break }
            from = last
        }
        return (naive, window, all, e.stats()["faults_injected"]?.int ?? 0)
    }

    @Test func theRowsMovedWhilePagingMakeANaivePagerMissRowsReproducibly() throws {
        let run = try Self.pagers(seed: 7, probability: 0.5)
        #expect(run.faults > 0)
        let missed = run.all.subtracting(run.naive)
        #expect(!missed.isEmpty, "a page-number pager should have skipped a row")
        #expect(run.window == run.all, "the overlap window reads every row")
        let again = try Self.pagers(seed: 7, probability: 0.5)
        #expect(again.naive == run.naive && again.faults == run.faults)
        // Without the fault the naive pager sees everything.
        #expect(try Self.pagers(seed: 7, probability: 0).naive == run.all)
    }

    @Test func anEditMovesARowToTheEnd() throws {
        let e = try startEPOS { $0.extensions = true }   // whole-school lists: the paging mechanics
        defer { e.stop() }
        let c = try EPOSClient(e)
        let before = try c.get("/core/api/marks?per_page=100").json.array ?? []
        #expect(before.first?["id"]?.string == "mk-5001")
        let result = e.edit([obj(["op": "update", "kind": "mark", "id": "mk-5001", "data": obj(["value": "5"])])])
        #expect(result["results"]?.array?.first?["status"]?.int == 200)
        let total = try c.get("/core/api/marks?per_page=1").headers["X-Total-Count"].flatMap(Int.init) ?? 0
        let last = try c.get("/core/api/marks?per_page=1&page=\(total)").json.array?.first
        #expect(last?["id"]?.string == "mk-5001" && last?["value"]?.string == "5")
        // The change is stamped by the emulator's clock, in Perm's offset.
        #expect(last?["updated_at"]?.string == "2026-11-22T21:00:00.000+05:00")
        let touched = e.edit([obj(["op": "touch", "kind": "student", "id": "st-4001"])])["results"]?.array?.first
        #expect(touched?["object"]?["updated_at"]?.string == "2026-11-22T21:00:00.001+05:00")
    }
}
