import Foundation
import JournalModel
import JournalStore

/// `journal-gateway night`: the whole night in order, under one run lock (docs/operations.md).
///
/// The steps are a list (``steps(_:)``): to add one, add a ``NightStep`` there. Each step's
/// failure is its exit code; the steps after it still run (a diary feed still goes out when
/// ЭПОС is down). The night's exit code is the worst by ``Urgency``.
enum Night {
    static func steps(_ config: SchoolConfig) -> [NightStep] {
        var out: [NightStep] = []
        if config.inbox != nil { out.append(NightStep(name: "import inbox", run: InboxStep.run)) }
        for p in config.platforms {
            let name = p.name
            out.append(NightStep(name: "sync \(name)") { n in
                let r = n.runCommand(["sync", name], options: n.config.portal(name)?.options.mapValues(\.value) ?? [:], step: "sync \(name)")
                return NightStepResult(exitCode: r.code, summary: r.summary)
            })
        }
        if let diary = config.diary {
            out.append(NightStep(name: "feed diary") { n in
                let r = n.runCommand(["feed", "diary"], options: diary.options.mapValues(\.value), step: "feed diary")
                return NightStepResult(exitCode: r.code, summary: r.summary)
            })
        }
        if config.extractWeekday != nil, config.extracts != nil { out.append(NightStep(name: "extract weekly", run: ExtractStep.run)) }
        out.append(NightStep(name: "archive", run: archiveStep))
        return out
    }

    /// The archive after a period closes: ``ArchiveStep``.
    static let archiveStep: @Sendable (NightContext) -> NightStepResult = ArchiveStep.run

    struct Report {
        var steps: [(name: String, result: NightStepResult, seconds: Double)] = []
        var exitCode: Int32 { Urgency.worst(steps.map(\.result.exitCode)) }

        var json: JSON {
            .object([("steps", .array(steps.map { .object([("step", .string($0.name)), ("exit_code", .int(Int($0.result.exitCode))),
                                                          ("summary", $0.result.summary)]) })),
                     ("exit_code", .int(Int(exitCode)))])
        }

        func lines(_ l: Language) -> [String] {
            var out = steps.map { s in
                let state = s.result.exitCode == 0 ? NightText.stepOK.text(l) : NightText.stepExit.text(l, ["code": "\(s.result.exitCode)"])
                let error = s.result.summary["error"]?.string.map { ": " + ($0.split(separator: "\n").first.map(String.init) ?? "") } ?? ""
                return NightText.stepLine.text(l, ["step": s.name, "state": state, "error": error])
            }
            out.append(NightText.nightTotal.text(l, ["code": "\(exitCode)"]))
            return out
        }
    }

    /// Runs every step in order; the caller holds the run lock.
    static func run(_ n: NightContext, steps: [NightStep]) -> Report {
        var report = Report()
        for step in steps {
            n.log.event("info", step: step.name, NightText.stepStarted.text(n.language))
            let start = Date()
            let result = step.run(n)
            let seconds = Date().timeIntervalSince(start)
            n.log.event(result.exitCode == 0 ? "info" : "error", step: step.name, NightText.stepFinished.text(n.language, ["code": "\(result.exitCode)"]))
            report.steps.append((step.name, result, seconds))
        }
        return report
    }
}
