import Foundation
import Synchronization
import JournalModel
import Testing
@testable import PortalEmulator

struct EPOSFaultTests {
    @Test func moreThanTenRequestsASecondAnswer429() throws {
        // The window's clock stands still unless the test moves it: a loaded machine cannot
        // spread the 15 requests over more than a second (issue 15 item 6).
        let clock = Mutex(1000.0)
        let e = try startEPOS { $0.requestsPerSecond = 10; $0.rateClock = { clock.withLock { $0 } } }
        defer { e.stop() }
        let c = try EPOSClient(e)
        var statuses: [Int] = []
        var retryAfter: String?
        for _ in 0..<15 {
            let r = try c.get("/core/api/periods")
            statuses.append(r.status)
            if r.status == 429 { retryAfter = r.headers["Retry-After"] }
        }
        #expect(statuses.prefix(10).allSatisfy { $0 == 200 } && statuses.dropFirst(10).allSatisfy { $0 == 429 })
        #expect(retryAfter == "1")
        // The limit is per token: another client is not held back.
        let other = try EPOSClient(e)
        #expect(try other.get("/core/api/periods").status == 200)
        clock.withLock { $0 += 1.05 }
        #expect(try c.get("/core/api/periods").status == 200)
        #expect(e.faults()["rate_limited"]?.int == 5 && e.stats()["faults_injected"]?.int == 0)
    }

    @Test func theNewFaultKeysParse() throws {
        let spec = try FaultSpec(parsing: "502=0.1,504=0.05,mutate-while-paging=0.2,500=0.1")
        #expect(spec.http502 == 0.1 && spec.http504 == 0.05 && spec.mutateWhilePaging == 0.2)
        #expect(spec.description == "500=0.1,502=0.1,504=0.05,mutate-while-paging=0.2")
        #expect(throws: FaultSpecError.self) { try FaultSpec(parsing: "502=0.6,504=0.6") }
    }

    static let mix = "500=0.05,502=0.05,503=0.05,504=0.05,429=0.05,drop=0.05,truncate=0.05,expire-token=0.05,retry-after=0"

    /// `count` GETs and creates through a client that retries every failure (taking a new
    /// token on 401, treating 409 as done); returns the injected faults per key.
    static func run(seed: UInt64, count: Int) throws -> (injected: JSON, marks: Int, applied: Int) {
        let e = try startEPOS { $0.faults = try! FaultSpec(parsing: mix); $0.seed = seed }
        defer { e.stop() }
        let c = try EPOSClient(e, signIn: false)
        func request(_ method: String, _ target: String, _ body: JSON? = nil) throws -> RawResponse {
            for _ in 0..<100 {
                if c.token == nil { guard (try? c.signIn())?.status == 200 else { continue } }
                guard let r = try? c.send(method, target, body) else { continue }
                if r.status == 401 { c.token = nil; continue }
                if r.status >= 500 || r.status == 429 { continue }
                return r
            }
            throw RawClientError.closed
        }
        for i in 0..<count {
            #expect(try request("GET", "/core/api/subjects").json.array?.count == 7)
            let r = try request("POST", "/core/api/marks", newMark("jg:fault:\(i)", student: "st-400\(7 + i % 3)"))
            #expect(r.status == 201 || r.status == 409)
        }
        let faults = e.faults()
        return (faults["injected"]!, e.stats()["objects"]?["mark"]?.int ?? 0, e.stats()["operations_applied"]?.int ?? 0)
    }

    @Test func aFixedSeedGivesTheSameFaultsAndNoWriteIsDoubled() throws {
        let run = try Self.run(seed: 11, count: 60)
        // Every create landed exactly once, whatever was dropped or truncated on the way.
        #expect(run.marks == 111 + 60 && run.applied == 60)
        for key in ["500", "502", "503", "504", "429", "drop", "truncate", "expire-token"] {
            #expect((run.injected[key]?.int ?? 0) > 0, "\(key)")
        }
        #expect(run.injected["drop-after-apply"]?.int ?? 0 > 0)
        let again = try Self.run(seed: 11, count: 60)
        #expect(again.injected == run.injected)
    }

    @Test func transientFaultsAnswerWithTheProtocolsErrorBodies() throws {
        let e = try startEPOS { $0.faults = try! FaultSpec(parsing: "503=0.5,429=0.5,retry-after=3") }
        defer { e.stop() }
        let c = try EPOSClient(e, signIn: false)
        for _ in 0..<6 {
            let r = try c.signIn()
            #expect((r.status == 429 || r.status == 503) && r.headers["Retry-After"] == "3" && r.json["error"]?.string != nil)
        }
        // Control endpoints are never faulted.
        #expect(try control(e, "GET", "/_emulator/stats")["faults_injected"]?.int == 6)
    }
}
