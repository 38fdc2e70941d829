import Foundation
import JournalModel
import Testing
@testable import PortalEmulator

struct FaultSpecTests {
    @Test func parsesTheDocumentedSpec() throws {
        let spec = try FaultSpec(parsing: "500=0.05,429=0.05,drop=0.02,truncate=0.01,dup-page=0.02,latency=20ms,expire-token=0.01")
        #expect(spec.http500 == 0.05 && spec.http429 == 0.05 && spec.drop == 0.02 && spec.truncate == 0.01)
        #expect(spec.dupPage == 0.02 && spec.expireToken == 0.01 && spec.http503 == 0 && abs(spec.latency - 0.02) < 1e-9)
        #expect(spec.description == "500=0.05,429=0.05,drop=0.02,truncate=0.01,dup-page=0.02,expire-token=0.01,latency=20ms")
        #expect(try FaultSpec(parsing: "") == .none)
        #expect(try FaultSpec(parsing: " 503 = 0.5 , latency=1s, retry-after=0").retryAfter == 0)
        #expect(try FaultSpec(parsing: "latency=1s").latency == 1)
    }

    @Test func rejectsWhatItCannotRead() {
        for bad in ["404=0.1", "500=2", "500=0.1,500=0.2", "drop", "latency=fast", "500=0.6,429=0.6", "retry-after=-1"] {
            #expect(throws: FaultSpecError.self, "\(bad)") { try FaultSpec(parsing: bad) }
        }
        let error = #expect(throws: FaultSpecError.self) { try FaultSpec(parsing: "boom=0.1") }
        #expect(error?.description.contains("unknown fault «boom»") == true)
    }

    @Test func splitMix64IsStable() {
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
        #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
    }
}

struct FaultTests {
    static let mix = "500=0.1,503=0.05,429=0.1,drop=0.05,truncate=0.05,expire-token=0.05,retry-after=0"

