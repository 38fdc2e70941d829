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

    static func evaluate(storePath: String, maxAge: Double, now: Date, language l: Language = .english) -> (code: Int32, line: String) {
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
            return (2, Message.checkUnreadableStore(path: JournalStore.printable(storePath), error: "\(error)").text(l))
        }
        let t = now.timeIntervalSince1970
        guard let success = state.lastSuccess else {
            return (2, Message.checkNeverClean(lastExit: state.lastRun != nil ? state.lastExitCode ?? 0 : nil, failed: state.failedSteps).text(l))
        }
        if t - success > maxAge {
            return (2, Message.checkTooOld(age: t - success, allowed: maxAge, failed: state.failedSteps).text(l))
        }
        var warnings: [String] = []
        if !state.failedSteps.isEmpty {
            warnings.append(Message.checkLastNightFailed(state.failedSteps.map { ($0, state.steps[$0]?.exitCode ?? 0) }).text(l))
        }
        if parked > 0 { warnings.append(Message.checkParked(parked).text(l)) }
        if let c = oldestConflict, t - c.timeIntervalSince1970 > conflictPatience {
            warnings.append(Message.checkConflictWaiting(age: t - c.timeIntervalSince1970).text(l))
        }
        if !warnings.isEmpty { return (1, "WARNING: " + warnings.joined(separator: "; ")) }
        return (0, Message.checkOK(age: t - (state.lastRun ?? success)).text(l))
    }

    /// The store's timestamps (`2026-12-03T01:30:00.000Z`).
    static func parseStamp(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s) ?? ISO8601DateFormatter().date(from: s)
    }
}
