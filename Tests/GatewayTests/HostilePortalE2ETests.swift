import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// The real binary against a broken АСУ РСО: a proxy in front of the emulator answers empty,
/// wrong-shaped, foreign-class, redirecting and refusing answers. Each test shows the store
/// unchanged (or changed exactly as documented), nothing pushed, and the exit code of
/// docs/operations.md. АСУ РСО only: the rewrites are of АСУ РСО's answers (ЭПОС.Школа's
/// hostile answers are AdaptersTests' EPOSHostilePortalTests); on both store backends.
struct HostilePortalE2ETests {
    static let h = PortalHarness.asuRSO

    /// What a run may not change: counts per kind and the change log's length.
    struct Footprint: Equatable {
        var counts: [String: Int]
        var changeLog: Int
        init(_ path: String) throws {
            let store = try JournalStore.open(at: path)
            counts = Dictionary(uniqueKeysWithValues: try EntityKind.allCases.map { ($0.rawValue, try store.count($0)) })
            changeLog = store.lastSeq
        }
    }

    static func args(_ url: URL, _ e: RunningEmulator, store: String, _ extra: [String] = []) -> [String] {
        ["--store", store, "sync", "asu-rso", "--url", url.absoluteString, "--school-id", e.schoolID, "--login", e.login, "--json"] + extra
    }

    /// A store synced once, cleanly, through the proxy.
    static func synced(_ dir: TempDir, _ e: RunningEmulator, _ proxy: HostilePortal, _ backend: StoreBackend) throws -> String {
        let store = try h.freshStore(dir, backend)
        let first = try runBinary(args(proxy.url, e, store: store), environment: Self.h.env(e))
        #expect(first.code == 0, "\(first.err)")
        return store
    }

