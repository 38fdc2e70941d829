import Foundation
import JournalModel

/// What one `feed diary` run did: planned events by type and what planning held back,
/// the portal's answers, the cursors, timings.
public struct DiarySummary: Sendable {
    public var target: String?
    public var firstDelivery = false
    public var plan = DiaryPlanCounts()
    public var batches = 0
    public var accepted = 0
    public var duplicates = 0
    public var rejected = 0
    /// Events a 200 answer did not mention: still pending, sent again next run.
    public var unanswered = 0
    public var largestBatchEvents = 0
    public var largestBatchBytes = 0
    public var plannedSeq = 0
    public var deliveredSeq = 0
    public var changeLogSeq = 0
    /// In the outbox after the run.
    public var pending = 0
    public var rejectedTotal = 0
    public var seconds = 0.0
    public var error: String?

    /// 0, or 75 when events stayed unanswered (run again later).
    public var exitCode: Int32 { unanswered > 0 || pending > 0 ? ExitCode.tempFailure : ExitCode.ok }

    public var eventsPerSecond: Double { seconds > 0 ? ((Double(accepted + duplicates + rejected) / seconds) * 10).rounded() / 10 : 0 }

    public var json: JSON {
        let byType = DiaryEventType.allCases.filter { (plan.planned[$0] ?? 0) > 0 }.map { ($0.rawValue, JSON.int(plan.planned[$0]!)) }
        return .object([
            ("target", target.map(JSON.string) ?? .null), ("first_delivery", .bool(firstDelivery)),
            ("planned", .object([("events", .int(plan.total)), ("by_type", .object(byType)),
                                 ("skipped", .object([("grade_1", .int(plan.skippedGrade1)), ("withdrawn", .int(plan.skippedWithdrawn)),
                                                      ("no_guardian", .int(plan.skippedNoRecipients)),
                                                      ("other_years", .int(plan.skippedOtherYears))])),
                                 ("rejected_retried", .int(plan.retried)), ("rejected_dropped", .int(plan.dropped)),
                                 ("unrendered", .object(plan.unrendered.sorted { $0.key < $1.key }.map { ($0.key, JSON.int($0.value)) }))])),
            ("delivered", .object([("batches", .int(batches)), ("accepted", .int(accepted)), ("duplicates", .int(duplicates)),
                                   ("rejected", .int(rejected)), ("unanswered", .int(unanswered)),
                                   ("largest_batch_events", .int(largestBatchEvents)), ("largest_batch_bytes", .int(largestBatchBytes))])),
            ("outbox", .object([("pending", .int(pending)), ("rejected", .int(rejectedTotal))])),
            ("cursor", .object([("planned_seq", .int(plannedSeq)), ("delivered_seq", .int(deliveredSeq)), ("change_log_seq", .int(changeLogSeq))])),
            ("seconds", .double((seconds * 1000).rounded() / 1000)), ("events_per_second", .double(eventsPerSecond)),
            ("error", error.map(JSON.string) ?? .null), ("exit_code", .int(Int(error == nil ? exitCode : ExitCode.failure))),
        ])
    }

    /// The same for people, one fact a line.
    public func lines(dryRun: Bool) -> [String] {
        var out: [String] = []
        let types = DiaryEventType.allCases.filter { (plan.planned[$0] ?? 0) > 0 }.map { "\($0.rawValue) \(plan.planned[$0]!)" }
        out.append("\(dryRun ? "Would plan" : "Planned") \(plan.total) event(s)\(firstDelivery ? " (first delivery: the year so far)" : "")"
                   + (types.isEmpty ? "." : ": " + types.joined(separator: ", ") + "."))
        var held: [String] = []
        if plan.skippedGrade1 > 0 { held.append("\(plan.skippedGrade1) grade-1 mark/homework (R1)") }
        if plan.skippedWithdrawn > 0 { held.append("\(plan.skippedWithdrawn) after a withdrawal") }
        if plan.skippedNoRecipients > 0 { held.append("\(plan.skippedNoRecipients) about students with no guardian on record") }
        if plan.skippedOtherYears > 0 { held.append("\(plan.skippedOtherYears) from earlier years") }
        if !held.isEmpty { out.append("Not sent: " + held.joined(separator: "; ") + ".") }
        if !plan.unrendered.isEmpty {
            out.append("Sent with a code that has no words for parents (shown as it is, check the journal's codes): "
                       + plan.unrendered.sorted { $0.key < $1.key }.map { "\($0.key) in \($0.value) event(s)" }.joined(separator: "; ") + ".")
        }
        if plan.retried + plan.dropped > 0 {
            out.append("Rejected events retried because their data changed: \(plan.retried); dropped: \(plan.dropped).")
        }
        if !dryRun {
            out.append("Delivered to \(target ?? "?") in \(batches) batch(es): \(accepted) accepted, \(duplicates) duplicate(s), \(rejected) rejected"
                       + (unanswered > 0 ? ", \(unanswered) unanswered (kept, sent again next run)" : "") + ".")
            out.append("Cursor: planned #\(plannedSeq), delivered #\(deliveredSeq) of change log #\(changeLogSeq); outbox: \(pending) pending, \(rejectedTotal) rejected"
                       + (rejectedTotal > 0 ? " (`journal-gateway feed diary --rejected` lists them)" : "") + ".")
            out.append(String(format: "%.2f s, %.0f events/s; largest batch %d events, %d bytes.", seconds, eventsPerSecond, largestBatchEvents, largestBatchBytes))
        }
        return out
    }
}
