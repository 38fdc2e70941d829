import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

/// Leases, fencing tokens and the claim's limits of the region's queue, on real PostgreSQL.
struct RegionLeaseTests {
    static func spec(_ school: String, _ step: RegionStep = .syncASURSO, host: String = "asu.local:80") -> RegionJobSpec {
        RegionJobSpec(school: school, step: step.rawValue, order: step.order, host: host, url: "http://" + host + "/", schoolID: "1", login: "a")
    }

    /// A worker that lost its lease can never commit: the school's store checks the token
    /// inside each transaction, and a write outside one is made one.
    @Test func aWorkerThatLostItsLeaseCannotCommit() throws {
        let (cluster, db, region) = try RegionTests.region()
        let queue = try RegionQueue(location: region)
        _ = try queue.enqueue(night: "2026-12-01", [Self.spec("63-0301")])
        let a = try #require(try queue.claim(worker: "a:1", night: nil, lease: 0.5, perHost: 4))
        let store = try JournalStore.create(at: cluster.url(database: db, school: "63-0301"), school: "Школа", timeZone: "Europe/Samara")
        try store.fence(a.fence)
        try store.transaction { try store.setMeta("page", "1") }
        try store.setMeta("outside", "1")
        #expect(try store.meta("page") == "1" && store.meta("outside") == "1")
        // A's lease runs out; B claims the job: attempt 2, the new token.
        #expect(try queue.claim(worker: "b:2", night: nil, lease: 60, perHost: 4) == nil, "A's lease still holds")
        usleep(700_000)
        let b = try #require(try queue.claim(worker: "b:2", night: nil, lease: 60, perHost: 4))
        #expect(b.id == a.id && b.fence.attempt == 2)
        #expect(try !queue.renew(a.fence, lease: 60), "A's heartbeat finds its lease lost")
        #expect(throws: StoreError.self) { try store.transaction { try store.setMeta("page", "2") } }
        #expect(throws: StoreError.self) { try store.setMeta("outside", "2") }
        do { try store.transaction { try store.setMeta("page", "2") } } catch let e as StoreError {
            #expect(e.kind == .locked && e.message.contains("region job \(a.id) is no longer attempt 1 of a:1"), "\(e.message)")
        }
        #expect(try store.meta("page") == "1" && store.meta("outside") == "1", "nothing of A's was committed")
        #expect(try !queue.finish(a.fence, failed: nil, exitCode: 0), "A cannot finish B's job")
        // B's store commits under its token.
        let storeB = try JournalStore.open(at: cluster.url(database: db, school: "63-0301"))
        try storeB.fence(b.fence)
        try storeB.transaction { try storeB.setMeta("page", "2") }
        #expect(try queue.finish(b.fence, failed: nil, exitCode: 0))
        #expect(try RegionTests.status(region)["jobs"]?.array?.first?["state"]?.string == "done")
        // A school's role may ask the fence and nothing else of the queue.
        let asSchool = "SET ROLE \"jg_school_63-0301\"; "
        #expect(try cluster.psql(db, asSchool + "SELECT region.fence(\(b.id), 2, 'b:2')").contains("f"))
        #expect(throws: (any Error).self) { try cluster.psql(db, asSchool + "SELECT count(*) FROM region.job") }
        #expect(throws: (any Error).self) { try cluster.psql(db, asSchool + "UPDATE region.job SET attempt = 1") }
        // An SQLite store takes no fence.
        let dir = try TempDir()
        let file = try JournalStore.create(at: dir.path("s.sqlite"), school: "Школа", timeZone: "Europe/Samara")
        #expect(throws: StoreError.self) { try file.fence(b.fence) }
    }

    /// One step of a school at a time, in order; at most `perHost` jobs per host across the
    /// fleet; a host slowed down by a 429 gets no new job; a failed attempt waits its backoff.
    @Test func claimsKeepOrderHostLimitsAndSlowDowns() throws {
        let (_, _, region) = try RegionTests.region()
        let queue = try RegionQueue(location: region)
        _ = try queue.enqueue(night: "2026-12-01", [
            Self.spec("63-0401"), Self.spec("63-0401", .feedDiary, host: "diary.local:80"),
            Self.spec("63-0402"), Self.spec("63-0403"), Self.spec("63-0404", host: "other.local:80"),
        ])
        func claim(_ perHost: Int = 2) throws -> RegionJob? { try queue.claim(worker: "w:1", night: "2026-12-01", lease: 60, perHost: perHost) }
        let first = try #require(try claim()), second = try #require(try claim())
        #expect([first.spec.school, second.spec.school] == ["63-0401", "63-0402"])
        // asu.local has 2 running: 63-0403 waits; the other host's job and nothing else goes.
        let third = try #require(try claim())
        #expect(third.spec.school == "63-0404")
        #expect(try claim() == nil, "63-0403 waits for asu.local; 63-0401's diary for its sync")
        #expect(try claim(3)?.spec.school == "63-0403", "a limit of 3 lets it run")
        // A 429 from diary.local: its job is not claimed until the slow-down has passed.
        try queue.slowDown(host: "diary.local:80", for: 1)
        #expect(try queue.finish(first.fence, failed: nil, exitCode: 0))
        #expect(try claim() == nil, "diary.local is slowed down")
        usleep(1_100_000)
        let diary = try #require(try claim())
        #expect(diary.spec.step == "feed diary" && diary.spec.school == "63-0401")
        #expect(try queue.slowdowns()["diary.local:80"] == 1)
        // A failed attempt waits for its backoff, then any worker takes it as attempt 2.
        #expect(try queue.retry(second.fence, after: 0.6, error: "error: the portal is down", exitCode: 69))
        let waiting = try RegionTests.status(region)["jobs"]?.array?.first { $0["school"]?.string == "63-0402" }
        #expect(waiting?["state"]?.string == "waiting" && waiting?["error"]?.string == "error: the portal is down" && waiting?["attempt"]?.int == 1)
        #expect(try claim(9) == nil)
        usleep(700_000)
        let again = try #require(try claim(9))
        #expect(again.spec.school == "63-0402" && again.fence.attempt == 2)
        // Failed for good, and released by a stopping worker.
        #expect(try queue.finish(again.fence, failed: "error: credentials refused", exitCode: 77))
        #expect(try queue.release(third.fence))
        let s = try RegionTests.status(region)
        #expect(s["totals"] == .object([("done", .int(1)), ("running", .int(2)), ("failed", .int(1)), ("waiting", .int(1))]), "\(s.serialized())")
        #expect(try queue.unfinished(night: "2026-12-01") == 3)
        let failed = s["jobs"]?.array?.first { $0["state"]?.string == "failed" }
        #expect(failed?["error"]?.string == "error: credentials refused" && failed?["worker"]?.string == "w:1")
    }

    @Test func backoffAndRetryableCodes() throws {
        #expect(RegionWorker.retryable(ExitCode.unavailable) && RegionWorker.retryable(ExitCode.tempFailure) && RegionWorker.retryable(ExitCode.failure))
        #expect(!RegionWorker.retryable(ExitCode.credentialsRefused) && !RegionWorker.retryable(ExitCode.dataError) && !RegionWorker.retryable(ExitCode.usage))
        #expect(try CLI.regionSeconds("60s", "--lease") == 60 && CLI.regionSeconds("2m", "--lease") == 120 && CLI.regionSeconds("500ms", "--lease") == 0.5)
        #expect(throws: GatewayError.self) { try CLI.regionSeconds("soon", "--lease") }
    }
}
