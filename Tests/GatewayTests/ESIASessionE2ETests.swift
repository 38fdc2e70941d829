import Foundation
import Synchronization
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// Regions where staff sign in only through Госуслуги: the real binary with a session saved
/// from a browser, against the АСУ РСО emulator in `esiaOnly` mode (no salt, no password).
struct ESIASessionE2ETests {
    typealias E2E = ASURSOSyncE2ETests

    /// The emulator's clock, moved by the test (sessions expire by it).
    final class Clock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
        func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
    }

    static func emulator(_ clock: Clock, ttl: Double?) throws -> RunningEmulator {
        var o = EmulatorOptions(seedDir: samples + "/asu-rso", seed: 1, clock: { clock.now.withLock { $0 } })
        o.esiaOnly = true
        o.sessionTTL = ttl
        return try ASURSOEmulator.start(o)
    }

    static func sessionFile(_ dir: TempDir, _ token: String, mode: Int = 0o600) throws -> String {
        let path = dir.path("asurso.session")
        try "# saved from the browser after signing in through Госуслуги\nat=\(token)\nNSSESSIONID=s-\(token.prefix(6))\n"
            .write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, mode_t(mode))
        return path
    }

    static func args(_ e: RunningEmulator, store: String, session: String) -> [String] {
        ["--store", store, "sync", "asu-rso", "--url", e.url.absoluteString, "--school-id", e.schoolID, "--session-file", session, "--json"]
    }

    /// No password anywhere in the environment.
    static let env = ["JOURNAL_GATEWAY_MAPPINGS": packageRoot.path + "/mappings", "JOURNAL_GATEWAY_SAMPLES": samples]

    @Test func aSavedSessionSyncsWithoutAPassword() throws {
        let dir = try TempDir()
        let clock = Clock()
        let e = try Self.emulator(clock, ttl: nil)
        defer { e.stop() }
        let token = try #require(e.session)
        #expect(e.readyLine.hasSuffix(" session=\(token)"))
        let store = try E2E.freshStore(dir)
        let r = try runBinary(Self.args(e, store: store, session: try Self.sessionFile(dir, token)), environment: Self.env)
        #expect(r.code == 0, "\(r.err)")
        #expect(!r.out.contains(token) && !r.err.contains(token))
        // A password login is refused by such a server.
        let pw = try runBinary(E2E.syncArgs(e, store: store), environment: E2E.env(e))
        #expect(pw.code == 77, "\(pw.err)")
    }

    @Test func aSessionFileOthersCanReadIsRefused() throws {
        let dir = try TempDir()
        let e = try Self.emulator(Clock(), ttl: nil)
        defer { e.stop() }
        let store = try E2E.freshStore(dir)
        let r = try runBinary(Self.args(e, store: store, session: try Self.sessionFile(dir, try #require(e.session), mode: 0o644)), environment: Self.env)
        #expect(r.code == 64)
        #expect(r.err.contains("chmod 600"))
        #expect(!r.err.contains(try #require(e.session)))
    }

    @Test func anExpiredSessionStopsCleanlyWith77AndAFreshOneFinishes() throws {
        let dir = try TempDir()
        let clock = Clock()
        let e = try Self.emulator(clock, ttl: 600)
        defer { e.stop() }
        let store = try E2E.freshStore(dir)
        let file = try Self.sessionFile(dir, try #require(e.session))
        clock.advance(601)
        let before = try JournalStore.open(at: store).lastSeq
        let expired = try runBinary(Self.args(e, store: store, session: file), environment: Self.env)
        #expect(expired.code == 77, "\(expired.err)")
        let said = expired.out + expired.err
        #expect(said.contains(file) && said.contains("Госуслуги") && said.contains("expired"), "\(said)")
        #expect(try JournalStore.open(at: store).lastSeq == before)
        // A person signs in again and saves the fresh session: the next run finishes the work.
        let fresh = try Self.sessionFile(dir, e.openBrowserSession())
        let done = try runBinary(Self.args(e, store: store, session: fresh), environment: Self.env)
        #expect(done.code == 0, "\(done.err)")
        #expect(E2E.fingerprint(store: store, e).journal == E2E.reference.journal)
    }

    // MARK: ЭПОС.Школа

    static func eposEmulator(_ clock: Clock, ttl: Double?) throws -> RunningEPOSEmulator {
        var o = EPOSEmulatorOptions(seedDir: samples + "/epos", seed: 1, requestsPerSecond: nil, clock: { clock.now.withLock { $0 } })
        o.esiaOnly = true
        o.sessionTTL = ttl
        return try EPOSEmulator.start(o)
    }

    static func eposSessionFile(_ dir: TempDir, _ token: String, profile: String) throws -> String {
        let path = dir.path("epos.session")
        try "# cookies of the browser session\nauth_token=\(token)\nprofile_id=\(profile)\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)
        return path
    }

    static func eposArgs(_ e: RunningEPOSEmulator, store: String, session: String) -> [String] {
        ["--store", store, "sync", "epos", "--url", e.url.absoluteString, "--school-id", e.schoolID, "--session-file", session,
         "--requests-per-second", "1000", "--json"]
    }

    @Test func eposASavedSessionSyncsAndAnExpiredOneStopsWith77() throws {
        let dir = try TempDir()
        let clock = Clock()
        let e = try Self.eposEmulator(clock, ttl: 600)
        defer { e.stop() }
        let token = try #require(e.session)
        #expect(e.readyLine.hasSuffix(" session=\(token)"))
        // A password is refused by such a portal: 77, and the message says what to do.
        let pwDir = try TempDir()
        let pwStore = try EPOSSyncE2ETests.freshStore(pwDir)
        let pw = try runBinary(EPOSSyncE2ETests.syncArgs(e, store: pwStore), environment: EPOSSyncE2ETests.env(e))
        #expect(pw.code == 77, "\(pw.err)")
        #expect((pw.out + pw.err).contains("--session-file"))

        let store = try EPOSSyncE2ETests.freshStore(dir)
        let file = try Self.eposSessionFile(dir, token, profile: e.profileID)
        clock.advance(601)
        let before = try JournalStore.open(at: store).lastSeq
        let expired = try runBinary(Self.eposArgs(e, store: store, session: file), environment: Self.env)
        #expect(expired.code == 77, "\(expired.err)")
        #expect((expired.out + expired.err).contains(file))
        #expect(try JournalStore.open(at: store).lastSeq == before)
        let fresh = try Self.eposSessionFile(dir, e.openBrowserSession(), profile: e.profileID)
        let done = try runBinary(Self.eposArgs(e, store: store, session: fresh), environment: Self.env)
        #expect(done.code == 0, "\(done.err)")
        #expect(!(done.out + done.err).contains(token))
        #expect(EPOSSyncE2ETests.fingerprint(store: store, e).journal == EPOSSyncE2ETests.reference.journal)
    }
}
