import Foundation
import Synchronization
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// End to end: the real `journal-gateway` binary, as a child process, against a portal's
/// emulator on loopback, on a store of either backend (a file, or a school in the test
/// process's PostgreSQL cluster: `--store postgresql://…?school=…`). Each scenario is written
/// once for both portals (``PortalHarness``); what only one portal has is in
/// `ASURSOOnlyE2ETests` and `EPOSOnlyE2ETests`, each saying why.
struct SyncE2ETests {
    @Test(arguments: Portal.allCases, StoreBackend.allCases)
    func cleanSyncThenNothingToDo(_ portal: Portal, _ backend: StoreBackend) throws {
        let h = portal.harness
        let dir = try TempDir()
        let store = try h.freshStore(dir, backend)
        let e = try h.start()
        defer { e.stop() }
        let first = try h.sync(e, store: store)
        #expect(first.code == 0, "\(first.err) \(first.out)")
        let j = try JSON.parse(first.out)
        #expect(j["run_id"]?.string?.isEmpty == false)
        #expect(j["counterpart"]?.string == portal.rawValue)
        for kind in ["lesson", "mark", "attendance", "homework", "final_mark", "student"] {
            let c = j["entities"]?[kind]
            for key in ["expected", "applied", "pushed", "conflicts", "failed"] { #expect(c?[key]?.int != nil, "\(kind).\(key)") }
            #expect(c?["failed"]?.int == 0, "\(kind)")
        }
        let s = try JournalStore.open(at: store)
        #expect(s.backend == backend)
        let applied: Int
        switch portal {
        case .asuRSO:
            #expect(j["entities"]?["lesson"]?["applied"]?.int == 144, "three weeks on the portal, one of them also local")
            #expect(try s.count(.lesson) == 224)
            // The journal-only mark reached the portal, through a new assignment.
            applied = 2
            #expect(j["entities"]?["mark"]?["pushed"]?.int == 1)
        case .epos:
            #expect(j["cursor_end"]?.string?.hasPrefix("v2:since:ref|") == true)
            // Everything on the portal matched the journal's week by natural key: nothing doubled.
            #expect(try s.count(.lesson) == 81)
            #expect(try s.count(.student) == 26)
            // Written: the new lesson, its homework (a PUT of the schedule item), two marks and an
            // absence (created with external_id = the operation key), the changed topic, and the
            // «точка»'s weight (the journal's 2 against the portal's 1).
            applied = 7
            #expect(e.stats()["objects"]?["schedule_item"]?.int == 81)
            #expect(e.stats()["objects"]?["mark"]?.int == 113)
            #expect(e.stats()["objects"]?["attendance"]?.int == 17)
            let doc = e.stateDocument(content: false)
            let added = (doc["schedule_items"]?.array ?? []).first { $0["date"]?.string == "2026-09-12" }
            #expect(added?["homework"]?["text"]?.string == "№ 1, 2 (стр. 40)" && added?["external_id"]?.string?.count == 32)
            #expect((doc["schedule_items"]?.array ?? []).first { $0["id"]?.string == "si-1004" }?["topic"]?.string == "Натуральные числа и шкалы")
            // mk-5109, saved at 00:30 on 12 September in Perm, belongs to the lesson of 11 September.
            let local = try #require(try s.localID(counterpart: "epos", .mark, externalID: "mk-5109"))
            let lessonID = try #require(s.record(.mark, id: local)?["lesson"].text)
            #expect(s.record(.lesson, id: lessonID)?["date"] == .text("2026-09-11"))
        }
        #expect(e.stats()["operations_applied"]?.int == applied)
        let second = try h.sync(e, store: store)
        #expect(second.code == 0)
        #expect(try PortalHarness.pushed(second.out) == 0, "nothing is sent twice")
        #expect(e.stats()["operations_applied"]?.int == applied)
        #expect(h.fingerprint(store: store, e) == h.reference.fingerprint)
    }

    @Test(arguments: Portal.allCases, StoreBackend.allCases)
    func fivePercentFaultsEndInTheSameState(_ portal: Portal, _ backend: StoreBackend) throws {
        let h = portal.harness
        let dir = try TempDir()
        let store = try h.freshStore(dir, backend)
        let e = try h.start(faults: h.faultMix, seed: 42)
        defer { e.stop() }
        try h.syncUntilClean(e, store: store)
        #expect((e.stats()["faults_injected"]?.int ?? 0) > 0, "faults were injected")
        let f = h.fingerprint(store: store, e)
        #expect(f.journal == h.reference.fingerprint.journal)
        #expect(f.portal == h.reference.fingerprint.portal)
    }

    /// Seeded kill -9 points: half at the N-th protocol request (killed while the portal
    /// handles it: a write applied whose answer never arrives), half at a moment of the run
    /// (local commits too). Each store is then synced again and must equal the reference.
    @Test(arguments: Portal.allCases, StoreBackend.allCases)
    func killedAtSeededPointsAndRerunEqualsTheReference(_ portal: Portal, _ backend: StoreBackend) throws {
        let h = portal.harness
        let reference = h.reference
        var rng = SeededRandom(seed: h.killSeed)
        var moments: [String: Int] = [:]
        for point in 0..<50 {
            let target = point % 2 == 0 ? 1 + rng.below(reference.requests) : nil
            let delay = Double(rng.below(1000)) / 1000 * reference.seconds * 1.2
            guard PortalHarness.tries(point, on: backend, every: 4) else { continue }   // PostgreSQL: 14 of the 50
            let dir = try TempDir()
            let store = try h.freshStore(dir, backend)
            let child = Mutex<Int32?>(nil), seen = Mutex(0)
            let e = try h.start { _ in
                let n = seen.withLock { $0 += 1; return $0 }
                if n == target, let pid = child.withLock({ $0 }) { kill(pid, SIGKILL) }
            }
            defer { e.stop() }
            let p = try h.launch(e, store: store)
            child.withLock { $0 = p.processIdentifier }
            if target == nil {
                Thread.sleep(forTimeInterval: delay)
                kill(p.processIdentifier, SIGKILL)
            }
            p.waitUntilExit()
            let where_ = target.map { "request \($0)" } ?? "after \(delay) s"
            // Only the points set by request count say where runs are cut: a moment in
            // seconds depends on the machine's load (issue 15 item 6), so it adds coverage only.
            if target != nil { moments[PortalHarness.moment(store: store, e), default: 0] += 1 }
            try h.syncUntilClean(e, store: store, max: 3)
            let f = h.fingerprint(store: store, e)
            #expect(f.journal == reference.fingerprint.journal, "kill point \(point) (\(where_)): the journal differs")
            #expect(f.portal == reference.fingerprint.portal, "kill point \(point) (\(where_)): the portal differs")
        }
        print("\(portal.rawValue) on \(backend.rawValue): kill points (reference: \(reference.requests) requests, \(reference.seconds) s):",
              moments.sorted { $0.key < $1.key })
        #expect((moments["4 finished"] ?? 0) == 0, "a kill at a request the run makes always interrupts it: \(moments)")
        if backend == .sqlite && portal == .epos {
            // ЭПОС.Школа's run writes seven operations over many requests, so several of its 25
            // request points fall after a write; АСУ РСО's two go in one batch near the end
            // (3 of 25 points after it when this was written), and PostgreSQL tries 7 request
            // points: there it is printed, not pinned.
            #expect((moments["3 after a write"] ?? 0) >= 2, "some points fall after a write reached the portal: \(moments)")
        }
    }

    @Test(arguments: Portal.allCases, StoreBackend.allCases)
    func expiredTokensMidRunAreRenewed(_ portal: Portal, _ backend: StoreBackend) throws {
        let h = portal.harness
        let dir = try TempDir()
        let store = try h.freshStore(dir, backend)
        let e = try h.start(faults: "expire-token=0.2", seed: 5)
        defer { e.stop() }
        let r = try h.sync(e, store: store)
        #expect(r.code == 0, "\(r.err)")
        #expect((e.stats()["faults_injected"]?.int ?? 0) > 0)
        #expect(h.fingerprint(store: store, e) == h.reference.fingerprint)
    }

    /// A code without a line never stops the night (issue 14): a subject (АСУ РСО) or a
    /// control form (ЭПОС.Школа) missing from a copy of the tables is adopted under the
    /// portal's name, the summary says so once, and the run ends as if the line were there.
    @Test(arguments: Portal.allCases, StoreBackend.allCases)
    func aCodeWithoutALineIsAdopted(_ portal: Portal, _ backend: StoreBackend) throws {
        let h = portal.harness
        let (table, code) = portal == .asuRSO ? ("asu-rso/subjects.tsv", "Физика") : ("epos/control_forms.tsv", "Лабораторная работа")
        let dir = try TempDir()
        let store = try h.freshStore(dir, backend)
        let maps = dir.path("mappings")
        // Copy the real folder (resolving links), then edit only the copy.
        let source = URL(fileURLWithPath: packageRoot.path + "/mappings").resolvingSymlinksInPath().path
        try FileManager.default.copyItem(atPath: source, toPath: maps)
        let type = try FileManager.default.attributesOfItem(atPath: maps + "/" + table)[.type] as? FileAttributeType
        try #require(type == .typeRegular, "the copy is a file of its own, not a link to the real table")
        let kept = try String(contentsOfFile: maps + "/" + table, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix(code) }
        try (kept.joined(separator: "\n") + "\n").write(toFile: maps + "/" + table, atomically: true, encoding: .utf8)
        let e = try h.start()
        defer { e.stop() }
        let r = try h.sync(e, store: store, ["JOURNAL_GATEWAY_MAPPINGS": maps])
        #expect(r.code == 0, "\(r.out) \(r.err)")
        let adopted = try JSON.parse(r.out)["adopted"]?.array ?? []
        #expect(adopted.count == 1 && adopted.first?["code"]?.string == code && adopted.first?["table"]?.string == table, "\(r.out)")
        if portal == .asuRSO { #expect(adopted.first?["name"]?.string == code, "\(r.out)") }
        #expect(h.fingerprint(store: store, e) == h.reference.fingerprint)
    }

    @Test(arguments: Portal.allCases, StoreBackend.allCases)
    func aPasswordFileOthersCanReadIsRefused(_ portal: Portal, _ backend: StoreBackend) throws {
        let dir = try TempDir()
        let store = try portal.harness.freshStore(dir, backend)
        let pw = dir.path("pw")
        try "secret\n".write(toFile: pw, atomically: false, encoding: .utf8)
        chmod(pw, 0o644)
        let r = cli(["sync", portal.rawValue, "--url", "http://127.0.0.1:9", "--school-id", "1", "--login", "x", "--password-file", pw], store: store)
        #expect(r.code == 64)
        #expect(r.err.contains("chmod 600"))
        #expect(!r.err.contains("secret"), "the password is never printed")
    }

    /// A refused sign-in is tried once (a wrong password is not tried again and again) and
    /// never printed; a portal that does not answer is exit 69, the store unchanged.
    @Test(arguments: Portal.allCases, StoreBackend.allCases)
    func aRefusedSignInIsTriedOnceAndAnUnreachablePortalIs69(_ portal: Portal, _ backend: StoreBackend) throws {
        let h = portal.harness
        let dir = try TempDir()
        let store = try h.freshStore(dir, backend)
        let before = try JournalStore.open(at: store).lastSeq
        let signIns = Mutex(0)
        let e = try h.start { line in if line.hasPrefix(h.signIn) { signIns.withLock { $0 += 1 } } }
        defer { e.stop() }
        let r = try h.sync(e, store: store, ["JOURNAL_GATEWAY_PASSWORD": "не тот"])
        #expect(r.code == 77, "\(r.out) \(r.err)")
        #expect((r.out + r.err).contains("refused"), "\(r.out) \(r.err)")
        #expect(!(r.out + r.err).contains("не тот"), "the password is never printed")
        #expect(signIns.withLock { $0 } == 1, "a wrong password is not tried again and again")
        let gone = try runBinary(["--store", store, "sync", portal.rawValue, "--url", "http://127.0.0.1:9", "--school-id", "1", "--login", "x"],
                                 environment: ["JOURNAL_GATEWAY_PASSWORD": "x", "JOURNAL_GATEWAY_MAPPINGS": packageRoot.path + "/mappings"])
        #expect(gone.code == 69, "\(gone.err)")
        #expect(try JournalStore.open(at: store).lastSeq == before, "nothing written")
    }

    /// A school that moved from Samara (АСУ РСО) to Perm (ЭПОС.Школа): one store synced with
    /// both in turn. The second counterpart's records match the journal's by natural key;
    /// nothing is doubled, and each counterpart keeps its own identities. (Both portals in one
    /// scenario: parameterised over the backend only.)
    @Test(arguments: StoreBackend.allCases)
    func aSchoolThatMovedRegionKeepsOneJournal(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let store = try PortalHarness.asuRSO.freshStore(dir, backend)
        let asu = try PortalHarness.asuRSO.start()
        defer { asu.stop() }
        try PortalHarness.asuRSO.syncUntilClean(asu, store: store)
        var s = try JournalStore.open(at: store)
        let before = try [EntityKind.student, .lesson, .mark, .attendance, .homework].map { try s.count($0) }
        let h = PortalHarness.epos
        let e = try h.start()
        defer { e.stop() }
        let runs = try h.syncUntilClean(e, store: store)
        #expect(runs.count == 1, "\(runs.map(\.out))")
        s = try JournalStore.open(at: store)
        let after = try [EntityKind.student, .lesson, .mark, .attendance, .homework].map { try s.count($0) }
        // Students, lessons and homework: the same. Marks and absences: plus the two of each that only ЭПОС has.
        #expect(after[0] == before[0] && after[1] == before[1] && after[4] == before[4], "\(before) → \(after)")
        #expect(after[2] == before[2] + 2 && after[3] == before[3] + 2, "\(before) → \(after)")
        // Identities per counterpart: ЭПОС's week is bound to the same local records as АСУ РСО's.
        let asuIDs = Dictionary(grouping: try s.identities(counterpart: "asu-rso"), by: \.entity).mapValues { Set($0.map(\.localID)) }
        let epos = try s.identities(counterpart: "epos")
        for kind in [EntityKind.student, .lesson, .classUnit, .teacher, .group] {
            // Tombstones (the cancelled si-1081) are bound to no journal record.
            let local = epos.filter { $0.entity == kind && s.record(kind, id: $0.localID) != nil }
            #expect(!local.isEmpty)
            let unmatched = Set(local.map(\.localID)).subtracting(asuIDs[kind] ?? [])
            #expect(unmatched.isEmpty, "\(kind.rawValue): matched, not doubled: \(unmatched.sorted().prefix(5))")
            #expect(Set(local.map(\.localID)).count == local.count, "\(kind.rawValue): one local record per ЭПОС object")
        }
        #expect(epos.contains { $0.entity == .lesson && $0.externalID == "si-1004" })
        // What only АСУ РСО had (two more weeks) now is on ЭПОС too; a second run has nothing to do.
        #expect(e.stats()["objects"]?["schedule_item"]?.int == before[1])
        let again = try h.sync(e, store: store)
        #expect(again.code == 0)
        #expect(try PortalHarness.pushed(again.out) == 0)
        s = try JournalStore.open(at: store)
        #expect(try [EntityKind.student, .lesson, .mark, .attendance, .homework].map { try s.count($0) } == after)
    }
}
