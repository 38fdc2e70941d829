import Foundation
import JournalModel

/// Working days from `mappings/calendar/YYYY.tsv` (one file a calendar year; docs/reports.md):
/// Monday to Friday, less `holiday` and `dayoff` days, plus `workday` Saturdays and Sundays.
/// `vacation` days (school holidays) stay working days for the deadlines. A year without a
/// file falls back to Monday–Friday and is named in ``missingYears``.
struct WorkingCalendar: Sendable {
    enum Kind: String, Sendable { case holiday, dayoff, workday, vacation }

    private(set) var days: [CivilDate: Kind] = [:]
    private(set) var vacations: Set<CivilDate> = []
    private(set) var years: Set<Int> = []
    /// Years asked about that have no file.
    var missingYears: Set<Int> = []

    init() {}

    /// Reads every `YYYY.tsv` in `directory` (nil: `mappings/calendar` as ``MappingsDirectory`` finds it).
    static func load(directory: String?) throws -> WorkingCalendar {
        let dir = directory ?? (Resources.mappings(ProcessInfo.processInfo.environment) + "/calendar")
        var cal = WorkingCalendar()
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".tsv") }.sorted()
        for f in files {
            let path = dir + "/" + f
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw GatewayError.badInput(.notUTF8, at: .init(path))
            }
            try cal.parse(text, file: path)
            if let y = Int(f.dropLast(4)) { cal.years.insert(y) }
        }
        return cal
    }

    /// Parses one file's lines (`DATE[..DATE] TAB KIND [TAB note]`, `#` comments).
    mutating func parse(_ text: String, file: String) throws {
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cols.count >= 2 else {
                throw GatewayError.badInput(.calendarLine, ["line": line], at: .init(file, line: i + 1, column: 1))
            }
            guard let kind = Kind(rawValue: cols[1].trimmingCharacters(in: .whitespaces)) else {
                throw GatewayError.badInput(.calendarKind, ["kind": cols[1]], at: .init(file, line: i + 1, column: cols[0].count + 2))
            }
            let ends = cols[0].components(separatedBy: "..")
            guard ends.count <= 2, let a = CivilDate(iso: ends[0].trimmingCharacters(in: .whitespaces)),
                  let b = ends.count == 2 ? CivilDate(iso: ends[1].trimmingCharacters(in: .whitespaces)) : a, a <= b else {
                throw GatewayError.badInput(.calendarDate, ["value": cols[0]], at: .init(file, line: i + 1, column: 1))
            }
            var d = a
            while d <= b {
                if kind == .vacation { vacations.insert(d) } else { days[d] = kind }
                years.insert(d.year)
                d = d.adding(days: 1)
            }
        }
    }

    func isWorkingDay(_ d: CivilDate) -> Bool {
        switch days[d] {
        case .holiday?, .dayoff?: return false
        case .workday?: return true
        default: return d.weekday <= 5
        }
    }

    func isVacation(_ d: CivilDate) -> Bool { vacations.contains(d) }

    /// The day `n` working days after `d` (n ≥ 0; 0 is `d` itself).
    func adding(workingDays n: Int, to d: CivilDate) -> CivilDate {
        var out = d, left = n
        while left > 0 { out = out.adding(days: 1); if isWorkingDay(out) { left -= 1 } }
        return out
    }

    /// The day `n` working days before `d`.
    func subtracting(workingDays n: Int, from d: CivilDate) -> CivilDate {
        var out = d, left = n
        while left > 0 { out = out.adding(days: -1); if isWorkingDay(out) { left -= 1 } }
        return out
    }

    /// Working days in `(a, b]` (0 when b ≤ a).
    func workingDays(after a: CivilDate, upTo b: CivilDate) -> Int {
        guard b > a else { return 0 }
        var n = 0, d = a.adding(days: 1)
        while d <= b { if isWorkingDay(d) { n += 1 }; d = d.adding(days: 1) }
        return n
    }

    /// The years in `[a, b]` that have no calendar file.
    func yearsMissing(from a: CivilDate, to b: CivilDate) -> [Int] {
        (a.year...max(a.year, b.year)).filter { !years.contains($0) }
    }
}