    static let correctlyEmpty: HostilePortal.Rewrite = { req, res in
        switch req.path {
        case "/webapi/changes": return .json(.object([("message", .string("Журнал изменений усечён"))]), status: 410)
        case "/webapi/journal":
            guard var page = res.json, case .object(var pairs) = page else { return res }
            pairs = pairs.map { $0.0 == "weekDays" ? ("weekDays", .array([])) : $0 }
            page = .object(pairs)
            return .json(page)
        case "/webapi/finalmarks": return .json(.array([]))
        default:
            if req.path.hasPrefix("/webapi/classes/") && req.path.hasSuffix("/students") { return .json(.array([])) }
            return res
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func an410ThenEmptyListsDeletesNothingAndTheRealPortalBringsNothingBack(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let e = try PortalHarness.startASURSO()
        defer { e.stop() }
        let proxy = try HostilePortal(upstream: e.url)
        let store = try Self.synced(dir, e, proxy, backend)
        let before = try Footprint(store)
        let pushesBefore = proxy.requests("/webapi/journal/batch").count

        proxy.set(Self.correctlyEmpty)
        let hostile = try runBinary(Self.args(proxy.url, e, store: store), environment: Self.h.env(e))
        #expect(hostile.code == 65, "\(hostile.err)")
        let summary = try JSON.parse(hostile.out)
        #expect(summary["status"]?.string == "held")
        #expect(summary["held"]?.array?.isEmpty == false)
        #expect(try Footprint(store) == before)
        #expect(proxy.requests("/webapi/journal/batch").count == pushesBefore)

        // The real portal again: the same journal and portal as a store that never met the broken one.
        proxy.set { $1 }
        let back = try runBinary(Self.args(proxy.url, e, store: store), environment: Self.h.env(e))
        #expect(back.code == 0, "\(back.err)")
        let twinDir = try TempDir()
        let twinPortal = try PortalHarness.startASURSO()
        defer { twinPortal.stop() }
        let twin = try Self.h.freshStore(twinDir, backend)
        for _ in 0..<2 { #expect(try Self.h.sync(twinPortal, store: twin).code == 0) }
        #expect(cli(["journal", "export"], store: store).out == cli(["journal", "export"], store: twin).out)
        #expect(e.stateDocument(content: true).serialized() == twinPortal.stateDocument(content: true).serialized())
    }

    @Test(arguments: StoreBackend.allCases)
    func aWrongShapeOnAFirstSyncAppliesNothingOfItAndPushesNothing(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let e = try PortalHarness.startASURSO()
        defer { e.stop() }
        let proxy = try HostilePortal(upstream: e.url) { req, res in
            req.path == "/webapi/journal" ? .json(.object([("items", .array([]))])) : res
        }
        let store = try Self.h.freshStore(dir, backend)
        let before = try Footprint(store)
        let r = try runBinary(Self.args(proxy.url, e, store: store), environment: Self.h.env(e))
        #expect(r.code == 65, "\(r.err)")
        let said = try JSON.parse(r.out)["unavailable"]?.string ?? ""
        #expect(said.contains("GET /webapi/journal?classId=") && said.contains("expected"), "names the endpoint and the field: \(said)")
        #expect(proxy.requests("/webapi/journal/batch").isEmpty)
        let after = try Footprint(store)
        for kind in ["lesson", "mark", "attendance", "homework", "final_mark"] { #expect(after.counts[kind] == before.counts[kind], "\(kind)") }
    }

    @Test(arguments: StoreBackend.allCases)
    func aStudentOfAnotherClassIsNotFiledUnderTheClassAsked(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let e = try PortalHarness.startASURSO()
        defer { e.stop() }
        let proxy = try HostilePortal(upstream: e.url)
        let store = try Self.synced(dir, e, proxy, backend)
        let before = try Footprint(store)
        // Every class's list also holds a pupil whose classId is a class of another school.
        proxy.set { req, res in
            guard req.path.hasPrefix("/webapi/classes/"), req.path.hasSuffix("/students"), case .array(var rows)? = res.json,
                  case .object(var first)? = rows.first else { return res }
            first = first.map { $0.0 == "id" ? ("id", .int(99_999)) : $0 } + [("classId", .int(7_777_777))]
            rows.append(.object(first))
            return .json(.array(rows))
        }
        let r = try runBinary(Self.args(proxy.url, e, store: store, ["--full"]), environment: Self.h.env(e))
        #expect(r.code == 65, "\(r.err)")
        #expect(try Footprint(store) == before)
    }

    @Test(arguments: StoreBackend.allCases)
    func credentialsNeverFollowARedirectToAnotherOrigin(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let e = try PortalHarness.startASURSO()
        defer { e.stop() }
        let elsewhere = try HostilePortal(upstream: e.url)   // another origin, recording what reaches it
        let proxy = try HostilePortal(upstream: e.url)
        let store = try Self.synced(dir, e, proxy, backend)
        let before = try Footprint(store)
        let target = elsewhere.url
        proxy.set { req, res in
            guard req.path.hasPrefix("/webapi/") && !req.path.hasPrefix("/webapi/auth") && req.path != "/webapi/login" else { return res }
            var moved = HTTPResponse(status: 307)
            moved.headers.set("Location", target.appendingPathComponent(req.path).absoluteString)
            return moved
        }
        let r = try runBinary(Self.args(proxy.url, e, store: store), environment: Self.h.env(e))
        #expect(r.code == 69, "\(r.err)")
        #expect(r.out.contains(target.absoluteString) || r.err.contains(target.absoluteString), "names where it was sent: \(r.out) \(r.err)")
        #expect(elsewhere.requests.allSatisfy { $0.headers["at"] == nil })
        #expect(try Footprint(store) == before)
    }

    @Test(arguments: StoreBackend.allCases)
    func exitCodesTellCronWhatHappened(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let e = try PortalHarness.startASURSO()
        defer { e.stop() }
        let proxy = try HostilePortal(upstream: e.url)
        let store = try Self.h.freshStore(dir, backend)
        // A wrong password: 77, a person must act.
        let wrong = try runBinary(Self.args(proxy.url, e, store: store), environment: Self.h.env(e, ["JOURNAL_GATEWAY_PASSWORD": "not-it"]))
        #expect(wrong.code == 77, "\(wrong.err)")
        // Malformed JSON from the portal: 65.
        proxy.set { req, res in req.path == "/webapi/terms" ? HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array("[{\"id\": 11,".utf8)) : res }
        let malformed = try runBinary(Self.args(proxy.url, e, store: store), environment: Self.h.env(e))
        #expect(malformed.code == 65, "\(malformed.err)")
        // Come back tomorrow: 75, as docs/operations.md says.
        proxy.set { req, res in
            guard req.path == "/webapi/terms" else { return res }
            var later = HTTPResponse.json(.object([("message", .string("Сервер перегружен"))]), status: 503)
            later.headers.set("Retry-After", "86400")
            return later
        }
        let later = try runBinary(Self.args(proxy.url, e, store: store), environment: Self.h.env(e))
        #expect(later.code == 75, "\(later.err)")
    }
}
