import Foundation
import JournalModel
import JournalStore

/// Metrics after a single command that runs one of the night's kinds of step (issue 18 item 4,
/// "after every run"): `sync asu-rso`, `sync epos`, `feed diary`, `import contingent`,
/// `journal import`, `archive build`. With `--metrics-file PATH` (or the configuration's
/// `metrics-file`), the file is rewritten atomically with this step's last run, last success,
/// exit code, duration and records (from the run's record in the store), and the store's
/// queues; what the file holds for other steps and for the last night stays.
/// A dry run, `--help` and `feed diary --rejected` (a listing) write nothing.
enum StepMetrics {
    /// The step a command is, by its words; nil when it is not one.
    static func step(_ words: [String], _ a: Arguments) -> String? {
        guard !a.flag("--dry-run") else { return nil }
        switch words {
        case ["sync", "asu-rso"], ["sync", "epos"], ["import", "contingent"], ["journal", "import"], ["archive", "build"]:
            return words.joined(separator: " ")
        case ["feed", "diary"]: return a.flag("--rejected") ? nil : "feed diary"
        default: return nil
        }
    }

    /// The metrics of one run of `step` that ended with `code` after `seconds`, `old` being
    /// the file's text (this step's last success is kept from it when the run failed).
    static func metrics(step: String, code: Int32, started: Date, seconds: Double, old: String, store: JournalStore?) throws -> Metrics {
        let now = Date().timeIntervalSince1970
        var m = Metrics()
        let label = [("step", step)]
        m.add("step_last_run_timestamp_seconds", "When each step last ran (Unix time).", [(label, now)])
        let lastSuccess = code == 0 ? now : Metrics.value(in: old, "step_last_success_timestamp_seconds", step: step) ?? 0
        m.add("step_last_success_timestamp_seconds", "When each step last succeeded (Unix time; 0: never).", [(label, lastSuccess)])
        m.add("step_exit_code", "Each step's exit code in its last run.", [(label, Double(code))])
        m.add("step_duration_seconds", "How long each step took in its last run.", [(label, seconds)])
        if let store {
            let since = JournalStore.timestamp(started.addingTimeInterval(-1))
            if let run = try store.recentRuns(limit: 5).first(where: { $0.command == step && $0.startedAt >= since }),
               let text = run.summary, let summary = try? JSON.parse(text) {
                m.add("records", "Records each step's last run applied (to the journal), pushed (to a portal), failed, or parked.",
                      Metrics.counts(summary).map { ([("step", step), ("outcome", $0.0)], Double($0.1)) })
            }
            m.add("conflicts_open", "Conflicts waiting for a person (journal-gateway conflicts).", Double(try store.openConflictCount()))
            m.add("outbox_pending", "Changes waiting to be sent to a portal.", Double(try store.pendingOutboxCount()))
            m.add("parked_items", "Items a sync keeps without applying them (a code line missing, deletions held, …).", Double(try store.parkedReasons().count))
        }
        return m
    }

    /// Runs `body` (the command) and, when it is a step and a metrics file is configured,
    /// writes the metrics with its exit code (a thrown error's as `CLI.outcome` decides it).
    /// A metrics file that cannot be written is the command's failure too (73), after the run.
    static func around(_ words: [String], _ a: Arguments, _ ctx: CommandContext, _ body: () throws -> Int32) throws -> Int32 {
        guard let path = ctx.metricsFile, let step = step(words, a) else { return try body() }
        let started = Date()
        var code: Int32
        var failure: (any Error)?
        do { code = try body() } catch {
            code = CLI.outcome(of: error, storePath: ctx.storePath).0
            failure = error
        }
        let seconds = Date().timeIntervalSince(started)
        do {
            let store = JournalStore.mayExist(at: ctx.storePath) ? try? JournalStore.open(at: ctx.storePath, readOnly: true) : nil
            let old = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            try metrics(step: step, code: code, started: started, seconds: seconds, old: old, store: store).write(to: path)
        } catch {
            if let failure { throw failure }
            throw error
        }
        if let failure { throw failure }
        return code
    }
}
