import Foundation
import JournalModel
import JournalStore

/// The reports `journal-gateway report NAME` makes.
enum ReportName: String, CaseIterable, Sendable {
    case summaryMarks = "summary-marks"
    case summaryAttendance = "summary-attendance"
    case movement
    case classSizes = "class-sizes"
    case quality
    case journalControl = "journal-control"
}

enum ReportFormat: String, CaseIterable, Sendable { case xlsx, html, csv, json }

/// What a report is asked for, after the command line is read.
struct ReportRequest: Sendable {
    var name: ReportName
    var scope: ReportScope = .all
    var period: PeriodSelection = .current
    var from: CivilDate?
    var to: CivilDate?
    var date: CivilDate?
    var basis: QualityReport.Basis = .pupils
}

/// A computed report: its figures for scripts (JSON) and its layout for people.
struct ReportOutput {
    let json: JSON
    let document: ReportDocument

    func rendered(_ format: ReportFormat) throws -> Data {
        switch format {
        case .json: return Data((json.pretty() + "\n").utf8)
        case .csv: return ReportCSV.render(document)
        case .html: return ReportHTML.render(document)
        case .xlsx: return try ReportXLSX.render(document)
        }
    }
}

/// Computes a report from the store inside one read transaction (one consistent moment).
enum ReportRunner {
    static func run(_ r: ReportRequest, store: JournalStore, calendarDirectory: String? = nil,
                    progress: (String) -> Void = { _ in }) throws -> ReportOutput {
        try store.readSnapshot {
            let ctx = try ReportContext(store: store)
            let classes = try ctx.classes(in: r.scope)
            switch r.name {
            case .summaryMarks:
                let rep = try SummaryMarksReport.compute(ctx, store: store, classes: classes, periods: try periods(r, ctx), progress: progress)
                return ReportOutput(json: rep.json(), document: rep.document())
            case .summaryAttendance:
                let rep = try SummaryAttendanceReport.compute(ctx, store: store, classes: classes, periods: try periods(r, ctx), progress: progress)
                return ReportOutput(json: rep.json(), document: rep.document())
            case .quality:
                let rep = try QualityReport.compute(ctx, store: store, classes: classes, periods: try periods(r, ctx), basis: r.basis, progress: progress)
                return ReportOutput(json: rep.json(), document: rep.document())
            case .movement:
                let (from, to, label) = try range(r, ctx)
                let rep = MovementReport.compute(ctx, classes: classes, from: from, to: to, period: label)
                return ReportOutput(json: rep.json(), document: rep.document())
            case .classSizes:
                let rep = ClassSizesReport.compute(ctx, classes: classes, date: r.date ?? ClassSizesReport.defaultDate(ctx))
                return ReportOutput(json: rep.json(), document: rep.document())
            case .journalControl:
                let (from, to) = r.from.flatMap { f in r.to.map { (f, $0) } } ?? JournalControlReport.lastFullWeek(ctx.today)
                let calendar = try WorkingCalendar.load(directory: calendarDirectory)
                let rep = try JournalControlReport.compute(ctx, store: store, classes: classes, from: from, to: to, calendar: calendar,
                                                           settings: try JournalControlReport.Settings(store: store))
                return ReportOutput(json: rep.json(), document: rep.document())
            }
        }
    }

    /// A `--from/--to` range replaces the periods (one pseudo-period) for the mark and attendance sheets.
    static func periods(_ r: ReportRequest, _ ctx: ReportContext) throws -> [ReportRows.Period] {
        if let f = r.from, let t = r.to {
            return [ReportRows.Period(id: "", year: "", name: "\(f.russian)–\(t.russian)", start: f, end: t)]
        }
        return try ctx.periods(for: r.period)
    }

    static func range(_ r: ReportRequest, _ ctx: ReportContext) throws -> (CivilDate, CivilDate, String?) {
        if let f = r.from, let t = r.to { return (f, t, nil) }
        let ps = try ctx.periods(for: r.period)
        let label = r.period == .year ? ctx.currentYear?.name : ps.first?.name
        return (ps.map(\.start).min()!, ps.map(\.end).max()!, label)
    }
}
