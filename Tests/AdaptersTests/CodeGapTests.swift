import Foundation
import Testing
@testable import Adapters
import JournalModel
import SyncModel

/// Codes without a table line (issue 14, item 3): reference data adopted under the portal's
/// name, values inside records kept raw with the line to add, mapped again once it is there;
/// and a wrong match is worse than none.
struct CodeGapTests {
    let asu = try! ASURSOCodes(directory: packageRoot.path + "/mappings/asu-rso")
    let epos = try! EPOSCodes(directory: packageRoot.path + "/mappings/epos")

    /// «Пр — Проект» is not «ПР — Практическая работа»: abbreviations match exactly.
    @Test func abbreviationsMatchExactly() throws {
        #expect(throws: CodeTableError.self) { try asu.workType(abbr: "Пр", name: "Проект") }
        #expect(try asu.workType(abbr: "ПР", name: "Практическая работа") == "Практическая работа")
        #expect(try asu.workType(abbr: "ПР", name: "Проектная работа") == "Практическая работа", "the abbreviation alone still maps")
        let adopted = asu.workTypeOrAdopt(abbr: "Пр", name: "Проект")
        #expect(adopted.name == "Проект" && adopted.adopted?.table == "asu-rso/work_types.tsv" && adopted.warning == nil)
    }

    /// When abbreviation and name point to different lines, the name decides, with a warning.
    @Test func theNameDecidesAndWarns() throws {
        #expect(try asu.workType(abbr: "КР", name: "Практическая работа") == "Практическая работа")
        let found = try #require(asu.workTypeLine(abbr: "КР", name: "Практическая работа"))
        #expect(found.journal == "Практическая работа")
        #expect(found.warning?.contains("Контрольная работа") == true)
        #expect(asu.workTypeLine(abbr: "КР", name: "Контрольная работа")?.warning == nil)
    }

    /// An adopted name is the journal's record of that name ignoring case, ё/е, spaces and punctuation.
    @Test func adoptionMatchesTheJournalLoosely() {
        var codes = epos
        codes.journalWorkTypes = JournalNames(["Зачет (итоговый)", "Ответ на уроке"])
        let a = codes.workTypeOrAdopt("ЗАЧЁТ  итоговый")
        #expect(a.name == "Зачет (итоговый)" && a.adopted?.matched == true)
        let b = codes.workTypeOrAdopt("Зачёт")
        #expect(b.name == "Зачёт" && b.adopted?.matched == false)
        #expect(b.adopted?.line == "control form «Зачёт» → work type «Зачёт» (map it in mappings/epos/control_forms.tsv if it is another)")
        #expect(codes.workTypeOrAdopt("Устный ответ").adopted == nil)
    }

    /// A value without a line stays raw with the line to add; `remap` maps it once the line exists.
    @Test func valuesAreKeptRawAndMappedAgain() throws {
        let (value, gap) = epos.markOrGap("5+")
        #expect(value == "5+" && gap?.table == "epos/mark_values.tsv" && gap?.line == "5+\t…")
        let reason = epos.reasonOrGap("Карантин")
        #expect(reason.reason == nil && reason.gap?.line == "Карантин\t…")
        let attendanceGap = asu.attendanceGap(code: "Н", reason: "К")
        #expect(attendanceGap.line == "Н\tК\t…\t…" && attendanceGap.table == "asu-rso/attendance.tsv")
        let mark = RemoteRecord(.mark, externalID: "mk-1", ["value": .text("5+")], unmapped: [gap!])
        #expect(epos.remap(mark) == mark, "no line yet: unchanged")

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("codes-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: packageRoot.path + "/mappings/epos", toPath: dir.path)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (file, line) in [("mark_values.tsv", "5+\t5"), ("absence_reasons.tsv", "Карантин\tУП")] {
            let h = try #require(FileHandle(forWritingAtPath: dir.path + "/" + file))
            h.seekToEndOfFile(); h.write(Data((line + "\n").utf8)); h.closeFile()
        }
        let extended = try EPOSCodes(directory: dir.path)
        let remapped = extended.remap(mark)
        #expect(remapped.fields["value"] == .text("5") && remapped.unmapped.isEmpty)
        let absence = RemoteRecord(.attendance, externalID: "at-1", ["kind": .text("absent"), "reason": .text("Карантин")], unmapped: [reason.gap!])
        let mapped = extended.remap(absence)
        #expect(mapped.fields["reason"] == .text("УП") && mapped.unmapped.isEmpty)
    }
}
