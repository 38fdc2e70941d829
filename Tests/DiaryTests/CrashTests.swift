import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// The real CLI process killed with SIGKILL at seeded checkpoints, then run again: the
/// portal ends with every event exactly once, none missing.
@Suite(.serialized) struct CrashTests {
    static let points = ["after-plan", "before-send", "after-send", "after-ack"]

    @Test(arguments: StoreBackend.allCases)
    func killedAtThirtySeededPointsAndRunAgainLosesNothingAndSendsNothingTwice(_ backend: StoreBackend) async throws {
        let seed: UInt64 = 20260907
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let expected = try await referenceIDs(dir, backend)
        let path = try sampleStore(dir, backend)
        let faults = try FaultSpec(parsing: "500=0.01,503=0.01,429=0.01,drop=0.01,truncate=0.01,retry-after=0")
        let portal = try DiaryEmulator.start(DiaryEmulatorOptions(faults: faults, seed: seed))
        defer { portal.stop() }
        let token = try tokenFile(dir, portal.token)
        let args = ["--store", path] + feedArgs(portal, token: token, batchSize: 5)
        var rng = SeededRandom(seed: seed)
        var kills: [String] = []
        var attempts = 0
        // PostgreSQL: the first 12 of the same seeded kills (each is a start of the binary, a
        // connection and a killed run; 32 would double the target's time), which still
        // reach every point and leave the feed to a clean run.
        let wanted = backend == .sqlite ? 32 : 12
        while kills.count < wanted && attempts < 80 {
            attempts += 1
            // The sample is one planning chunk: after-plan is reached by the first run only;
            // the other points once a batch.
            let point = attempts == 1 ? "after-plan" : rng.pick(Array(Self.points.dropFirst()))
            let n = point == "after-plan" ? 1 : 1 + rng.below(3)
            let end = try await runBinary(args, environment: ["JOURNAL_GATEWAY_CRASH_AT": "\(point):\(n)"])
            if end.killed {
                #expect(end.status == SIGKILL)
                kills.append("\(point):\(n)")
            } else {
                #expect(end.status == 0, "seed \(seed), run \(attempts) (\(point):\(n)): \(end.err)")
                break
            }
        }
        #expect(kills.count >= wanted - 2, "seed \(seed): only \(kills.count) kills before the feed was through: \(kills)")
        let last = try await runBinary(args)
        #expect(last.status == 0, "seed \(seed): \(last.err)")
        let ids = acceptedIDs(portal)
        #expect(ids.count == Set(ids).count, "seed \(seed): the portal accepted an id twice")
        #expect(Set(ids) == expected, "seed \(seed): missing \(expected.subtracting(ids).count), extra \(Set(ids).subtracting(expected).count)")
        let stats = portal.stats()
        #expect(stats["events_accepted"]?.int == expected.count)
        // Batches sent before a kill and sent again show up as duplicates.
        #expect((stats["duplicates"]?.int ?? 0) > 0, "\(stats.serialized())")
        let store = try JournalStore.open(at: path)
        #expect(try DiaryOutbox.count(store, status: "pending") == 0)
        #expect(try DiaryOutbox.state(store)?.deliveredSeq == store.lastSeq)
        print("diary kill test (seed \(seed)): \(kills.count) kills at \(kills.joined(separator: ", ")); portal \(stats.serialized())")
    }
}
