import Foundation
import Testing
@testable import Gateway
import JournalModel
import TestSupport

/// Issue 19, the summary sheets in the signed archive: per class and period
/// `…_5А_сводная-ведомость.pdf` (summary-marks, then summary-attendance), signed, listed in
/// the manifest as kind `summary`, kept 25 years. The figures the test expects are counted
/// here from the generated school's files, not through the reports' code.
@Suite(.serialized) struct ArchiveSummarySheetTests {
    /// «% качества» as a person computes it: («5»+«4»)·100/N to one decimal, N = graded + «н/а»;
    /// «—» when N is 0 (half away from zero, in tenths, with integers).
    static func quality(_ values: [String]) -> String {
        let graded = values.filter { ["1", "2", "3", "4", "5", "н/а"].contains($0) }
        guard !graded.isEmpty else { return "—" }
        let good = graded.filter { $0 == "4" || $0 == "5" }.count
        let tenths = (good * 2000 + graded.count) / (2 * graded.count)
        return "\(tenths / 10),\(tenths % 10)"
    }

    @Test func everyClassHasItsSignedSummarySheetKeptTwentyFiveYears() throws {
        let s = try ArchiveE2ETests.school(students: 120)
        let a = s.dir.path("A")
        let built = cli(["archive", "build", "--period", "1 четверть", "--out", a,
                         "--sign-key", s.key, "--sign-cert", s.cert], store: s.store)
        #expect(built.code == 0, "\(built.err)")
        let dir = a + "/2025-2026_1-четверть"
        let manifest = try JSON.parse(String(contentsOfFile: dir + "/manifest.json", encoding: .utf8))
        let files = try #require(manifest["files"]?.array)

        let pupils = try ArchiveE2ETests.lines(s.school + "/pupils.jsonl").filter { $0["type"]?.string == "student" }
        let journal = try ArchiveE2ETests.lines(s.school + "/journal.jsonl")
        let classes = Set(pupils.compactMap { $0["class"]?.string }).map { String($0.dropFirst(4)) }
        #expect(classes.count > 5)
        for c in classes {
            let name = "2025-2026_1-четверть_\(c)_сводная-ведомость.pdf"
            let entry = try #require(files.first { $0["name"]?.string == name }, "\(name) not in the manifest")
            #expect(entry["kind"]?.string == "summary" && entry["class"]?.string == c)
            #expect(entry["signature"]?.string == name + ".sig")
            let path = dir + "/" + name
            let check = try #require(try runTool("qpdf", ["--check", path]), "qpdf not installed")
            #expect(check.status == 0, "\(name): \(check.out)")
            let sig = try #require(try runTool("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", path + ".sig",
                                                           "-content", path, "-CAfile", s.cert, "-out", "/dev/null"]))
            #expect(sig.status == 0, "\(name).sig: \(sig.err)")
        }

        // 5А: a pupil's name and final marks, and «% качества» per subject, from the files.
        let period = try #require(journal.first { $0["type"]?.string == "period" && $0["name"]?.string == "1 четверть" })
        let periodID = try #require(period["id"]?.string)
        let of5A = pupils.filter { $0["class"]?.string == "cls-5А" }
        #expect(of5A.count >= 5)
        var finals: [String: [String: String]] = [:]   // student → subject → value
        for f in journal where f["type"]?.string == "final_mark" && f["period"]?.string == periodID {
            finals[f["student"]!.string!, default: [:]][f["subject"]!.string!] = f["value"]!.string!
        }
        let sheet = dir + "/2025-2026_1-четверть_5А_сводная-ведомость.pdf"
        let text = try #require(try runTool("pdftotext", ["-layout", "-enc", "UTF-8", sheet, "-"])).out
        let lines = text.split(separator: "\n").map(String.init)
        #expect(text.contains("СВОДНАЯ ВЕДОМОСТЬ УЧЁТА УСПЕВАЕМОСТИ") && text.contains("СВОДНАЯ ВЕДОМОСТЬ УЧЁТА ПОСЕЩАЕМОСТИ"))
        #expect(text.contains("Класс: 5А") && text.contains("Дата: 25.10.2025") && text.contains("стр. 1 из "))
        for p in of5A {
            let full = [p["surname"]?.string, p["name"]?.string, p["patronymic"]?.string].compactMap { $0 }.joined(separator: " ")
            let row = try #require(lines.first { $0.contains(full) }, "5А's sheet lacks \(full)")
            let marks = row.components(separatedBy: full)[1].split(separator: " ").map(String.init)
            let expected = (finals[p["id"]!.string!] ?? [:]).values.sorted()
            #expect(!expected.isEmpty)
            #expect(marks.sorted() == expected, "\(full): \(marks) on the sheet, \(expected) in the journal")
        }
        let subjects = Set(of5A.flatMap { (finals[$0["id"]!.string!] ?? [:]).keys })
        let qualities = subjects.map { sub in Self.quality(of5A.compactMap { finals[$0["id"]!.string!]?[sub] }) }
        let qualityRow = try #require(lines.first { $0.contains("% качества") })
        let printed = qualityRow.components(separatedBy: "% качества")[1].split(separator: " ").map(String.init)
        #expect(printed.sorted() == qualities.sorted(), "printed \(printed), computed \(qualities)")
        #expect(qualities.contains { $0 != "100,0" && $0 != "0,0" }, "a figure that is neither 0 nor 100 is checked")

        #expect(cli(["archive", "verify", a], store: s.store).code == 0)

        // Retention: on a day between 5 and 25 years after the year's end the journal may go,
        // the summary sheet stays; after 25 years it may go too.
        let yearEnd = try #require(journal.first { $0["type"]?.string == "year" }?["end_date"]?.string)
        let year = Int(yearEnd.prefix(4))!
        let tenYears = cli(["archive", "retention", a, "--today", "\(year + 10)-01-15"], store: s.store)
        #expect(tenYears.code == 0)
        let listed = Set(tenYears.out.split(separator: "\n").map(String.init))
        #expect(listed.contains(dir + "/2025-2026_1-четверть_5А.pdf"), "\(tenYears.out)")
        #expect(!listed.contains(sheet) && !listed.contains(sheet + ".sig"), "\(tenYears.out)")
        let later = cli(["archive", "retention", a, "--today", "\(year + 25)-12-31"], store: s.store)
        #expect(later.out.split(separator: "\n").map(String.init).contains(sheet), "\(later.out)")

        // A final mark changed in the store after archiving: the summary sheet is reported.
        let target = try #require(journal.first { f in
            f["type"]?.string == "final_mark" && f["period"]?.string == periodID && f["value"]?.string == "5"
                && of5A.contains { $0["id"]?.string == f["student"]?.string }
        })
        let edit = s.dir.path("final.jsonl")
        try target.serialized().replacingOccurrences(of: #""value":"5""#, with: #""value":"3""#)
            .write(toFile: edit, atomically: true, encoding: .utf8)
        #expect(cli(["journal", "import", edit], store: s.store).code == 0)
        let report = cli(["archive", "verify", a], store: s.store)
        #expect(report.code == 65)
        #expect(report.err.contains("2025-2026_1-четверть_5А_сводная-ведомость.pdf: the summary sheets changed in the journal after archiving"),
                "\(report.err)")
    }
}
