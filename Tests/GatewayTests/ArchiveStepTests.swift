import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

/// The night's archive step: which periods it would archive, by the store's clock.
struct ArchiveStepTests {
    @Test func closedPeriodsOfTheLatestYear() throws {
        let dir = try TempDir()
        let path = try sampleStore(dir, week: true)
        let store = try JournalStore.open(at: path)
        // The sample year's periods, read from the sample file itself: (id, name, end).
        var periods: [(String, String, String)] = []
        for line in try String(contentsOfFile: samples + "/journal/week.jsonl", encoding: .utf8).split(separator: "\n") {
            let j = try JSON.parse(String(line))
            if j["type"]?.string == "period" { periods.append((j["id"]!.string!, j["name"]!.string!, j["end_date"]!.string!)) }
        }
        #expect(periods.count == 4)
        for (day, closedCount) in [("2026-10-24", 0), ("2026-10-25", 1), ("2026-12-29", 2), ("2027-06-01", 4)] {
            let d = try #require(CivilDate(iso: day))
            store.now = { Date(timeIntervalSince1970: Double(d.daysSinceEpoch) * 86_400 + 12 * 3600) }
            let expected = periods.filter { $0.2 < day }.map(\.1)
            #expect(expected.count == closedCount)
            #expect(try ArchiveStep.closedPeriods(store).map(\.name) == expected, "\(day)")
        }
    }
}
