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

/// End to end: the real `journal-gateway` binary, as a child process, against the АСУ РСО
/// emulator on loopback.
struct ASURSOSyncE2ETests {
    /// A store with the sample contingent and week and one mark the portal does not have yet.
    static let prepared = preparedSyncStore(name: "e2e", timezone: "Europe/Samara", extraLines: [
        #"{"type": "mark", "id": "mk-local-only", "lesson": "les-9А-2026-09-07-1", "student": "stu-09-1026", "work_type": "wt-self", "value": "5", "weight": 1}"#])

    static func freshStore(_ dir: TempDir) throws -> String { try copyOfStore(prepared, in: dir) }

    static func emulator(faults: String? = nil, seed: UInt64 = 1) throws -> RunningEmulator {
        var o = EmulatorOptions(seedDir: samples + "/asu-rso", seed: seed)
        if let faults { o.faults = try FaultSpec(parsing: faults) }
        return try ASURSOEmulator.start(o)
    }

    static func syncArgs(_ e: RunningEmulator, store: String) -> [String] {
        ["--store", store, "sync", "asu-rso", "--url", e.url.absoluteString, "--school-id", e.schoolID, "--login", e.login, "--json"]
    }

    static func env(_ e: RunningEmulator, _ extra: [String: String] = [:]) -> [String: String] {
        ["JOURNAL_GATEWAY_PASSWORD": e.password, "JOURNAL_GATEWAY_MAPPINGS": packageRoot.path + "/mappings",
         "JOURNAL_GATEWAY_SAMPLES": samples].merging(extra) { $1 }
    }

    /// Syncs until a run ends with exit 0 (a run may stop early on faults); returns the runs.
    @discardableResult
    static func syncUntilClean(_ e: RunningEmulator, store: String, max: Int = 6) throws -> [CLIResult] {
        var runs: [CLIResult] = []
        for _ in 0..<max {
            let r = try runBinary(syncArgs(e, store: store), environment: env(e))
            runs.append(r)
            if r.code == 0 { return runs }
        }
        Issue.record("no clean sync in \(max) runs: \(runs.map { "\($0.code): \($0.err.prefix(300))" })")
        return runs
    }

    /// What must be equal between two runs that reached the same state: the journal
    /// (exported), the portal's content (without its own ids and vers).
    static func fingerprint(store: String, _ e: RunningEmulator) -> (journal: String, portal: String) {
        (cli(["journal", "export"], store: store).out, e.stateDocument(content: true).serialized())
    }

    /// The reference: a clean sync of a fresh store against a fresh emulator.
    static let reference: (journal: String, portal: String, seconds: Double) = {
        let dir = try! TempDir()
        let store = try! freshStore(dir)
        let e = try! emulator()
        defer { e.stop() }
        let start = Date()
        let r = try! runBinary(syncArgs(e, store: store), environment: env(e))
        precondition(r.code == 0, "reference sync failed: \(r.err)")
        let seconds = Date().timeIntervalSince(start)
        let f = fingerprint(store: store, e)
        return (f.journal, f.portal, seconds)
    }()

    @Test func cleanSyncThenNothingToDo() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let e = try Self.emulator()
        defer { e.stop() }
        let first = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e))
        #expect(first.code == 0, "\(first.err)")
        let j = try JSON.parse(first.out)
        #expect(j["run_id"]?.string?.isEmpty == false)
        #expect(j["counterpart"]?.string == "asu-rso")
        for kind in ["lesson", "mark", "attendance", "homework", "final_mark", "student"] {
            let c = j["entities"]?[kind]
            for key in ["expected", "applied", "pushed", "conflicts", "failed"] { #expect(c?[key]?.int != nil, "\(kind).\(key)") }
            #expect(c?["failed"]?.int == 0)
        }
        #expect(j["entities"]?["lesson"]?["applied"]?.int == 144, "three weeks on the portal, one of them also local")
        let s = try JournalStore.open(at: store)
        #expect(try s.count(.lesson) == 224)
        // The journal-only mark reached the portal, through a new assignment.
        #expect(e.stats()["operations_applied"]?.int == 2)
        #expect(j["entities"]?["mark"]?["pushed"]?.int == 1)
        let second = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e))
        #expect(second.code == 0)
        let again = try JSON.parse(second.out)
        let pushed = (again["entities"]?.pairs ?? []).reduce(0) { $0 + ($1.1["pushed"]?.int ?? 0) }
        #expect(pushed == 0, "nothing is sent twice")
        #expect(Self.fingerprint(store: store, e) == (Self.reference.journal, Self.reference.portal))
    }

    /// After a sync, every assignment the store holds marks of is found in the store with the
    /// portal's own lesson, type and weight (what the engine answers when the adapter asks,
    /// so a feed item naming it needs no page fetch), and a portal-side mark edit on an old
    /// lesson is pulled with the right fields.
    @Test func assignmentsAreKnownFromTheStore() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let e = try Self.emulator()
        defer { e.stop() }
        #expect(try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e)).code == 0)
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
        let r = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e))
        #expect(r.code == 0, "\(r.err)")
        #expect(try JSON.parse(r.out)["entities"]?["mark"]?["applied"]?.int == 1)
        let s = try JournalStore.open(at: store)
        let local = try #require(try s.localID(counterpart: "asu-rso", .mark, externalID: "\(op["assignmentId"]!.int!):\(op["studentId"]!.int!)"))
        #expect(s.record(.mark, id: local)?.fields["value"] == .text("3"))
    }

    @Test func fivePercentFaultsEndInTheSameState() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let e = try Self.emulator(faults: "500=0.05,429=0.05,drop=0.05,truncate=0.02,dup-page=0.05,retry-after=0", seed: 42)
        defer { e.stop() }
        try Self.syncUntilClean(e, store: store)
        #expect((e.stats()["faults_injected"]?.int ?? 0) > 0, "faults were injected")
        let f = Self.fingerprint(store: store, e)
        #expect(f.journal == Self.reference.journal)
        #expect(f.portal == Self.reference.portal)
    }

    @Test func killedAtSeededMomentsAndRerunEqualsTheReference() throws {
        let window = max(0.05, Self.reference.seconds)
        var rng = SeededRandom(seed: 2026)
        for point in 0..<50 {
            let dir = try TempDir()
            let store = try Self.freshStore(dir)
            let e = try Self.emulator()
            defer { e.stop() }
            let delay = Double(rng.below(1000)) / 1000 * window * 1.2
            let p = Process()
            p.executableURL = try gatewayBinary()
            p.arguments = Self.syncArgs(e, store: store)
            p.environment = Self.env(e)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            try Self.syncUntilClean(e, store: store, max: 3)
            let f = Self.fingerprint(store: store, e)
            #expect(f.journal == Self.reference.journal, "kill point \(point) (after \(delay) s): the journal differs")
            #expect(f.portal == Self.reference.portal, "kill point \(point) (after \(delay) s): the portal differs")
            let idem = e.stateDocument()
            _ = idem
        }
    }

    @Test func expiredTokensMidRunAreRenewed() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let e = try Self.emulator(faults: "expire-token=0.2", seed: 5)
        defer { e.stop() }
        let r = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e))
        #expect(r.code == 0, "\(r.err)")
        #expect((e.stats()["faults_injected"]?.int ?? 0) > 0)
        #expect(Self.fingerprint(store: store, e) == (Self.reference.journal, Self.reference.portal))
    }

    @Test func truncatedFeedFallsBackToAFullPull() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let e = try Self.emulator()
        defer { e.stop() }
        #expect(try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e)).code == 0)
        _ = e.edit([.object([("op", .string("upsertFinalMark")), ("studentId", .int(9021)), ("subjectId", .int(71)),
                             ("termId", .int(11)), ("mark", .string("2"))])])
        var compact = URLRequest(url: e.url.appendingPathComponent("_emulator/compact-feed"))
        compact.httpMethod = "POST"
        let req = compact
        _ = try blockingAwait { try await URLSession.shared.data(for: req) }
        let r = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e))
        #expect(r.code == 0, "\(r.err)")
        let s = try JournalStore.open(at: store)
        let fm = try s.records(.finalMark).filter { $0["value"] == .text("2") }
        #expect(!fm.isEmpty, "the portal's change arrived through the full pull")
    }

    /// A subject without a line never stops the night (issue 14): it is adopted under the
    /// portal's name, the summary says so once, and the run ends as if the line were there.
    @Test func aSubjectWithoutALineIsAdopted() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let maps = dir.path("mappings")
        // Copy the real folder (resolving links), then edit only the copy.
        let source = URL(fileURLWithPath: packageRoot.path + "/mappings").resolvingSymlinksInPath().path
        try FileManager.default.copyItem(atPath: source, toPath: maps)
        let type = try FileManager.default.attributesOfItem(atPath: maps + "/asu-rso/subjects.tsv")[.type] as? FileAttributeType
        try #require(type == .typeRegular, "the copy is a file of its own, not a link to the real table")
        let subjects = maps + "/asu-rso/subjects.tsv"
        let kept = try String(contentsOfFile: subjects, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("Физика") }
        try (kept.joined(separator: "\n") + "\n").write(toFile: subjects, atomically: true, encoding: .utf8)
        let e = try Self.emulator()
        defer { e.stop() }
        let r = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e, ["JOURNAL_GATEWAY_MAPPINGS": maps]))
        #expect(r.code == 0, "\(r.out) \(r.err)")
        let adopted = try JSON.parse(r.out)["adopted"]?.array ?? []
        #expect(adopted.count == 1 && adopted.first?["code"]?.string == "Физика" && adopted.first?["name"]?.string == "Физика"
                && adopted.first?["table"]?.string == "asu-rso/subjects.tsv", "\(r.out)")
        #expect(Self.fingerprint(store: store, e) == (Self.reference.journal, Self.reference.portal))
    }

    @Test func aPasswordFileOthersCanReadIsRefused() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let pw = dir.path("pw")
        try "secret\n".write(toFile: pw, atomically: false, encoding: .utf8)
        chmod(pw, 0o644)
        let r = cli(["sync", "asu-rso", "--url", "http://127.0.0.1:9", "--school-id", "1", "--login", "x", "--password-file", pw], store: store)
        #expect(r.code == 64)
        #expect(r.err.contains("chmod 600"))
        #expect(!r.err.contains("secret"), "the password is never printed")
    }

    @Test func anUnreachablePortalIsExit69WithNothingLost() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let r = try runBinary(["--store", store, "sync", "asu-rso", "--url", "http://127.0.0.1:9", "--school-id", "1", "--login", "x"],
                              environment: ["JOURNAL_GATEWAY_PASSWORD": "x", "JOURNAL_GATEWAY_MAPPINGS": packageRoot.path + "/mappings"])
        #expect(r.code == 69, "\(r.err)")
    }
}

extension JSON {
    var pairs: [(String, JSON)]? { if case .object(let p) = self { return p }; return nil }
}
