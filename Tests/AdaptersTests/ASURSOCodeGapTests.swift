import Foundation
import Testing
import JournalModel
import SyncModel
@testable import Adapters

/// The АСУ РСО adapter against a portal with codes the tables lack (issue 14, item 3): a wrong
/// match is worse than none, reference codes are adopted, values are kept raw and listed.
struct ASURSOCodeGapTests {
    @Test func typesValuesAndReasonsWithoutALine() async throws {
        let p = try ASURSOHostilePortalTests.portal()
        defer { p.stop() }
        // «КР — Практическая работа»: the abbreviation is on the line of «Контрольная работа», the name on
        // «Практическая работа»; «Пр — Проект» has no line (only «ПР», another case).
        p.set("GET /webapi/grade/assignment/types", json: #"[{"id": 1, "abbr": "ДЗ", "name": "Домашнее задание", "order": 1}, {"id": 3, "abbr": "КР", "name": "Практическая работа", "order": 3}, {"id": 4, "abbr": "Пр", "name": "Проект", "order": 4}]"#)
        let day = ASURSOHostilePortalTests.lessonDay.replacingOccurrences(of: #""mark": 5,"#, with: #""mark": "5+","#)
            .replacingOccurrences(of: #""reason": null"#, with: #""reason": "К""#)
        p.set("GET /webapi/journal") { req in
            let week = req.query["weekStart"] ?? ""
            return .json(ASURSOHostilePortalTests.page(week: week, days: week == "2026-09-07" ? day : ""))
        }
        let c = try ASURSOHostilePortalTests.counterpart(p)
        let (records, _) = try await pullAll(c)
        let types = Dictionary(uniqueKeysWithValues: records.filter { $0.kind == .workType }.map { ($0.externalID, $0.fields["name"].text ?? "") })
        #expect(types["3"] == "Практическая работа", "the name decides")
        #expect(types["4"] == "Проект", "adopted, not filed as «Практическая работа»")
        let warnings = await c.warnings
        #expect(warnings.count == 1 && warnings[0].contains("«КР — Практическая работа»"), "\(warnings)")
        let adopted = await c.adopted
        #expect(adopted.map(\.code) == ["Пр — Проект"] && adopted.first?.table == "asu-rso/work_types.tsv")

        let mark = try #require(records.first { $0.kind == .mark })
        #expect(mark.fields["value"] == .text("5+") && mark.unmapped.map(\.line) == ["5+\t…"])
        let absence = try #require(records.first { $0.kind == .attendance })
        #expect(absence.unmapped.map(\.line) == ["Н\tК\t…\t…"] && absence.fields["kind"] == .text("Н") && absence.fields["reason"] == .text("К"))
        #expect(records.filter { !$0.unmapped.isEmpty }.count == 2, "everything else maps")
        // Mapped again with the same tables: still waiting.
        #expect(c.remap(mark) == mark)
    }
}
