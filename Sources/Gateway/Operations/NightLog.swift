import Foundation
import JournalModel

/// The night's log: one line per event on standard error, with a level and the run id;
/// `--log-format json` for journald or a collector. Messages come from the commands, which
/// never print a pupil's name with a СНИЛС nor a credential.
struct NightLog: Sendable {
    let console: Console
    let json: Bool
    let runID: String

    /// The level of a line a command wrote on standard error (`error: …`, `warning: …`, in either language).
    static func level(of line: some StringProtocol) -> String {
        for l in Language.allCases {
            if line.hasPrefix(ErrorText.line.text(l, ["message": ""])) { return "error" }
            if line.hasPrefix(ErrorText.warning.text(l, ["message": ""])) { return "warning" }
        }
        return "info"
    }

    func event(_ level: String, step: String?, _ message: String) {
        let stamp = ISO8601DateFormatter().string(from: Date())
        if json {
            var pairs: [(String, JSON)] = [("time", .string(stamp)), ("level", .string(level)), ("run", .string(runID))]
            if let step { pairs.append(("step", .string(step))) }
            pairs.append(("message", .string(message)))
            console.err(JSON.object(pairs).serialized())
        } else {
            console.err("\(stamp) \(level) run=\(runID)" + (step.map { " step=\"\($0)\"" } ?? "") + " \(message)")
        }
    }
}
