import Foundation
import JournalModel
import JournalStore
import Synchronization

/// `journal-gateway region worker`: claims the region's jobs and runs them in this process,
/// `concurrency` at a time (docs/region.md).
///
/// - Each job is leased for `lease` seconds and renewed by a heartbeat every `lease / 6`; its
///   fencing token (the attempt) is checked by the school's store at every commit.
/// - A failed attempt is tried again after an exponential backoff (`backoff · 2^(attempt−1)`,
///   at most 5 minutes) while its exit code says a later try may succeed (69, 75, 1) and
///   attempts are left; otherwise (64, 65, 73, 77: a person must act) it fails at once.
/// - A 429 from a portal slows its host down for the whole fleet: no job for it is claimed by
///   any worker until the `Retry-After` has passed; at most `perHost` jobs run per host.
/// - SIGTERM (or SIGINT): no new claim; each running job stops after its current page, its
///   lease is released, and the worker exits 0. SIGKILL: the lease runs out and another
///   worker resumes the school's run from its checkpoints.
final class RegionWorker: Sendable {
    struct Options: Sendable {
        var concurrency = 1
        var lease = 60.0
        var perHost = 4
        var night: String?
        var exitWhenDone = false
        var maxAttempts = 6
        var backoff = 5.0
        var poll = 1.0
    }

    let queue: RegionQueue
    let region: String
    let options: Options
    let identity: String
    let environment: [String: String]
    let console: Console
    private let stopping = Atomic<Bool>(false)
    /// The worker's exit code: 0, or 75 when the region's database stopped answering.
    private let exitCode = Atomic<Int32>(ExitCode.ok)
    /// Claims that failed in a row (the region's database unreachable): at 5 the worker stops.
    private let claimFailures = Atomic<Int>(0)
    /// The jobs running here: their fence, and whether the heartbeat found the lease lost.
    private let held = Mutex<[Int64: (fence: CommitFence, lost: Bool)]>([:])
    private let counts = Mutex<(done: Int, failed: Int, retried: Int, released: Int)>((0, 0, 0, 0))

    init(region: String, options: Options, environment: [String: String], console: Console) throws {
        self.region = region
        self.options = options
        self.environment = environment
        self.console = console
        identity = RegionWorker.hostName() + ":" + String(getpid())
        queue = try RegionQueue(location: region)
        try queue.name("journal-gateway region worker " + identity)
    }

