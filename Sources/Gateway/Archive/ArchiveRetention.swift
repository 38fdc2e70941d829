import Foundation

/// The keeping times of R11: class journals 5 years, summary sheets 25, counted from the end
/// of the school year the period belongs to.
enum ArchiveRetention {
    static func years(kind: String) -> Int { kind == "summary" ? 25 : 5 }

    /// `yearEnd` plus `years` (29 February becomes 28 February in a common year).
    static func until(_ yearEnd: String, years: Int) -> String {
        let p = yearEnd.split(separator: "-")
        guard p.count == 3, let y = Int(p[0]) else { return yearEnd }
        let year = y + years
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let day = (p[1] == "02" && p[2] == "29" && !leap) ? "28" : String(p[2])
        return "\(year)-\(p[1])-\(day)"
    }

    /// The files (and their signatures) that may be destroyed on `today`, one path each.
    static func expired(_ root: String, today: String) throws -> [String] {
        var out: [String] = []
        for dir in ArchiveVerifier.directories(root) {
            let (m, _) = try ArchiveVerifier.readManifest(dir)
            let yearEnd = m["yearEnd"]?.string ?? m["periodEnd"]?.string ?? ""
            for f in m["files"]?.array ?? [] {
                guard let name = f["name"]?.string else { continue }
                if today > until(yearEnd, years: years(kind: f["kind"]?.string ?? "journal")) {
                    out.append(dir + "/" + name)
                    if let sig = f["signature"]?.string { out.append(dir + "/" + sig) }
                }
            }
        }
        return out
    }
}
