import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// The fleet test of issue 20: three `region worker` processes (the real binary) run a night of
/// many small schools (each its own АСУ РСО and diary emulators with 5% faults); one worker is
/// killed with SIGKILL mid-run and another gets SIGTERM. Every job ends done, each school's
/// store exports exactly what a single worker's reference night gave (the same schools against
/// fault-free emulators), each portal holds the same content, applied the same number of
/// operations and replayed none with another body, and the diary accepted no event twice.
///
/// The schools are the sample school (contingent list and week) each with a local mark of its
/// own to push. `JOURNAL_GATEWAY_FLEET_SCHOOLS` sets how many (default 16: what fits in the
/// suite on a 2-core machine; docs/region.md has the numbers of a 200-school run by hand).
struct RegionFleetTests {
    static let schools = Int(ProcessInfo.processInfo.environment["JOURNAL_GATEWAY_FLEET_SCHOOLS"] ?? "") ?? 16
    static let faults = "500=0.02,429=0.01,drop=0.01,truncate=0.01"

    /// One school's portals: its АСУ РСО and diary emulators.
    struct Portals {
        let asu: RunningEmulator
        let diary: RunningDiaryEmulator
        func stop() { asu.stop(); diary.stop() }
    }

    static func code(_ i: Int) -> String { "63-" + String(1000 + i) }

