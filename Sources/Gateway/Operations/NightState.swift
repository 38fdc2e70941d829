import Foundation
import JournalModel
import JournalStore

/// What the nights leave in the store for `check` and the metrics: when the last night ran
/// and how it ended, when each step last ran and last succeeded, when the last night with
/// every step successful finished. Kept in the store's meta table (`night.*` keys).
struct NightState: Sendable {
    struct Step: Sendable {
        var lastRun: Double
        var lastSuccess: Double?
        var exitCode: Int32
    }
    var lastRun: Double?
    var lastExitCode: Int32?
    var failedSteps: [String] = []
    var lastSuccess: Double?
    var duration: Double?
    var steps: [String: Step] = [:]

    static func read(_ store: JournalStore) throws -> NightState {
        var s = NightState()
        if let text = try store.meta("night.last_run"), let j = try? JSON.parse(text) {
            s.lastRun = j["finished_at"]?.number
            s.lastExitCode = j["exit_code"]?.int.map(Int32.init)
            s.duration = j["duration_s"]?.number
            if case .array(let a)? = j["failed_steps"] { s.failedSteps = a.compactMap(\.string) }
            if case .object(let pairs)? = j["steps"] {
                for (name, v) in pairs {
                    s.steps[name] = Step(lastRun: v["last_run"]?.number ?? 0, lastSuccess: v["last_success"]?.number,
                                         exitCode: Int32(v["exit_code"]?.int ?? 0))
                }
            }
        }
        s.lastSuccess = try store.meta("night.last_success").flatMap(Double.init)
        return s
    }

    /// The state after `report`, which finished at `finished` and took `duration` seconds.
    func after(_ report: Night.Report, finished: Date, duration: Double) -> NightState {
        var s = self
        let t = finished.timeIntervalSince1970
        s.lastRun = t
        s.lastExitCode = report.exitCode
        s.duration = duration
        s.failedSteps = report.steps.filter { $0.result.exitCode != 0 }.map(\.name)
        if report.exitCode == 0 { s.lastSuccess = t }
        for step in report.steps {
            let ok = step.result.exitCode == 0
            s.steps[step.name] = Step(lastRun: t, lastSuccess: ok ? t : steps[step.name]?.lastSuccess, exitCode: step.result.exitCode)
        }
        return s
    }

    func save(_ store: JournalStore) throws {
        let steps = JSON.object(self.steps.keys.sorted().map { name in
            let v = self.steps[name]!
            return (name, .object([("last_run", .double(v.lastRun)), ("last_success", v.lastSuccess.map(JSON.double) ?? .null),
                                   ("exit_code", .int(Int(v.exitCode)))]))
        })
        let run = JSON.object([("finished_at", .double(lastRun ?? 0)), ("exit_code", .int(Int(lastExitCode ?? 0))),
                               ("duration_s", .double(duration ?? 0)), ("failed_steps", .array(failedSteps.map(JSON.string))),
                               ("steps", steps)])
        try store.transaction {
            try store.setMeta("night.last_run", run.serialized())
            if let lastSuccess { try store.setMeta("night.last_success", String(lastSuccess)) }
        }
    }
}

extension JSON {
    /// An integer or a double, as a double.
    var number: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }
}
