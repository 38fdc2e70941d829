import Foundation

/// The steps of a school's night the region runs, in their order (a later step waits for the
/// earlier ones of its school): the same commands a school's own `night` runs.
enum RegionStep: String, CaseIterable, Sendable {
    case syncASURSO = "sync asu-rso"
    case syncEPOS = "sync epos"
    case feedDiary = "feed diary"

    /// The counterpart column of the schools' table (`asu-rso`, `epos`, `diary`).
    init?(counterpart: String) {
        switch counterpart {
        case "asu-rso": self = .syncASURSO
        case "epos": self = .syncEPOS
        case "diary": self = .feedDiary
        default: return nil
        }
    }

    var order: Int { RegionStep.allCases.firstIndex(of: self)! }
    /// The command's words (`["sync", "asu-rso"]`).
    var words: [String] { rawValue.split(separator: " ").map(String.init) }

    /// A portal's host as the per-host limit counts it: `host:port` of its URL (the scheme's
    /// port when none is written); `local` for a diary written to a folder.
    static func host(of url: String?) -> String {
        guard let url, let u = URL(string: url), let h = u.host else { return "local" }
        return h.lowercased() + ":" + String(u.port ?? (u.scheme == "https" ? 443 : 80))
    }
}
