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
    public func lines(dryRun: Bool) -> [String] { lines(dryRun: dryRun, .english) }

    /// The summary for people, in language `l`.
    func lines(dryRun: Bool, _ l: Language) -> [String] {
        typealias T = DiaryText
        var out: [String] = []
        let types = DiaryEventType.allCases.filter { (plan.planned[$0] ?? 0) > 0 }.map { "\($0.rawValue) \(plan.planned[$0]!)" }
        out.append((dryRun ? T.wouldPlan : T.planned).text(l, ["n": "\(plan.total)", "first": firstDelivery ? T.firstDelivery.text(l) : "",
                                                                  "types": types.isEmpty ? "." : ": " + types.joined(separator: ", ") + "."]))
        var held: [String] = []
        if plan.skippedGrade1 > 0 { held.append(T.grade1.text(l, ["n": "\(plan.skippedGrade1)"])) }
        if plan.skippedWithdrawn > 0 { held.append(T.afterWithdrawal.text(l, ["n": "\(plan.skippedWithdrawn)"])) }
        if plan.skippedNoRecipients > 0 { held.append(T.noGuardian.text(l, ["n": "\(plan.skippedNoRecipients)"])) }
        if plan.skippedOtherYears > 0 { held.append(T.earlierYears.text(l, ["n": "\(plan.skippedOtherYears)"])) }
        if !held.isEmpty { out.append(T.notSent.text(l, ["items": held.joined(separator: "; ")])) }
        if !plan.unrendered.isEmpty {
            out.append(T.unrendered.text(l, ["codes": plan.unrendered.sorted { $0.key < $1.key }
                .map { T.unrenderedCode.text(l, ["code": $0.key, "n": "\($0.value)"]) }.joined(separator: "; ")]))
        }
        if plan.retried + plan.dropped > 0 {
            out.append(T.retried.text(l, ["retried": "\(plan.retried)", "dropped": "\(plan.dropped)"]))
        }
        if !dryRun {
            out.append(T.delivered.text(l, ["target": target ?? "?", "batches": "\(batches)", "accepted": "\(accepted)", "duplicates": "\(duplicates)",
                                            "rejected": "\(rejected)", "unanswered": unanswered > 0 ? T.unanswered.text(l, ["n": "\(unanswered)"]) : ""]))
            out.append(T.cursor.text(l, ["planned": "\(plannedSeq)", "delivered": "\(deliveredSeq)", "log": "\(changeLogSeq)", "pending": "\(pending)",
                                         "rejected": "\(rejectedTotal)", "hint": rejectedTotal > 0 ? T.rejectedHint.text(l) : ""]))
            out.append(T.speed.text(l, ["seconds": String(format: "%.2f", seconds), "rate": String(format: "%.0f", eventsPerSecond),
                                        "events": "\(largestBatchEvents)", "bytes": "\(largestBatchBytes)"]))
        }
        return out
    }
}