    /// Issues `count` successful GETs through a retrying client; returns the per-kind fault counts.
    static func run(seed: UInt64, count: Int) throws -> (counts: JSON, seen: Int, injected: Int) {
        let e = try startEmulator { $0.faults = try! FaultSpec(parsing: mix); $0.seed = seed }
        defer { e.stop() }
        let c = PortalClient(e)
        for _ in 0..<count { #expect(try c.get("/webapi/terms").array?.count == 4) }
        let faults = try control(e, "GET", "/_emulator/faults")
        return (faults["injected"]!, c.faultsSeen, e.stats()["faults_injected"]!.int!)
    }

    @Test func aFixedSeedGivesTheDocumentedMixEveryTime() throws {
        let (counts, seen, injected) = try Self.run(seed: 42, count: 400)
        // Every injected fault cost the client exactly one failed attempt.
        #expect(seen == injected)
        // About 40 % of ~670 attempts fail; each kind near its share (wide bounds, fixed seed).
        let attempts = Double(injected + 400 + 1)
        for (key, p) in [("500", 0.1), ("503", 0.05), ("429", 0.1), ("drop", 0.05), ("truncate", 0.05), ("expire-token", 0.05)] {
            let n = Double(counts[key]!.int!)
            #expect(abs(n - p * attempts) < 4 * (p * attempts).squareRoot() + 3, "\(key): \(n) of \(attempts)")
        }
        #expect(counts["dup-page"]?.int == 0)
        let again = try Self.run(seed: 42, count: 400)
        #expect(again.counts == counts)
        #expect(try Self.run(seed: 43, count: 400).counts != counts)
    }

    @Test func retryAfterAccompanies429And503() throws {
        let e = try startEmulator { $0.faults = try! FaultSpec(parsing: "429=0.5,503=0.5,retry-after=3") }
        defer { e.stop() }
        let c = RawClient(port: e.port)
        for _ in 0..<10 {
            let r = try c.send("POST", "/webapi/auth/getdata")
            #expect((r.status == 429 || r.status == 503) && r.headers["Retry-After"] == "3")
        }
        #expect(try control(e, "GET", "/_emulator/stats")["faults_injected"]?.int == 10)
    }

    /// The batches a nightly push would send: marks, attendance and deletes, each `baseVer` read from
    /// the emulator's own state, so a diverged state would change the operations themselves.
    static func push(_ c: PortalClient, batches: Int) throws {
        var rng = SplitMix64(seed: 7)
        let targets: [(lesson: Int, assignment: Int, students: [Int])] = [
            (777068, 555099, Array(9007...9014)), (777072, 555107, Array(9007...9014)), (777070, 555103, Array(9007...9010)),
        ]
        for b in 0..<batches {
            var ops: [JSON] = []
            for i in 0..<5 {
                let t = targets[Int(rng.next() % 3)]
                let s = t.students[Int(rng.next() % UInt64(t.students.count))]
                let state = c.emulator.stateDocument()["lessons"]!.array!.first { $0["id"]?.int == t.lesson }!
                let mark = state["assignments"]!.array!.first { $0["id"]?.int == t.assignment }!["marks"]!.array!.first { $0["studentId"]?.int == s }
                let attendance = state["attendance"]!.array!.first { $0["studentId"]?.int == s }
                let key = "op-\(b)-\(i)"
                switch rng.next() % 4 {
                case 0 where mark != nil:
                    ops.append(obj(["op": "deleteMark", "key": key, "classmeetingId": t.lesson, "assignmentId": t.assignment,
                                    "studentId": s, "baseVer": mark!["ver"]!]))
                case 1:
                    ops.append(obj(["op": "upsertAttendance", "key": key, "classmeetingId": t.lesson, "studentId": s, "code": "Н",
                                    "reason": ["Б", "УП", "НП"][Int(rng.next() % 3)], "baseVer": attendance?["ver"] ?? .null]))
                default:
                    ops.append(obj(["op": "upsertMark", "key": key, "classmeetingId": t.lesson, "assignmentId": t.assignment,
                                    "studentId": s, "mark": String(2 + rng.next() % 4), "baseVer": mark?["ver"] ?? .null]))
                }
            }
            let r = try c.batch(ops, key: "night-\(b)")
            #expect(r.status == 200)
        }
    }

    @Test func faultsNeverCorruptState() throws {
        let clean = try startEmulator()
        defer { clean.stop() }
        try Self.push(PortalClient(clean), batches: 40)

        let faulty = try startEmulator {
            $0.faults = try! FaultSpec(parsing: "500=0.08,503=0.04,429=0.04,drop=0.12,truncate=0.08,expire-token=0.04,retry-after=0")
            $0.seed = 2026
        }
        defer { faulty.stop() }
        try Self.push(PortalClient(faulty), batches: 40)

        #expect(faulty.stateDocument() == clean.stateDocument())
        let (a, b) = (clean.stats(), faulty.stats())
        #expect(a["operations_applied"] == b["operations_applied"] && a["objects"] == b["objects"])
        let injected = try control(faulty, "GET", "/_emulator/faults")["injected"]!
        // Batches answered after they were applied had to be replayed from their keys.
        #expect(injected["drop-after-apply"]!.int! > 0)
        #expect(b["idempotent_replays"]!.int! >= injected["drop-after-apply"]!.int!)
        #expect(a["idempotent_replays"]?.int == 0)
    }

    @Test func dupPageRepeatsOnlyAtPageEdges() throws {
        let e = try startEmulator { $0.faults = try! FaultSpec(parsing: "dup-page=1") }
        defer { e.stop() }
        let c = PortalClient(e)
        var since = 0, seen: [Int] = [], previousLast: Int?, repeats = 0
        while true {
            let page = try c.get("/webapi/changes?since=\(since)&limit=50")
            let vers = page["items"]!.array!.map { $0["ver"]!.int! }
            #expect(vers.count <= 50 && vers == vers.sorted())
            if let first = vers.first, first <= (seen.last ?? 0) {
                repeats += 1
                #expect(first == previousLast || first == since)  // the repeat is the previous page's edge
            }
            seen += vers.filter { $0 > (seen.last ?? 0) }
            previousLast = vers.last
            if vers.isEmpty || page["next"]!.int! >= page["latest"]!.int! { break }
            since = page["next"]!.int!
        }
        #expect(repeats > 0)
        #expect(seen.count == 1086 && Set(seen).count == 1086)
    }

    /// No bound on speed: a protocol answer waits at least the latency (a lower bound holds
    /// however loaded the machine); a control answer must not wait it, told apart by a
    /// latency far longer than any scheduling delay (4 s against a 3 s bound; the raw
    /// client waits 5 s for an answer).
    @Test func latencyDelaysProtocolAnswersButNotControl() throws {
        let e = try startEmulator { $0.faults = try! FaultSpec(parsing: "latency=4s") }
        defer { e.stop() }
        let c = RawClient(port: e.port)
        var start = Date()
        _ = try c.send("GET", "/_emulator/stats")
        #expect(Date().timeIntervalSince(start) < 3, "a control answer is not delayed")
        start = Date()
        _ = try c.send("POST", "/webapi/auth/getdata")
        #expect(Date().timeIntervalSince(start) >= 3.9)
    }
}
