import JournalModel
import SyncModel

/// Per entity, what a run expected and what became of it. Every pulled item and every
/// sent operation counts once in `expected` and once in exactly one outcome.
public struct EntityCounts: Sendable, Equatable {
    /// Items pulled (duplicates included) and operations sent.
    public var expected = 0
    /// Pulled items that changed the journal.
    public var applied = 0
    /// Items and operations that needed no change: duplicates, echoes of our own
    /// pushes, stale deliveries, agreed values, answers merged without a conflict.
    public var unchanged = 0
    /// Operations the counterpart applied.
    public var pushed = 0
    /// Items and operations that left a conflict in the queue.
    public var conflicts = 0
    /// Items and operations that failed (see the summary's failures).
    public var failed = 0
    /// Pulled items that wait for their date (R2, ``FutureLesson``): kept, applied on a
    /// later run, not a failure.
    public var deferred = 0

    public init() {}

    /// Items neither applied, unchanged, pushed, queued nor failed: should be 0.
    public var unexplained: Int { expected - applied - unchanged - pushed - conflicts - failed - deferred }

    var json: JSON {
        .object([("expected", .int(expected)), ("applied", .int(applied)), ("unchanged", .int(unchanged)), ("pushed", .int(pushed)),
                 ("conflicts", .int(conflicts)), ("failed", .int(failed)), ("deferred", .int(deferred)),
                 ("unexplained", .int(unexplained))])
    }
}

/// How a run ended: per-entity counts, failures, and the exit code for the CLI.
public struct SyncSummary: Sendable {
    public let runID: String
    public let counterpart: String
    public let cursorStart: String?
    public let cursorEnd: String?
    public let entities: [EntityKind: EntityCounts]
    /// One line per failed item or operation: what, where, what to do.
    public let failures: [String]
    /// Runs found still marked running (killed) and continued by this one.
    public let resumedAfter: [String]
    /// Operations from an earlier run sent again with their original keys.
    public let resent: Int
    /// Why the run stopped early (the counterpart could not be reached, sent bad data,
    /// refused the credentials), if it did.
    public let unavailable: String?
    /// What stopped the run early, if anything.
    public let stopReason: StopReason?
    /// Deletions the mass-deletion brake held back, one line per kind: what and what to do.
    public let held: [String]
    /// Pulled items the brake holds (counted as failed).
    public let heldItems: Int
    /// What the counterpart noticed that a person should read.
    public let warnings: [String]
    /// Conflicts open in the queue for this counterpart after the run.
    public let openConflicts: Int
    /// Codes without a table line that kept items parked, each once with its count and the
    /// line to add (docs/sync.md, «Codes without a line»).
    public var unmapped: [UnmappedReport] = []
    /// Items parked for such codes (counted as failed).
    public var unmappedItems = 0
    /// Reference codes taken under the portal's own name this run.
    public var adopted: [AdoptedCode] = []
    /// Pulled items that wait for their date (R2: a lesson is not recorded in advance), and
    /// what refers to them: kept and applied on the first run on or after it; not failures.
    public var deferredItems = 0
    /// Pulled items the journal refuses (a value outside its set, a rule R1–R3): kept with
    /// the reason, not applied, tried again on every run; counted as failed, the rest of the
    /// night flows (exit 65: data a person must look at).
    public var refused: [String] = []

    /// 0 when everything is explained and nothing failed; when the run stopped early, its
    /// ``StopReason``'s code (69 unreachable, 75 come back later, 65 bad data, 77
    /// credentials refused); 1 when an item failed, a count does not add up, or the pull
    /// stopped; 65 when the only things left are deletions the brake held back and items
    /// kept for codes without a table line (data to fix, not a portal down).
    public var exitCode: Int32 {
        if let stopReason { return stopReason.exitCode }
        if unavailable != nil { return 69 }
        let totals = total
        if totals.failed > heldItems + unmappedItems + refused.count || totals.unexplained != 0 || !failures.isEmpty { return 1 }
        return held.isEmpty && unmappedItems == 0 && refused.isEmpty ? 0 : 65
    }

    public var status: String {
        if let stopReason { return stopReason.rawValue }
        if unavailable != nil { return "unavailable" }
        switch exitCode { case 0: return "ok"; case 65: return !held.isEmpty ? "held" : unmappedItems > 0 ? "unmapped" : "refused"; default: return "failed" }
    }

    /// All entities added up.
    public var total: EntityCounts {
        entities.values.reduce(into: EntityCounts()) { t, c in
            t.expected += c.expected; t.applied += c.applied; t.unchanged += c.unchanged
            t.pushed += c.pushed; t.conflicts += c.conflicts; t.failed += c.failed; t.deferred += c.deferred
        }
    }

    public var json: JSON {
        .object([("run", .string(runID)), ("counterpart", .string(counterpart)), ("status", .string(status)),
                 ("exit_code", .int(Int(exitCode))), ("cursor_start", cursorStart.map(JSON.string) ?? .null),
                 ("cursor_end", cursorEnd.map(JSON.string) ?? .null), ("resent", .int(resent)),
                 ("resumed_after", .array(resumedAfter.map(JSON.string))), ("open_conflicts", .int(openConflicts)),
                 ("unavailable", unavailable.map(JSON.string) ?? .null),
                 ("entities", .object(entities.keys.sorted().map { ($0.rawValue, entities[$0]!.json) })),
                 ("failures", .array(failures.map(JSON.string))), ("refused", .array(refused.map(JSON.string))),
                 ("held", .array(held.map(JSON.string))), ("unmapped", .array(unmapped.map(\.json))),
                 ("adopted", .array(adopted.map(\.json))), ("deferred", .int(deferredItems)),
                 ("warnings", .array(warnings.map(JSON.string)))])
    }
}
