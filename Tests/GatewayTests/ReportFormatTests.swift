import Foundation
import Testing
@testable import Formats
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

/// `journal-gateway report` through the command line: the files it writes, read back by
/// real readers (the XLSX reader, the zip's own parts, LibreOffice when installed).
@Suite(.serialized) struct ReportFormatTests {
    let school: ReportSchool
    init() throws {
        school = try ReportSchool()
        try school.store.checkpoint()
    }

    func report(_ args: [String]) -> CLIResult { cli(["report"] + args, store: school.path) }

    @Test func xlsxHasNumbersAsNumbersAndAPrintableLayout() throws {
        let out = school.dir.path("summary-5A.xlsx")
        let r = report(["summary-marks", "--class", "5А", "--period", "1 четверть", "--out", out])
        #expect(r.code == 0, "\(r.err)")
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attributes[.posixPermissions] as? Int) == 0o600, "a sheet naming pupils is 0600")
        let book = try XLSXWorkbook(data: data)
        #expect(book.sheetNames == ["5А"])
        let rows = try book.rows()
        // Heading, then the header row, then a row per pupil with marks as numbers.
        let header = try #require(rows.first { $0.cells.first == .text("№") })
        #expect(header.cells.dropFirst(2).prefix(3) == [.text("Математика"), .text("Английский язык"), .text("Физическая культура")])
        let abramov = try #require(rows.first { $0.cells.count > 1 && $0.cells[1] == .text("Абрамов Иван Петрович") })
        #expect(abramov.cells[0] == .number(1))
        #expect(abramov.cells[2] == .number(Double(school.finals.first { $0.pupil == "a01" && $0.subject == "s1" }!.value)!))
        #expect(abramov.cells[4] == .text("зачёт"))
        // The layout: a frozen header, widths, A4 landscape fitted to the width, bold styles, print titles.
        let archive = try ZipArchive(data: data)
        var n = 0
        let sheet = String(decoding: try archive.extract(try #require(archive.entry(named: "xl/worksheets/sheet1.xml")), extracted: &n), as: UTF8.self)
        #expect(sheet.contains("state=\"frozen\"") && sheet.contains("ySplit=\"\(header.line)\""))
        #expect(sheet.contains("<cols>") && sheet.contains("customWidth=\"1\""))
        #expect(sheet.contains("paperSize=\"9\"") && sheet.contains("orientation=\"landscape\"") && sheet.contains("fitToWidth=\"1\""))
        let styles = String(decoding: try archive.extract(try #require(archive.entry(named: "xl/styles.xml")), extracted: &n), as: UTF8.self)
        #expect(styles.contains("<b/>") && styles.contains("style=\"thin\""))
        let workbook = String(decoding: try archive.extract(try #require(archive.entry(named: "xl/workbook.xml")), extracted: &n), as: UTF8.self)
        #expect(workbook.contains("_xlnm.Print_Titles") && workbook.contains("_xlnm.Print_Area"))
    }

    @Test func csvIsUTF8WithABOMAndSemicolons() throws {
        let out = school.dir.path("quality.csv")
        let r = report(["quality", "--grade", "5", "--period", "1 четверть", "--out", out])
        #expect(r.code == 0, "\(r.err)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let header = try #require(lines.first { $0.hasPrefix("Класс;") })
        #expect(header.components(separatedBy: ";").count == 15)
        // A percentage with a decimal comma, as Russian Excel reads it.
        let math = try #require(lines.first { $0.hasPrefix("5А;;Математика;") })
        #expect(math.components(separatedBy: ";")[12].contains(","))
    }

    @Test func htmlIsOneSelfContainedPage() throws {
        let r = report(["journal-control", "--from", "2026-11-23", "--to", "2026-11-29", "--format", "html"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.hasPrefix("<!DOCTYPE html>") && r.out.contains("<table>") && r.out.contains("Контроль ведения электронного журнала"))
        for external in ["src=", "href=", "<script", "@import", "url("] { #expect(!r.out.contains(external), "\(external)") }
    }

    @Test func jsonContractsOfClassSizesAndMovement() throws {
        let sizes = report(["class-sizes", "--date", "2026-09-20", "--format", "json"])
        #expect(sizes.code == 0, "\(sizes.err)")
        let s = try JSON.parse(sizes.out)
        #expect(s["date"]?.string == "2026-09-20")
        let first = try #require(s["classes"]?.array?.first)
        #expect(first["class"]?.string != nil && first["grade"]?.int != nil && first["pupils"]?.int != nil)
        #expect(s["total"]?.int == s["classes"]?.array?.compactMap { $0["pupils"]?.int }.reduce(0, +))
        let mv = try JSON.parse(report(["movement", "--from", "2026-09-01", "--to", "2026-10-25"]).out)
        #expect(mv["rows"]?.array?.isEmpty == false && mv["school"]?["start"]?.int != nil && mv["movements"]?.array?.first?["file"] != nil)
    }

    @Test(arguments: [
        (["nonsense"], "unknown report"),
        (["quality", "--class", "5А", "--grade", "5"], "one of --class, --grade, --all"),
        (["quality", "--from", "2026-09-01", "--to", "2026-09-30"], "final marks belong to a period"),
        (["quality", "--period", "5 четверть"], "no period «5 четверть»"),
        (["summary-marks", "--class", "7Я"], "no class «7Я»"),
        (["summary-marks", "--format", "xlsx"], "needs --out"),
        (["movement", "--from", "2026-09-01"], "--from and --to go together"),
    ])
    func usageErrorsSayWhat(args: [String], words: String) {
        let r = report(args)
        #expect(r.code == ExitCode.usage)
        #expect(r.err.contains(words), "\(r.err)")
    }

    @Test func dryRunWritesNothing() throws {
        let out = school.dir.path("dry.xlsx")
        let r = report(["class-sizes", "--out", out, "--dry-run"])
        #expect(r.code == 0 && r.err.contains("Would write"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    static let libreOffice = ["/usr/bin/libreoffice", "/usr/bin/soffice"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// LibreOffice opens the workbooks: each converts to a PDF whose text holds the sheet's words.
    @Test(.enabled(if: libreOffice != nil, "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"),
          arguments: [["summary-marks", "--class", "5А", "--period", "1 четверть"], ["journal-control", "--from", "2026-11-23", "--to", "2026-11-29"]])
    func libreOfficeConvertsTheWorkbookToPDF(args: [String]) throws {
        let xlsx = school.dir.path("\(args[0]).xlsx")
        #expect(report(args + ["--out", xlsx]).code == 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.libreOffice!)
        p.arguments = ["--headless", "-env:UserInstallation=file://" + school.dir.path("lo-profile"), "--convert-to", "pdf", "--outdir", school.dir.path("pdf"), xlsx]
        p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        try p.run(); p.waitUntilExit()
        let pdf = school.dir.path("pdf/\(args[0]).pdf")
        #expect(p.terminationStatus == 0 && FileManager.default.fileExists(atPath: pdf))
        let t = Process()
        t.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        t.arguments = ["-layout", pdf, "-"]
        let pipe = Pipe(); t.standardOutput = pipe
        try t.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        t.waitUntilExit()
        #expect(text.contains(args[0] == "summary-marks" ? "Сводная ведомость" : "Контроль ведения"), "\(text.prefix(400))")
    }
}

/// The working-day calendars shipped in mappings/calendar.
struct WorkingCalendarTests {
    let calendar = try! WorkingCalendar.load(directory: packageRoot.appendingPathComponent("mappings/calendar").path)

    /// The production calendars' published totals: 247 working days in 2025 and in 2026.
    @Test(arguments: [(2025, 247), (2026, 247)])
    func workingDaysOfAYear(year: Int, days: Int) {
        let a = CivilDate(year: year - 1, month: 12, day: 31)!, b = CivilDate(year: year, month: 12, day: 31)!
        #expect(calendar.workingDays(after: a, upTo: b) == days)
    }

    @Test func transfersAndHolidays() {
        #expect(calendar.isWorkingDay(CivilDate(iso: "2025-11-01")!), "Saturday 1 Nov 2025 was a working day")
        #expect(!calendar.isWorkingDay(CivilDate(iso: "2025-11-03")!))
        #expect(!calendar.isWorkingDay(CivilDate(iso: "2026-01-09")!))
        #expect(calendar.isWorkingDay(CivilDate(iso: "2026-10-27")!) && calendar.isVacation(CivilDate(iso: "2026-10-27")!))
        // 5 working days after Friday 30 Oct 2026 skip the weekend and 4 Nov.
        #expect(calendar.adding(workingDays: 5, to: CivilDate(iso: "2026-10-30")!) == CivilDate(iso: "2026-11-09")!)
    }

    @Test func aBadLineNamesFileLineAndColumn() {
        var c = WorkingCalendar()
        #expect(throws: GatewayError.self) { try c.parse("# ok\n2026-01-01\tholiday\n2026-02-30\tholiday\n", file: "x.tsv") }
        do { try c.parse("2026-01-01\tfeast\n", file: "y.tsv") } catch let e as GatewayError {
            #expect(e.message.hasPrefix("y.tsv:1:12: unknown kind «feast»"))
        } catch { Issue.record("\(error)") }
    }
}
