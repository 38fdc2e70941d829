import Foundation
import JournalModel
import JournalStore

extension CLI {
    static let regionCommands: [Command] = [
        Command(words: ["region", "enqueue"],
                summary: "queue a night's jobs for the region's workers: one per school and step (sync asu-rso, sync epos, feed diary)",
                usage: "region enqueue --night DATE --schools FILE|DIR   (--store postgresql://…/region)",
                options: ["--night", "--schools"]) { a, ctx in
            let night = try regionNight(try a.required("--night"))
            let specs = try RegionSchools.load(try a.required("--schools"))
            let queue = try RegionQueue(location: try regionLocation(ctx))
            let n = try queue.enqueue(night: night, specs)
            let schools = Set(specs.map(\.school)).count
            ctx.console.out("Night \(night): \(specs.count) job(s) for \(schools) school(s): \(n.created) new, \(n.updated) updated, \(n.unchanged) already queued")
            return ExitCode.ok
        },
        Command(words: ["region", "worker"],
                summary: "run the region's queued jobs on this machine: leases with a heartbeat, fencing, retries, per-host limits",
                usage: "region worker [--concurrency N] [--lease 60s] [--per-host N] [--night DATE] [--max-attempts N] [--backoff 5s] [--poll 1s] [--exit-when-done]   (--store postgresql://…/region)",
                options: ["--concurrency", "--lease", "--per-host", "--night", "--max-attempts", "--backoff", "--poll"], flags: ["--exit-when-done"]) { a, ctx in
            var o = RegionWorker.Options()
            o.concurrency = try a.int("--concurrency") ?? 1
            guard (1...64).contains(o.concurrency) else { throw GatewayError.usage("--concurrency is 1…64") }
            o.lease = try regionSeconds(a.option("--lease"), "--lease") ?? 60
            guard o.lease >= 3 else { throw GatewayError.usage("--lease is at least 3s (the heartbeat renews it every sixth)") }
            o.perHost = try a.int("--per-host") ?? 4
            guard o.perHost >= 1 else { throw GatewayError.usage("--per-host takes a whole number from 1") }
            o.maxAttempts = try a.int("--max-attempts") ?? 6
            guard o.maxAttempts >= 1 else { throw GatewayError.usage("--max-attempts takes a whole number from 1") }
            o.backoff = try regionSeconds(a.option("--backoff"), "--backoff") ?? 5
            o.poll = try regionSeconds(a.option("--poll"), "--poll") ?? 1
            o.night = try a.option("--night").map(regionNight)
            o.exitWhenDone = a.flag("--exit-when-done")
            let worker = try RegionWorker(region: try regionLocation(ctx), options: o, environment: ctx.environment, console: ctx.console)
            var code = ExitCode.ok
            waitForTermination({ worker.stop() }, wait: { code = worker.run() })
            return code
        },
        Command(words: ["region", "status"],
                summary: "a night's jobs per school and step (done, running where and since when, failed why, waiting) and totals",
                usage: "region status [--night DATE] [--json]   (--store postgresql://…/region)",
                options: ["--night"], flags: ["--json"]) { a, ctx in
            let queue = try RegionQueue(location: try regionLocation(ctx))
            let night = try a.option("--night").map(regionNight) ?? queue.latestNight()
            let status = RegionStatus(night: night, rows: try night.map { try queue.status(night: $0) } ?? [])
            if a.flag("--json") { ctx.console.out(status.json.pretty()) } else { status.lines.forEach(ctx.console.out) }
            return ExitCode.ok
        },
    ]

    /// The region's store: a PostgreSQL database without `school=`.
    static func regionLocation(_ ctx: CommandContext) throws -> String {
        guard JournalStore.isServerLocation(ctx.storePath) else {
            throw GatewayError.usage("the region's queue lives in PostgreSQL: pass --store postgresql://host/db (without school=)")
        }
        return ctx.storePath
    }

    /// A night's date, YYYY-MM-DD.
    static func regionNight(_ text: String) throws -> String {
        guard let d = CivilDate(iso: text), d.description == text else { throw GatewayError.usage("--night takes a date as YYYY-MM-DD, not «\(text)»") }
        return text
    }

    /// A duration as `60s`, `2m`, `500ms` or a bare number of seconds.
    static func regionSeconds(_ text: String?, _ name: String) throws -> Double? {
        guard let text else { return nil }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let v = Double(text.dropLast(suffix.count)), v > 0 { return v * scale }
            break
        }
        if let v = Double(text), v > 0 { return v }
        throw GatewayError.usage("\(name) takes a duration such as 60s, 2m or 500ms, not «\(text)»")
    }
}