    /// Creates school `i` in the region database `db`: the sample contingent and week and one local mark.
    static func prepare(_ cluster: PostgresCluster, _ db: String, _ i: Int, _ dir: TempDir) throws {
        let store = cluster.url(database: db, school: code(i))
        let extra = dir.path("extra-\(i).jsonl")
        try (#"{"type": "mark", "id": "mk-local-\#(i)", "lesson": "les-9А-2026-09-07-1", "student": "stu-09-1026", "work_type": "wt-self", "value": "\#(2 + i % 4)", "weight": 1}"# + "\n")
            .write(toFile: extra, atomically: false, encoding: .utf8)
        for args in [["init", "--school", "Школа № \(i)", "--timezone", "Europe/Samara"],
                     ["import", "contingent", samples + "/contingent/list-2026-09-01.csv"],
                     ["journal", "import", samples + "/journal/week.jsonl"], ["journal", "import", extra]] {
            let r = cli(args, store: store)
            guard r.code == 0 else { throw TestSupportError("preparing \(code(i)) \(args): \(r.err)") }
        }
    }

    static func portals(_ i: Int, faults: String?) throws -> Portals {
        let spec = try faults.map { try FaultSpec(parsing: $0) } ?? .none
        var o = EmulatorOptions(seedDir: samples + "/asu-rso", seed: UInt64(i))
        o.faults = spec
        return Portals(asu: try ASURSOEmulator.start(o), diary: try DiaryEmulator.start(DiaryEmulatorOptions(faults: spec, seed: UInt64(i))))
    }

    /// The schools' table for `portals`, with the credentials in files of their own (0600).
    static func table(_ portals: [Portals], _ dir: TempDir, _ name: String) throws -> String {
        var text = RegionTests.header
        for (n, p) in portals.enumerated() {
            let i = n + 1
            let pw = dir.path("\(name)-\(i).pw"), token = dir.path("\(name)-\(i).token")
            for (path, value) in [(pw, p.asu.password), (token, p.diary.token)] {
                #expect(FileManager.default.createFile(atPath: path, contents: Data((value + "\n").utf8), attributes: [.posixPermissions: 0o600]))
            }
            text += "\(code(i))\tasu-rso\t\(p.asu.url.absoluteString)\t\(p.asu.schoolID)\t\(p.asu.login)\t\(pw)\t\n"
            text += "\(code(i))\tdiary\t\(p.diary.url.absoluteString)\t\(p.diary.schoolID)\t\t\(token)\t\n"
        }
        let path = dir.path(name + ".tsv")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    static let environment = ["JOURNAL_GATEWAY_MAPPINGS": packageRoot.path + "/mappings", "JOURNAL_GATEWAY_SAMPLES": samples]

    static func worker(_ region: String, _ dir: TempDir, _ name: String, concurrency: Int) throws -> pid_t {
        try spawnBinary(["--store", region, "region", "worker", "--concurrency", String(concurrency), "--lease", "6s", "--backoff", "1s",
                         "--poll", "200ms", "--max-attempts", "12", "--exit-when-done"],
                        environment: environment, out: dir.path(name + ".out"), err: dir.path(name + ".err"))
    }

    /// The last lines of worker `name`'s log, for a failure's message.
    static func tail(_ dir: TempDir, _ name: String) -> String {
        let log = (try? String(contentsOfFile: dir.path(name + ".err"), encoding: .utf8)) ?? ""
        return "\(name).err: " + log.split(separator: "\n").suffix(40).joined(separator: "\n")
    }

    /// How many attempts worker `name`'s log says it ended (done, failed, stopped or to retry).
    static func ended(_ dir: TempDir, _ name: String) -> Int {
        let log = (try? String(contentsOfFile: dir.path(name + ".err"), encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { $0.contains(": done (") || $0.contains(": failed (") || $0.contains(": stopped after") || $0.contains(", tried again in") }.count
    }

    static func rows(_ queue: RegionQueue) throws -> [RegionJobRow] { try queue.status(night: "2026-12-01") }

    /// Waits (polling the queue) until `done` holds; false after `seconds`.
    static func wait(_ queue: RegionQueue, seconds: Double, _ done: ([RegionJobRow]) -> Bool) throws -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if done(try rows(queue)) { return true }
            usleep(100_000)
        }
        return false
    }

    @Test func threeWorkersOneKilledOneStoppedEveryJobDoneAsOneWorkerDidIt() async throws {
        let n = Self.schools
        let dir = try TempDir()
        let cluster = try PostgresCluster.shared()
        let fleetDB = try cluster.createDatabase(prefix: "fleet")
        let started = Date()
        for i in 1...n { try Self.prepare(cluster, fleetDB, i, dir) }
        // The reference region: the same schools, copied whole by PostgreSQL.
        let refDB = fleetDB.replacingOccurrences(of: "fleet", with: "ref")
        _ = try cluster.psql("postgres", "CREATE DATABASE \"\(refDB)\" TEMPLATE \"\(fleetDB)\"")
        let prepared = Date()
        let fleetRegion = cluster.url(database: fleetDB), refRegion = cluster.url(database: refDB)
        let fleetPortals = try (1...n).map { try Self.portals($0, faults: Self.faults) }
        let refPortals = try (1...n).map { try Self.portals($0, faults: nil) }
        defer { (fleetPortals + refPortals).forEach { $0.stop() } }
        for (region, table) in [(fleetRegion, try Self.table(fleetPortals, dir, "fleet")), (refRegion, try Self.table(refPortals, dir, "ref"))] {
            let r = cli(["region", "enqueue", "--night", "2026-12-01", "--schools", table], store: region)
            #expect(r.code == 0 && r.out.contains("\(2 * n) job(s) for \(n) school(s): \(2 * n) new"), "\(r.out) \(r.err)")
        }

        // The reference: one worker, no faults, nobody killed (two jobs at a time: each school's
        // steps still run one after another, in order).
        let ref = try Self.worker(refRegion, dir, "ref", concurrency: 2)
        let refEnd = await waitChild(ref)
        #expect(refEnd.status == 0 && !refEnd.killed, "\((try? String(contentsOfFile: dir.path("ref.err"), encoding: .utf8)) ?? "")")
        let refQueue = try RegionQueue(location: refRegion)
        #expect(try Self.rows(refQueue).allSatisfy { $0.state == "done" && $0.attempt == 1 })
        let referenced = Date()

        // The fleet: three workers, two jobs each at a time.
        let fleetQueue = try RegionQueue(location: fleetRegion)
        let pids = try ["a", "b", "c"].map { try Self.worker(fleetRegion, dir, $0, concurrency: 2) }
        let host = RegionWorker.hostName()
        func holds(_ pid: pid_t, _ rows: [RegionJobRow]) -> [RegionJobRow] { rows.filter { $0.state == "running" && $0.worker == "\(host):\(pid)" } }
        // SIGKILL for worker a while it holds a job, once a quarter of the night is done; then
        // SIGTERM for whichever of the two others holds a job first once half the night is
        // done (which of them the queue hands the next jobs to is the scheduler's business).
        // One synchronous poll does both: an `await` between them may resume only after the
        // rest of a short night is over when other suites hold the test threads (CI saw it).
        var killedJobs: [RegionJobRow] = [], stoppedJobs: [RegionJobRow] = []
        var stopped = 0
        let signalled = try Self.wait(fleetQueue, seconds: 300) { rows in
            let done = rows.filter({ $0.state == "done" }).count
            if killedJobs.isEmpty {
                guard done >= n / 2, !holds(pids[0], rows).isEmpty else { return false }
                kill(pids[0], SIGKILL)
                killedJobs = holds(pids[0], rows)
                return false
            }
            guard done >= n, let w = [1, 2].first(where: { !holds(pids[$0], rows).isEmpty }) else { return false }
            kill(pids[w], SIGTERM)
            stoppedJobs = holds(pids[w], rows)
            stopped = w
            return true
        }
        let why = (killedJobs.isEmpty ? "worker a never held a job" : "neither b nor c held a job once half the night was done")
            + ": \(Self.tail(dir, "a")) — \(Self.tail(dir, "b")) — \(Self.tail(dir, "c"))"
        #expect(signalled, "\(why)")
        if !signalled { for pid in pids { kill(pid, SIGKILL) } }
        let aEnd = await waitChild(pids[0])
        #expect(aEnd.killed && aEnd.status == SIGKILL)
        if stopped == 0 { stopped = 1 }
        let (sName, lName) = stopped == 1 ? ("b", "c") : ("c", "b")
        let sEnd = await waitChild(pids[stopped])
        let sLog = (try? String(contentsOfFile: dir.path(sName + ".err"), encoding: .utf8)) ?? ""
        #expect(!sEnd.killed && sEnd.status == 0, "SIGTERM: finish the page, release the lease, exit 0: \(sLog.suffix(2000))")
        #expect(sLog.contains("exiting:"), "\(sLog.suffix(1000))")
        // The last one finishes the night alone, taking over the others' jobs when their leases run out.
        let lEnd = await waitChild(pids[3 - stopped])
        let lLog = (try? String(contentsOfFile: dir.path(lName + ".err"), encoding: .utf8)) ?? ""
        #expect(!lEnd.killed && lEnd.status == 0, "\(lLog.suffix(2000))")
        let finished = Date()

        let rows = try Self.rows(fleetQueue)
        #expect(rows.count == 2 * n)
        let notDone = rows.filter { $0.state != "done" }
        #expect(notDone.isEmpty, "\(notDone)")
        let killedPid = "\(host):\(pids[0])"
        #expect(!killedJobs.isEmpty && !stoppedJobs.isEmpty)
        for k in killedJobs {
            let end = rows.first { $0.school == k.school && $0.step == k.step }
            #expect(end?.state == "done" && (end?.attempt ?? 0) > k.attempt && end?.worker != killedPid, "\(k.school) \(k.step) after the kill: \(String(describing: end))")
        }
        let status = cli(["region", "status", "--json"], store: fleetRegion)
        #expect(try JSON.parse(status.out)["totals"] == .object([("done", .int(2 * n)), ("running", .int(0)), ("failed", .int(0)), ("waiting", .int(0))]))

        // Each school as the single worker left it; nothing applied twice at any portal.
        var retried = 0, replays = 0, duplicates = 0, faultsInjected = 0
        for i in 1...n {
            let code = Self.code(i)
            let fleet = cli(["journal", "export"], store: cluster.url(database: fleetDB, school: code))
            let reference = cli(["journal", "export"], store: cluster.url(database: refDB, school: code))
            let sameJournal = fleet.out == reference.out
            #expect(fleet.code == 0 && fleet.out.count > 10_000 && sameJournal, "\(code): the journal differs from the reference")
            let (f, r) = (fleetPortals[i - 1], refPortals[i - 1])
            let sameContent = f.asu.stateDocument(content: true).serialized() == r.asu.stateDocument(content: true).serialized()
            #expect(sameContent, "\(code): АСУ РСО's content differs from the reference's")
            let fs = f.asu.stats()
            #expect(fs["operations_applied"]?.int == r.asu.stats()["operations_applied"]?.int && (fs["operations_applied"]?.int ?? 0) > 0,
                    "\(code): \(fs.serialized()) against \(r.asu.stats().serialized())")
            let keys = try JSON.parse(bytes: Array(try Data(contentsOf: f.asu.url.appendingPathComponent("_emulator/idempotency"))))
            #expect(keys["mismatched_replays"]?.int == 0, "\(code): a key replayed with another body: \(keys.serialized())")
            let ids = f.diary.acceptedEvents().compactMap { $0["eventId"]?.string }
            #expect(ids.count == Set(ids).count, "\(code): the diary accepted an event twice")
            #expect(ids.count == r.diary.acceptedEvents().count && !ids.isEmpty, "\(code): \(ids.count) events against the reference's \(r.diary.acceptedEvents().count)")
            replays += fs["idempotent_replays"]?.int ?? 0
            faultsInjected += (fs["faults_injected"]?.int ?? 0) + (f.diary.stats()["faults_injected"]?.int ?? 0)
            duplicates += f.diary.stats()["duplicates"]?.int ?? 0
        }
        retried = rows.filter { $0.attempt > 1 }.count
        #expect(faultsInjected > 0)
        print("region fleet: \(n) schools, \(2 * n) jobs; prepared in \(Int(prepared.timeIntervalSince(started))) s, reference (1 worker) "
              + "\(Int(referenced.timeIntervalSince(prepared))) s, fleet \(Int(finished.timeIntervalSince(referenced))) s; \(faultsInjected) faults injected, "
              + "\(retried) job(s) took more than one attempt, \(replays) idempotent replay(s) at АСУ РСО, \(duplicates) duplicate diary batch event(s); "
              + "killed a with \(killedJobs.map { "\($0.school) \($0.step)" }), stopped \(sName) with \(stoppedJobs.map { "\($0.school) \($0.step)" }); "
              + "attempts ended by a, b, c: \(["a", "b", "c"].map { Self.ended(dir, $0) })")
    }
}
