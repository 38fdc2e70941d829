import Foundation
import JournalStore

/// `journal-gateway check`: the Nagios / Zabbix convention, one line and 0 / 1 / 2.
/// CRITICAL when the last night with every step successful is older than the allowed age
/// (or there never was one, or the store cannot be read); WARNING when the last night had a
/// failed step, items are parked, or a conflict has waited more than three days; OK otherwise.
enum HealthCheck {
    static let conflictPatience: Double = 3 * 86_400

    /// `90m`, `26h`, `2d`, `45s` → seconds.
    static func duration(_ text: String) -> Double? {
        guard let unit = text.last, let n = Double(text.dropLast()), n > 0 else { return nil }
        switch unit {
        case "s": return n
        case "m": return n * 60
        case "h": return n * 3600
        case "d": return n * 86_400
        default: return nil
        }
    }

    static func age(_ seconds: Double) -> String {
        seconds >= 86_400 * 2 ? "\(Int(seconds / 86_400))d" : seconds >= 3600 ? "\(Int(seconds / 3600))h" : "\(Int(seconds / 60))m"
    }

    static func evaluate(storePath: String, maxAge: Double, now: Date) -> (code: Int32, line: String) {
        let store: JournalStore
        let state: NightState
        let parked: Int
        var oldestConflict: Date?
        do {
            store = try JournalStore.open(at: storePath, readOnly: true)
            state = try NightState.read(store)
            parked = try store.parkedReasons().count
            if let t = try store.oldestOpenConflictCreatedAt() { oldestConflict = parseStamp(t) }
        } catch {
            return (2, "CRITICAL: cannot read the store \(storePath): \(error)")
        }
        let t = now.timeIntervalSince1970
        guard let success = state.lastSuccess else {
            return (2, "CRITICAL: no night with every step successful yet" + (state.lastRun != nil ? " (last night exit \(state.lastExitCode ?? 0): \(state.failedSteps.joined(separator: ", ")))" : ""))
        }
        if t - success > maxAge {
            return (2, "CRITICAL: the last night with every step successful finished \(age(t - success)) ago (allowed \(age(maxAge)))"
                    + (state.failedSteps.isEmpty ? "" : "; failed since: \(state.failedSteps.joined(separator: ", "))"))
        }
        var warnings: [String] = []
        if !state.failedSteps.isEmpty {
            warnings.append("last night failed: " + state.failedSteps.map { "\($0) (exit \(state.steps[$0]?.exitCode ?? 0))" }.joined(separator: ", "))
        }
        if parked > 0 { warnings.append("\(parked) item(s) parked (journal-gateway status)") }
        if let c = oldestConflict, t - c.timeIntervalSince1970 > conflictPatience {
            warnings.append("a conflict has waited \(age(t - c.timeIntervalSince1970)) (journal-gateway conflicts)")
        }
        if !warnings.isEmpty { return (1, "WARNING: " + warnings.joined(separator: "; ")) }
        return (0, "OK: last night finished \(age(t - (state.lastRun ?? success))) ago, every step successful")
    }

    /// The store's timestamps (`2026-12-03T01:30:00.000Z`).
    static func parseStamp(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s) ?? ISO8601DateFormatter().date(from: s)
    }
}
