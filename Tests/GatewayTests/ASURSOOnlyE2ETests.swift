import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import Transport
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// The E2E scenarios only АСУ РСО has (the rest are in ``SyncE2ETests``, on both portals):
/// its assignments (marks hang on assignments the portal numbers; the engine answers the
/// adapter's question about one from the store) and its change feed (`/webapi/changes`, which
/// the emulator can compact; ЭПОС.Школа has no feed, only `updated_at` cursors per list).
struct ASURSOOnlyE2ETests {
    let h = PortalHarness.asuRSO

    /// After a sync, every assignment the store holds marks of is found in the store with the
    /// portal's own lesson, type and weight (what the engine answers when the adapter asks,
    /// so a feed item naming it needs no page fetch), and a portal-side mark edit on an old
    /// lesson is pulled with the right fields.
    @Test(arguments: StoreBackend.allCases)
    func assignmentsAreKnownFromTheStore(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let store = try h.freshStore(dir, backend)
        let e = try PortalHarness.startASURSO()
        defer { e.stop() }
        #expect(try h.sync(e, store: store).code == 0)
        // What the engine answers the adapter's question about an assignment (PullPage.needs).
        let reader = try JournalStore.open(at: store, readOnly: true)
        func find(_ aid: Int) -> (lesson: Int, type: Int, weight: Int)? {
            guard let m = try? reader.markPlace(counterpart: "asu-rso", externalIDFrom: "\(aid):", below: "\(aid);"),
                  let l = Int(m.lesson), let t = Int(m.workType) else { return nil }
            return (l, t, m.weight)
        }
        // The state document names a type by its abbreviation; the seed gives its id.
        let school = try JSON.parse(String(contentsOfFile: samples + "/asu-rso/school.json", encoding: .utf8))
        var typeID: [String: Int] = [:]
        for t in school["assignmentTypes"]?.array ?? [] { if let a = t["abbr"]?.string, let i = t["id"]?.int { typeID[a] = i } }
        var checked = 0
        var edit: JSON?
        for l in e.stateDocument()["lessons"]?.array ?? [] {
            for a in l["assignments"]?.array ?? [] where !(a["marks"]?.array ?? []).isEmpty {
                guard let aid = a["id"]?.int else { continue }
                let found = find(aid)
                #expect(found?.lesson == l["id"]?.int && found?.type == typeID[a["type"]?.string ?? ""] && found?.weight == (a["weight"]?.int ?? 1),
                        "assignment \(aid): \(String(describing: found))")
                checked += 1
                if edit == nil, let m = a["marks"]?.array?.first, let sid = m["studentId"]?.int, m["mark"]?.string == "5" {
                    edit = .object([("op", .string("upsertMark")), ("classmeetingId", l["id"] ?? .null), ("assignmentId", .int(aid)),
                                    ("studentId", .int(sid)), ("mark", .string("3"))])
                }
            }
        }
        #expect(checked > 50)
        #expect(find(999_999_999) == nil)
        let op = try #require(edit)
        _ = e.edit([op])
        let r = try h.sync(e, store: store)
        #expect(r.code == 0, "\(r.err)")
        #expect(try JSON.parse(r.out)["entities"]?["mark"]?["applied"]?.int == 1)
        let s = try JournalStore.open(at: store)
        let local = try #require(try s.localID(counterpart: "asu-rso", .mark, externalID: "\(op["assignmentId"]!.int!):\(op["studentId"]!.int!)"))
        #expect(s.record(.mark, id: local)?.fields["value"] == .text("3"))
    }

    @Test(arguments: StoreBackend.allCases)
    func truncatedFeedFallsBackToAFullPull(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let store = try h.freshStore(dir, backend)
        let e = try PortalHarness.startASURSO()
        defer { e.stop() }
        #expect(try h.sync(e, store: store).code == 0)
        _ = e.edit([.object([("op", .string("upsertFinalMark")), ("studentId", .int(9021)), ("subjectId", .int(71)),
                             ("termId", .int(11)), ("mark", .string("2"))])])
        var compact = URLRequest(url: e.url.appendingPathComponent("_emulator/compact-feed"))
        compact.httpMethod = "POST"
        let req = compact
        _ = try blockingAwait { try await URLSession.shared.data(for: req) }
        let r = try h.sync(e, store: store)
        #expect(r.code == 0, "\(r.err)")
        let s = try JournalStore.open(at: store)
        let fm = try s.records(.finalMark).filter { $0["value"] == .text("2") }
        #expect(!fm.isEmpty, "the portal's change arrived through the full pull")
    }
}