    static func hostName() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count) == 0 else { return "localhost" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func log(_ s: String) { console.err("region worker \(identity): " + s) }

    /// Asks the worker to stop: no new claim; running jobs stop after their current page.
    func stop() { stopping.store(true, ordering: .sequentiallyConsistent) }
    var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

    /// Runs until stopped (or, with `exitWhenDone`, until no job is left unfinished).
    func run() -> Int32 {
        log("started: concurrency \(options.concurrency), lease \(Int(options.lease)) s, at most \(options.perHost) job(s) per host" +
            (options.night.map { ", night \($0)" } ?? ""))
        let group = DispatchGroup()
        for slot in 0..<options.concurrency {
            group.enter()
            Thread.detachNewThread { [self] in
                self.slotLoop(slot)
                group.leave()
            }
        }
        let heartbeatDone = DispatchSemaphore(value: 0)
        let finished = Atomic<Bool>(false)
        Thread.detachNewThread { [self] in
            self.heartbeat(until: { finished.load(ordering: .sequentiallyConsistent) })
            heartbeatDone.signal()
        }
        group.wait()
        finished.store(true, ordering: .sequentiallyConsistent)
        heartbeatDone.wait()
        let c = counts.withLock { $0 }
        log("exiting: \(c.done) done, \(c.failed) failed, \(c.retried) to retry, \(c.released) released")
        return exitCode.load(ordering: .sequentiallyConsistent)
    }

    /// One slot: claim, run, report; again.
    private func slotLoop(_ slot: Int) {
        while !isStopping {
            let job: RegionJob?
            do {
                job = try queue.claim(worker: identity, night: options.night, lease: options.lease, perHost: options.perHost)
            } catch {
                log("cannot claim a job: \(error)")
                // The connection is not made again: a worker that lost its database exits 75
                // (its service manager starts it again), its jobs' leases run out for the others.
                if claimFailures.add(1, ordering: .sequentiallyConsistent).newValue >= 5 {
                    log("the region's database does not answer; stopping (exit 75)")
                    exitCode.store(ExitCode.tempFailure, ordering: .sequentiallyConsistent)
                    stop()
                }
                pause()
                continue
            }
            claimFailures.store(0, ordering: .sequentiallyConsistent)
            guard let job else {
                if options.exitWhenDone, (try? queue.unfinished(night: options.night)) == 0 { return }
                pause()
                continue
            }
            runJob(job)
        }
    }

    /// Waits `poll` seconds, waking early when asked to stop.
    private func pause() {
        let end = Date().addingTimeInterval(options.poll)
        while Date() < end, !isStopping { usleep(50_000) }
    }

    private func runJob(_ job: RegionJob) {
        let f = job.fence
        held.withLock { $0[job.id] = (f, false) }
        log("\(job.spec.school) \(job.spec.step) (night \(job.night)): attempt \(f.attempt) started")
        let start = Date()
        let queue = queue, host = job.spec.host, worker = self, id = job.id
        let hooks = RegionJobHooks(
            fence: f,
            stopRequested: { worker.isStopping || worker.leaseLost(id) },
            onHTTPRetry: { reason, delay in
                guard reason.hasPrefix("HTTP 429") else { return }
                let seconds = max(1, Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                try? queue.slowDown(host: host, for: seconds)
                worker.log("\(host) answered 429: no new job for it is claimed for \(Int(seconds.rounded(.up))) s")
            })
        let outcome = RegionJobRun(job: job, region: region, environment: environment, hooks: hooks).run()
        let lost = held.withLock { $0.removeValue(forKey: job.id)?.lost ?? false }
        let took = String(format: "%.1f s", Date().timeIntervalSince(start))
        let what = "\(job.spec.school) \(job.spec.step) attempt \(f.attempt)"
        do {
            switch outcome {
            case .done:
                if try queue.finish(f, failed: nil, exitCode: ExitCode.ok) {
                    counts.withLock { $0.done += 1 }
                    log("\(what): done (\(took))")
                } else {
                    log("\(what): finished, but the lease had been lost (another attempt holds the job)")
                }
            case .stopped:
                if !lost, try queue.release(f) { counts.withLock { $0.released += 1 } }
                log("\(what): stopped after its page (\(took))" + (lost ? "; the lease had been lost" : "; lease released"))
            case let .failed(code, error):
                if lost {
                    log("\(what): ended (exit \(code)) after its lease was lost; the job is another attempt's")
                } else if RegionWorker.retryable(code), f.attempt < options.maxAttempts {
                    let delay = backoff(f.attempt)
                    if try queue.retry(f, after: delay, error: error, exitCode: code) { counts.withLock { $0.retried += 1 } }
                    log("\(what): exit \(code), tried again in \(Int(delay)) s: \(error)")
                } else {
                    if try queue.finish(f, failed: error, exitCode: code) { counts.withLock { $0.failed += 1 } }
                    log("\(what): failed (exit \(code)): \(error)")
                }
            }
        } catch {
            log("\(what): cannot record the outcome (\(error)); the lease runs out and another attempt takes it")
        }
    }

    /// Whether the heartbeat found job `id`'s lease lost (or it is not held here any more).
    func leaseLost(_ id: Int64) -> Bool { held.withLock { $0[id]?.lost ?? true } }

    /// Exit codes a later attempt may cure: the portal unavailable (69), try later (75: a
    /// busy store, a lost lease, a portal asking to wait), anything unforeseen (1).
    static func retryable(_ code: Int32) -> Bool {
        [ExitCode.unavailable, ExitCode.tempFailure, ExitCode.failure].contains(code)
    }

    /// The wait before attempt `attempt + 1`: `backoff · 2^(attempt−1)`, at most 5 minutes.
    func backoff(_ attempt: Int) -> Double {
        min(300, options.backoff * Double(1 << min(max(attempt - 1, 0), 16)))
    }

    /// Renews every held lease each `lease / 6`; a lease that cannot be renewed is marked lost
    /// (its job stops at its next page, and its store would refuse to commit anyway).
    private func heartbeat(until finished: () -> Bool) {
        let every = options.lease / 6
        var next = Date().addingTimeInterval(every)
        while !finished() {
            if Date() < next { usleep(50_000); continue }
            next = Date().addingTimeInterval(every)
            for (id, entry) in held.withLock({ $0 }) where !entry.lost {
                do {
                    if try !queue.renew(entry.fence, lease: options.lease) {
                        held.withLock { $0[id]?.lost = true }
                        log("job \(id): the lease was lost (another worker took it over); stopping it")
                    }
                } catch {
                    log("job \(id): cannot renew the lease (\(error))")
                }
            }
        }
    }
}
