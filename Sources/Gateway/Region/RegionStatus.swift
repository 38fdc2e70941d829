import Foundation
import JournalModel
import JournalStore

/// `region status`: each school's steps of a night and the night's totals, as text or as the
/// JSON issue 20 fixes (`{"night", "jobs": [{school, step, state, worker, since, attempt,
/// error}], "totals": {done, running, failed, waiting}}`).
struct RegionStatus {
    let night: String?
    let rows: [RegionJobRow]

    static let states = ["done", "running", "failed", "waiting"]

    var totals: [(String, Int)] { Self.states.map { s in (s, rows.filter { $0.state == s }.count) } }

    var json: JSON {
        .object([
            ("night", night.map(JSON.string) ?? .null),
            ("jobs", .array(rows.map { r in
                .object([("school", .string(r.school)), ("step", .string(r.step)), ("state", .string(r.state)),
                         ("worker", r.worker.map(JSON.string) ?? .null), ("since", .string(r.since)),
                         ("attempt", .int(r.attempt)), ("error", r.error.map(JSON.string) ?? .null)])
            })),
            ("totals", .object(totals.map { ($0.0, .int($0.1)) })),
        ])
    }

    var lines: [String] {
        guard let night else { return ["The region's queue is empty: `region enqueue --night DATE --schools FILE` fills it."] }
        var out = ["Night \(night): " + totals.map { "\($0.1) \($0.0)" }.joined(separator: ", ")]
        let schoolWidth = rows.map(\.school.count).max() ?? 6
        for r in rows {
            var line = r.school.padding(toLength: schoolWidth + 2, withPad: " ", startingAt: 0)
                + r.step.padding(toLength: 14, withPad: " ", startingAt: 0) + r.state.padding(toLength: 8, withPad: " ", startingAt: 0)
            switch r.state {
            case "running":
                line += " on \(r.worker ?? "?") since \(r.since), attempt \(r.attempt)"
                if r.leaseExpired { line += " (lease expired: the next worker takes it over)" }
            case "done":
                line += " at \(r.since) by \(r.worker ?? "?"), attempt \(r.attempt)"
            case "failed":
                line += " at \(r.since) after \(r.attempt) attempt(s): \(r.error ?? "")"
            default:
                if r.attempt > 0 {
                    line += " after \(r.attempt) attempt(s)" + (r.notBefore.map { ", next at \($0)" } ?? "") + (r.error.map { ": \($0)" } ?? "")
                }
            }
            out.append(line)
        }
        return out
    }
}
