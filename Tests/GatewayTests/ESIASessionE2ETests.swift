import Foundation
import Synchronization
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// Regions where staff sign in only through Госуслуги: the real binary with a session saved
/// from a browser, against either portal's emulator in `esiaOnly` mode (no password sign-in),
/// on either store backend.
struct ESIASessionE2ETests {
    /// The emulator's clock, moved by the test (sessions expire by it).
    final class Clock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
        func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
    }

    static func emulator(_ portal: Portal, _ clock: Clock, ttl: Double?) throws -> any E2EEmulator {
        switch portal {
        case .asuRSO:
            var o = EmulatorOptions(seedDir: samples + "/asu-rso", seed: 1, clock: { clock.now.withLock { $0 } })
            o.esiaOnly = true
            o.sessionTTL = ttl
            return try ASURSOEmulator.start(o)
        case .epos:
            var o = EPOSEmulatorOptions(seedDir: samples + "/epos", seed: 1, requestsPerSecond: nil, clock: { clock.now.withLock { $0 } })
            o.esiaOnly = true
            o.sessionTTL = ttl
            return try EPOSEmulator.start(o)
        }
    }

    /// The session file a person saves from the browser: АСУ РСО's `at` token and session
    /// cookie, ЭПОС.Школа's `auth_token` and profile.
    static func sessionFile(_ portal: Portal, _ e: any E2EEmulator, _ dir: TempDir, _ token: String, mode: Int = 0o600) throws -> String {
        let path = dir.path("\(portal.rawValue).session")
        let text = switch portal {
        case .asuRSO: "# saved from the browser after signing in through Госуслуги\nat=\(token)\nNSSESSIONID=s-\(token.prefix(6))\n"
        case .epos: "# cookies of the browser session\nauth_token=\(token)\nprofile_id=\((e as? RunningEPOSEmulator)?.profileID ?? "")\n"
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, mode_t(mode))
        return path
    }

    static func args(_ portal: Portal, _ e: any E2EEmulator, store: String, session: String) -> [String] {
        ["--store", store, "sync", portal.rawValue, "--url", e.url.absoluteString, "--school-id", e.schoolID, "--session-file", session]
            + (portal == .epos ? ["--requests-per-second", "1000"] : []) + ["--json"]
    }

    /// No password anywhere in the environment.
    static let env = ["JOURNAL_GATEWAY_MAPPINGS": packageRoot.path + "/mappings", "JOURNAL_GATEWAY_SAMPLES": samples]

    @Test(arguments: Portal.allCases, StoreBackend.allCases)
    func aSavedSessionSyncsWithoutAPassword(_ portal: Portal, _ backend: StoreBackend) throws {
        let h = portal.harness
        let dir = try TempDir()
        let e = try Self.emulator(portal, Clock(), ttl: nil)
        defer { e.stop() }
        let token = try #require(e.session)
        #expect(e.readyLine.hasSuffix(" session=\(token)"))
        let store = try h.freshStore(dir, backend)
        // A password is refused by such a portal: 77, and the message says what to do.
        let pw = try h.sync(e, store: store)
        #expect(pw.code == 77, "\(pw.err)")
        #expect((pw.out + pw.err).contains("--session-file"), "\(pw.out) \(pw.err)")
        let r = try runBinary(Self.args(portal, e, store: store, session: try Self.sessionFile(portal, e, dir, token)), environment: Self.env)
        #expect(r.code == 0, "\(r.err)")
        #expect(!r.out.contains(token) && !r.err.contains(token))
        #expect(h.fingerprint(store: store, e).journal == h.reference.fingerprint.journal)
    }

    @Test(arguments: Portal.allCases)
    func aSessionFileOthersCanReadIsRefused(_ portal: Portal) throws {
        let dir = try TempDir()
        let e = try Self.emulator(portal, Clock(), ttl: nil)
        defer { e.stop() }
        let store = try portal.harness.freshStore(dir)
        let token = try #require(e.session)
        let r = try runBinary(Self.args(portal, e, store: store, session: try Self.sessionFile(portal, e, dir, token, mode: 0o644)), environment: Self.env)
        #expect(r.code == 64)
        #expect(r.err.contains("chmod 600"))
        #expect(!r.err.contains(token))
    }

    @Test(arguments: Portal.allCases, StoreBackend.allCases)
    func anExpiredSessionStopsCleanlyWith77AndAFreshOneFinishes(_ portal: Portal, _ backend: StoreBackend) throws {
        let h = portal.harness
        let dir = try TempDir()
        let clock = Clock()
        let e = try Self.emulator(portal, clock, ttl: 600)
        defer { e.stop() }
        let store = try h.freshStore(dir, backend)
        let token = try #require(e.session)
        let file = try Self.sessionFile(portal, e, dir, token)
        clock.advance(601)
        let before = try JournalStore.open(at: store).lastSeq
        let expired = try runBinary(Self.args(portal, e, store: store, session: file), environment: Self.env)
        #expect(expired.code == 77, "\(expired.err)")
        let said = expired.out + expired.err
        #expect(said.contains(file), "\(said)")
        if portal == .asuRSO { #expect(said.contains("Госуслуги") && said.contains("expired"), "\(said)") }
        #expect(try JournalStore.open(at: store).lastSeq == before)
        // A person signs in again and saves the fresh session: the next run finishes the work.
        let fresh = try Self.sessionFile(portal, e, dir, e.openBrowserSession())
        let done = try runBinary(Self.args(portal, e, store: store, session: fresh), environment: Self.env)
        #expect(done.code == 0, "\(done.err)")
        #expect(!(done.out + done.err).contains(token))
        #expect(h.fingerprint(store: store, e).journal == h.reference.fingerprint.journal)
    }
}
