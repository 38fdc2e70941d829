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
            return (2, CheckText.unreadableStore.text(l, ["path": JournalStore.printable(storePath), "error": "\(error)"]))
        }
        let t = now.timeIntervalSince1970
        guard let success = state.lastSuccess else {
            let last = state.lastRun == nil ? ""
                : CheckText.neverCleanLast.text(l, ["code": "\(state.lastExitCode ?? 0)", "failed": state.failedSteps.joined(separator: ", ")])
            return (2, CheckText.neverClean.text(l) + last)
        }
        if t - success > maxAge {
            let since = state.failedSteps.isEmpty ? "" : CheckText.failedSince.text(l, ["steps": state.failedSteps.joined(separator: ", ")])
            return (2, CheckText.tooOld.text(l, ["age": Catalogue.age(t - success, l), "allowed": Catalogue.age(maxAge, l)]) + since)
        }
        var warnings: [String] = []
        if !state.failedSteps.isEmpty {
            let steps = state.failedSteps.map { CheckText.failedStep.text(l, ["step": $0, "code": "\(state.steps[$0]?.exitCode ?? 0)"]) }
            warnings.append(CheckText.lastNightFailed.text(l, ["steps": steps.joined(separator: ", ")]))
        }
        if parked > 0 { warnings.append(CheckText.parked.text(l, ["n": "\(parked)"])) }
        if let c = oldestConflict, t - c.timeIntervalSince1970 > conflictPatience {
            warnings.append(CheckText.conflictWaiting.text(l, ["age": Catalogue.age(t - c.timeIntervalSince1970, l)]))
        }
        if !warnings.isEmpty { return (1, CheckText.warning.text(l, ["warnings": warnings.joined(separator: "; ")])) }
        return (0, CheckText.ok.text(l, ["age": Catalogue.age(t - (state.lastRun ?? success), l)]))
    }

    /// The store's timestamps (`2026-12-03T01:30:00.000Z`).
    static func parseStamp(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s) ?? ISO8601DateFormatter().date(from: s)
    }
}
