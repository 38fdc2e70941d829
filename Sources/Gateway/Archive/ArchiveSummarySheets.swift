import Foundation
import JournalModel
import JournalStore
import PDF

/// The summary sheets of one class and period for the archive (R11, kept 25 years): the
/// `summary-marks` sheet then the `summary-attendance` sheet, computed by the reports' own code
/// and dated the period's end (not the clock), so that the same journal gives the same bytes.
/// One file per class: `2026-2027_1-четверть_5А_сводная-ведомость.pdf`.
struct ArchiveSummarySheets {
    let className: String
    let marks: SummaryMarksReport
    let attendance: SummaryAttendanceReport

    var documents: [ReportDocument] { [marks.document(), attendance.document()] }

    static let suffix = "_сводная-ведомость.pdf"

    static func fileName(_ period: ArchivePeriod, className: String) -> String {
        ArchiveBuilder.stem(period) + "_" + ArchiveBuilder.slug(className) + suffix
    }

    /// The sheets of the named classes (those the journal knows; others are left out), from
    /// one read transaction.
    static func compute(store: JournalStore, period: ArchivePeriod, classes: [String]) throws -> [String: ArchiveSummarySheets] {
        try store.readSnapshot {
            let ctx = try ReportContext(store: store)
            let periods = reportPeriods(period, ctx)
            let date = CivilDate(iso: period.end) ?? periods.map(\.end).max() ?? ctx.today
            let units = classes.compactMap { ctx.classByName[$0] }
            let marks = try SummaryMarksReport.compute(ctx, store: store, classes: units, periods: periods)
            let attendance = try SummaryAttendanceReport.compute(ctx, store: store, classes: units, periods: periods)
            var out: [String: ArchiveSummarySheets] = [:]
            for c in units {
                out[c.name] = ArchiveSummarySheets(
                    className: c.name,
                    marks: SummaryMarksReport(school: ctx.schoolName, date: date, sheets: marks.sheets.filter { $0.className == c.name }),
                    attendance: SummaryAttendanceReport(school: ctx.schoolName, date: date,
                                                        sheets: attendance.sheets.filter { $0.className == c.name }))
            }
            return out
        }
    }

    /// The report periods an archive period stands for: itself, or for the year every period
    /// of that year (a sheet each); a period no longer in the journal as a bare date range.
    static func reportPeriods(_ p: ArchivePeriod, _ ctx: ReportContext) -> [ReportRows.Period] {
        if !p.id.isEmpty, let same = ctx.periods.first(where: { $0.id == p.id }) { return [same] }
        if p.id.isEmpty, let year = ctx.years.first(where: { $0.name == p.yearName }) {
            let all = ctx.periods.filter { $0.year == year.id }
            if !all.isEmpty { return all }
        }
        guard let start = CivilDate(iso: p.start), let end = CivilDate(iso: p.end) else { return [] }
        return [ReportRows.Period(id: p.id, year: "", name: p.name, start: start, end: end)]
    }

    func render(school: String, period p: ArchivePeriod, fonts: [TrueTypeFont]) throws -> Data {
        try ReportPDF.render(documents, metadata: ReportPDF.Metadata(
            title: "Сводные ведомости учёта успеваемости и посещаемости \(className) — \(p.name), \(p.yearName)",
            author: school, subject: "Сводные ведомости, архивная копия", date: p.end,
            runningTitle: "\(school) · \(className) · \(p.name) \(p.yearName) · сводная ведомость"), fonts: fonts)
    }

    /// What the manifest records of the sheets: pupils, final marks entered, lessons missed.
    var records: JSON {
        let pupils = Set(marks.sheets.flatMap { $0.pupils.map(\.name) }).count
        let finals = marks.sheets.reduce(0) { $0 + $1.pupils.reduce(0) { $0 + $1.marks.compactMap { $0 }.count } }
        let missed = attendance.sheets.reduce(0) { $0 + $1.total.missed }
        return .object([("pupils", .int(pupils)), ("finalMarks", .int(finals)), ("missedLessons", .int(missed))])
    }

    /// SHA-256 of every line and cell the sheets print, so that a changed figure is found.
    var digest: String {
        var s = ""
        for d in documents {
            s += d.title + "\n"
            for sheet in d.sheets {
                s += ([sheet.name] + sheet.heading).joined(separator: "\u{1F}") + "\n"
                s += sheet.columns.map(\.title).joined(separator: "\u{1F}") + "\n"
                for row in sheet.rows { s += row.map(\.plain).joined(separator: "\u{1F}") + "\n" }
                s += sheet.totalRows.sorted().map(String.init).joined(separator: ",") + "\n"
                s += sheet.footer.joined(separator: "\u{1F}") + "\n"
            }
        }
        return ArchiveHash.sha256(Data(s.utf8))
    }
}

extension ArchiveManifest {
    /// A summary-sheet file: kind `summary` (kept 25 years), its class, the records and the
    /// digest of the sheets' content.
    static func summaryEntry(name: String, pdf: Data, signed: Bool, sheets: ArchiveSummarySheets) -> JSON {
        var fields: [(String, JSON)] = [
            ("name", .string(name)), ("kind", .string("summary")), ("class", .string(sheets.className)),
            ("size", .int(pdf.count)), ("sha256", .string(ArchiveHash.sha256(pdf))),
        ]
        if let g = ArchiveHash.streebog256(pdf) { fields.append(("streebog256", .string(g))) }
        fields.append(("signature", signed ? .string(name + ".sig") : .null))
        fields.append(("records", sheets.records))
        fields.append(("digest", .string(sheets.digest)))
        return .object(fields)
    }
}
