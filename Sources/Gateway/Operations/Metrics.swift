import Foundation
#if canImport(Glibc)
import Glibc
#endif
import JournalModel
import JournalStore

/// The night's figures in the Prometheus text exposition format (version 0.0.4), for
/// node_exporter's textfile collector: written to a temporary name in the same folder,
/// fsynced, renamed over the old file, so the collector never reads half a file.
/// docs/operations.md lists every metric and what to do about it.
struct Metrics {
    var families: [(name: String, help: String, samples: [(labels: [(String, String)], value: Double)])] = []

    mutating func add(_ name: String, _ help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
        families.append(("journal_gateway_" + name, help, samples))
    }

    mutating func add(_ name: String, _ help: String, _ value: Double) { add(name, help, [([], value)]) }

    var text: String {
        var out = ""
        for f in families where !f.samples.isEmpty {
            out += "# HELP \(f.name) \(f.help)\n# TYPE \(f.name) gauge\n"
            for s in f.samples {
                let labels = s.labels.isEmpty ? "" : "{" + s.labels.map { "\($0.0)=\"\(Metrics.escape($0.1))\"" }.joined(separator: ",") + "}"
                out += "\(f.name)\(labels) \(Metrics.format(s.value))\n"
            }
        }
        return out
    }

    static func escape(_ v: String) -> String {
        v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    /// The metrics after a night: its state, its report's counts, the store's queues.
    static func night(_ state: NightState, report: Night.Report?, store: JournalStore?) throws -> Metrics {
        var m = Metrics()
        if let t = state.lastRun { m.add("night_last_run_timestamp_seconds", "When the last night finished (Unix time).", t) }
        m.add("night_last_success_timestamp_seconds", "When the last night with every step successful finished (Unix time; 0: never).", state.lastSuccess ?? 0)
        if let c = state.lastExitCode { m.add("night_exit_code", "The last night's exit code (0 ok; docs/operations.md lists the others).", Double(c)) }
        if let d = state.duration { m.add("night_duration_seconds", "How long the last night took.", d) }
        let names = state.steps.keys.sorted()
        m.add("step_last_run_timestamp_seconds", "When each step last ran (Unix time).", names.map { ([("step", $0)], state.steps[$0]!.lastRun) })
        m.add("step_last_success_timestamp_seconds", "When each step last succeeded (Unix time; 0: never).",
              names.map { ([("step", $0)], state.steps[$0]!.lastSuccess ?? 0) })
        m.add("step_exit_code", "Each step's exit code in the last night.", names.map { ([("step", $0)], Double(state.steps[$0]!.exitCode)) })
        if let report {
            m.add("step_duration_seconds", "How long each step took in the last night.", report.steps.map { ([("step", $0.name)], $0.seconds) })
            var records: [(labels: [(String, String)], value: Double)] = []
            for s in report.steps {
                for (outcome, n) in counts(s.result.summary) { records.append(([("step", s.name), ("outcome", outcome)], Double(n))) }
            }
            m.add("records", "Records the last night's steps applied (to the journal), pushed (to a portal), failed, or parked.", records)
        }
        if let store {
            m.add("conflicts_open", "Conflicts waiting for a person (journal-gateway conflicts).", Double(try store.openConflictCount()))
            m.add("outbox_pending", "Changes waiting to be sent to a portal.", Double(try store.pendingOutboxCount()))
            m.add("parked_items", "Items a sync keeps without applying them (a code line missing, deletions held, …).", Double(try store.parkedReasons().count))
        }
        return m
    }

    /// applied / pushed / failed / parked in a step's summary (a sync's entities, the diary's delivery).
    static func counts(_ summary: JSON) -> [(String, Int)] {
        if case .object(let entities)? = summary["entities"] {
            var applied = 0, pushed = 0, failed = 0, parked = 0
            for (_, e) in entities {
                applied += e["applied"]?.int ?? 0
                pushed += e["pushed"]?.int ?? 0
                failed += e["failed"]?.int ?? 0
                parked += e["deferred"]?.int ?? 0
            }
            return [("applied", applied), ("pushed", pushed), ("failed", failed), ("parked", parked)]
        }
        if let d = summary["delivered"] {
            return [("pushed", d["accepted"]?.int ?? 0), ("failed", d["rejected"]?.int ?? 0)]
        }
        if let i = summary["imported"]?.int, let f = summary["failed"]?.int {
            return [("applied", i), ("failed", f)]
        }
        // A journal import or a contingent list (run alone): records created, updated or deleted.
        if let c = summary["created"]?.int, let u = summary["updated"]?.int {
            return [("applied", c + u + (summary["deleted"]?.int ?? 0))]
        }
        return []
    }

    /// Writes these metrics to `path` atomically (readable by the collector: 0644; no personal
    /// data), merged over what the file holds (``merged(over:)``: other steps' figures stay).
    func write(to path: String) throws {
        let text = merged(over: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "").text
        let tmp = path + ".tmp-\(getpid())"
        let fd = Glibc.open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError(.write, path: tmp, reason: String(cString: strerror(errno))) }
        fchmod(fd, 0o644)   // the collector's user reads it, whatever the service's umask
        let bytes = Array(text.utf8)
        let ok = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count && fsync(fd) == 0
        Glibc.close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw OutputError(.write, path: path, reason: String(cString: strerror(errno)))
        }
    }
}
