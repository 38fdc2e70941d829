import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

/// R3 as a school setting: off, «н/а» and «осв» may be final marks, and quality counts them as
/// its definitions say («н/а» in N with weight 7, «осв» outside N).
@Suite(.serialized) struct ReportRulesTests {
    @Test func r3OffLetsUncertifiedFinalMarksInAndQualityCountsThem() throws {
        let school = try ReportSchool()
        let refused = #expect(throws: StoreFailure.self) {
            try school.put(.finalMark, "f-a01-s3", ["student": .text("a01"), "subject": .text("s3"), "period": .text("p1"), "value": .text("осв")], at: "2026-10-21")
        }
        #expect(refused?.description.contains("R3") == true)
        #expect(cli(["rules", "set", "r3", "of"], store: school.path).code == ExitCode.usage)
        #expect(cli(["rules", "set", "r3", "off"], store: school.path).code == 0)
        #expect(cli(["rules", "show"], store: school.path).out.contains("rules.r3 = off"))
        // a01: «осв» in PE (was зачёт); a02: «н/а» in math (was 4).
        try school.put(.finalMark, "f-a01-s3", ["student": .text("a01"), "subject": .text("s3"), "period": .text("p1"), "value": .text("осв")], at: "2026-10-21")
        try school.put(.finalMark, "f-a02-s1", ["student": .text("a02"), "subject": .text("s1"), "period": .text("p1"), "value": .text("н/а")], at: "2026-10-21")
        let fixed = ReportSchool.instant("2026-12-03", "12:00"); school.store.now = { fixed }
        let rows = try #require(ReportRunner.run(ReportRequest(name: .quality, scope: .classNamed("5А"), period: .named("1 четверть")),
                                                 store: school.store).json["rows"]?.array)
        // Math: the pupils at the end (a01…a08) with a02's mark now «н/а».
        let math = ["a01", "a02", "a03", "a04", "a05", "a06", "a07", "a08"].map { p in p == "a02" ? "н/а" : school.finals.first { $0.pupil == p && $0.subject == "s1" }!.value }
        let n = Double(math.count)
        let weight = ["5": 100.0, "4": 64, "3": 36, "2": 16, "н/а": 7]
        let row = try #require(rows.first { $0["subject"]?.string == "Математика" })
        #expect(row["n"]?.int == math.count)
        #expect(row["counts"]?["н/а"]?.int == 1)
        #expect(row["sou"].flatMap(ReportsTests.number) == ((math.map { weight[$0]! }.reduce(0, +) / n) * 10).rounded() / 10)
        #expect(row["success_pct"].flatMap(ReportsTests.number) == ((Double(math.filter { ["5", "4", "3"].contains($0) }.count) * 100 / n) * 10).rounded() / 10)
        // PE: a01's «осв» is outside N.
        let pe = try #require(rows.first { $0["subject"]?.string == "Физическая культура" })
        #expect(pe["n"]?.int == 7 && pe["counts"]?["осв"]?.int == 1)
        // journal-control no longer calls «н/а» forbidden.
        let control = try ReportRunner.run({ var r = ReportRequest(name: .journalControl); r.from = CivilDate(iso: "2026-10-19"); r.to = CivilDate(iso: "2026-10-25"); return r }(),
                                           store: school.store).json
        #expect(control["findings"]?.array?.contains { $0["what"]?.string?.contains("запрещены") == true } == false)
    }
}
