import Foundation
import JournalModel
import JournalStore
import SyncEngine
import Transport
import SyncModel

/// Runs the sync engine against a counterpart for the `sync` commands: policy, `--full`,
/// `--dry-run` on a copy of the store, progress, the summary and its exit code.
struct SyncRunner {
    let ctx: CommandContext
    let json: Bool
    let dryRun: Bool
    let full: Bool
    /// `--allow-deletions N`: deletions of one kind a person allowed beyond the brake.
    var allowDeletions: Int? = nil

    /// `--allow-deletions N`: a whole number from 0.
    static func allowDeletions(_ a: Arguments) throws -> Int? {
        guard let n = try a.int("--allow-deletions") else { return nil }
        guard n >= 0 else { throw GatewayError.usage(.allowDeletions) }
        return n
    }

    /// A retrying HTTP client whose retries show on a terminal.
    func client() -> HTTPClient {
        let console = ctx.console, region = ctx.regionJob
        return HTTPClient(onRetry: { attempt, reason, delay in
            console.progress("retry \(attempt): \(reason); waiting \(delay)")
            region?.onHTTPRetry(reason, delay)
        })
    }

    func run(command: String, makeCounterpart: (JournalStore) throws -> any Counterpart) throws -> Int32 {
        try ctx.withLockedStore(command) { real in
            var store = real
            var copy: String?
            if dryRun {
                // Work on a copy: the real store is not touched, and nothing is sent.
                let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("journal-gateway-dry-\(getpid()).sqlite").path
                try? FileManager.default.removeItem(atPath: tmp)
                try real.copy(to: tmp)
                store = try JournalStore.open(at: tmp)
                copy = tmp
            }
            defer { if let copy { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + s) } } }
            var counterpart = try makeCounterpart(store)
            if dryRun { counterpart = DryRunCounterpart(inner: counterpart) }
            if full {
                var c = try store.syncCursor(counterpart: counterpart.name)
                c.cursor = nil
                c.fullPull = true
                try store.transaction { try store.setSyncCursor(counterpart: counterpart.name, c) }
            }
            let policy = try Resources.policy(ctx.environment)
            var engine = SyncEngine(store: store, counterpart: counterpart, policy: policy)
            engine.command = command + (dryRun ? " --dry-run" : "")
            engine.allowDeletions = allowDeletions
            // A region job stops at the next page boundary when its worker asks (SIGTERM, lost lease).
            if let region = ctx.regionJob { engine.crash = region.engineHook }
            // The engine runs on a task while this thread waits: one user of the store at a time.
            nonisolated(unsafe) let running = engine
            let summary = try blockingAwait { try await running.run() }
            ctx.console.progressDone()
            for w in summary.warnings { ctx.console.err(ErrorText.warning.text(ctx.language, ["message": w])) }
            if json {
                var j = summary.json
                if case .object(var pairs) = j {
                    pairs.insert(("run_id", .string(summary.runID)), at: 0)
                    pairs.insert(("dry_run", .bool(dryRun)), at: 1)
                    j = .object(pairs)
                }
                ctx.console.out(j.pretty())
            } else {
                for line in summary.lines(ctx.language) { ctx.console.out(line) }
                if dryRun { ctx.console.out(CommandText.dryRunSync.text(ctx.language)) }
            }
            return summary.exitCode
        }
    }
}
