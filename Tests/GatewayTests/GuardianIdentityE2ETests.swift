import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// Issue 15, case 2 as it was found: the secretary's list and АСУ РСО name the same 40
/// parents; the store held 80 guardians and the diary reached 553 events' parents twice.
@Suite(.serialized) struct GuardianIdentityE2ETests {
    /// The sample portal's parents (samples/asu-rso/students.json `parents`).
    static let portalParents = 40

    /// Guardians that are one person by ``GuardianIdentity``, and per pupil the guardians
    /// linked twice under two ids.
    static func duplicates(_ store: JournalStore) throws -> [[String]] {
        try GuardianMatcher(guardians: store.records(.guardian), guardianships: store.records(.guardianship)).duplicateGroups()
    }

    static func sync(_ e: RunningEmulator, _ store: String) throws -> CLIResult {
        try PortalHarness.asuRSO.sync(e, store: store)
    }

    @Test func theListThenThePortalKeepOneGuardianPerParent() async throws {
        let dir = try TempDir()
        let path = try PortalHarness.asuRSO.freshStore(dir)   // the list, the week, then the sync: the demo's order
        let e = try PortalHarness.startASURSO()
        defer { e.stop() }
        let r = try Self.sync(e, path)
        #expect(r.code == 0, "\(r.err)")
        let store = try JournalStore.open(at: path)
        #expect(try store.count(.guardian) == Self.portalParents)
        #expect(try Self.duplicates(store).isEmpty)
        // Each portal parent bound to the list's guardian, and each link to the list's link.
        #expect(try store.identities(counterpart: "asu-rso", .guardian).count == Self.portalParents)
        #expect(try store.records(.guardian).allSatisfy { $0.id.hasPrefix("grd-") })
        #expect(try store.records(.guardianship).allSatisfy { $0.id.hasPrefix("gs-") })
        // The diary reaches each parent once per event.
        let portal = try DiaryEmulator.start(DiaryEmulatorOptions())
        defer { portal.stop() }
        let token = dir.path("diary.token")
        #expect(FileManager.default.createFile(atPath: token, contents: Data((portal.token + "\n").utf8), attributes: [.posixPermissions: 0o600]))
        let feed = try runBinary(["--store", path, "feed", "diary", "--url", portal.url.absoluteString, "--token-file", token,
                                  "--school-id", portal.schoolID])
        #expect(feed.code == 0, "\(feed.err)")
        let events = portal.acceptedEvents()
        #expect(!events.isEmpty)
        for event in events {
            let ids = (event["recipients"]?.array ?? []).compactMap { $0["guardianId"]?.string }
            let names = (event["recipients"]?.array ?? []).compactMap { $0["name"]?.string?.lowercased() }
            #expect(Set(ids).count == ids.count && Set(names).count == names.count, "\(event.serialized().prefix(300))")
        }
        #expect(CLI.recipientsLine(events).hasSuffix("0 event(s) reached one parent twice under two ids."))
        // A second night changes no guardian.
        let again = try Self.sync(e, path)
        #expect(again.code == 0, "\(again.err)")
        let guardians = try JSON.parse(again.out)["entities"]?["guardian"]
        #expect((guardians?["applied"]?.int ?? 0) == 0, "\(guardians?.serialized() ?? "no guardian counts")")
    }

    @Test func thePortalThenTheListKeepOneGuardianPerParent() throws {
        let dir = try TempDir()
        let path = dir.path("journal.sqlite")
        #expect(cli(["init", "--school", "Школа № 122", "--timezone", "Europe/Samara"], store: path).code == 0)
        let e = try PortalHarness.startASURSO()
        defer { e.stop() }
        let r = try Self.sync(e, path)
        #expect(r.code == 0, "\(r.err)")
        let list = cli(["import", "contingent", samples + "/contingent/list-2026-09-01.csv"], store: path)
        #expect(list.code == 0, "\(list.err)")
        let store = try JournalStore.open(at: path)
        #expect(try store.count(.guardian) == Self.portalParents)
        #expect(try Self.duplicates(store).isEmpty)
        // The list again, and the portal again: still one each.
        #expect(cli(["import", "contingent", samples + "/contingent/list-2026-09-01.csv"], store: path).code == 0)
        #expect(try Self.sync(e, path).code == 0)
        #expect(try store.count(.guardian) == Self.portalParents)
        #expect(try Self.duplicates(store).isEmpty)
    }
}
