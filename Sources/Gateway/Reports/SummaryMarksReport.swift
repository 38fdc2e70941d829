import JournalModel
import JournalStore

/// Сводная ведомость учёта успеваемости: per class and period, a row per pupil with the final
/// mark in each subject as entered, then per subject the counts and the R13 figures.
struct SummaryMarksReport: Sendable {
    struct Pupil: Sendable, Equatable {
        let number: Int
        let name: String
        let fileNumber: String?
        /// Per subject of the sheet, the final mark as entered (nil: none).
        let marks: [String?]
        /// «выбыл(а) 12.10.2026», «прибыл(а) …» for a pupil who moved during the period.
        let note: String?
        /// In the class at the period's end: counted in the figures.
        let counted: Bool
    }

    struct Sheet: Sendable, Equatable {
        let className: String
        let grade: Int
        let period: String
        let from: CivilDate, to: CivilDate
        let classTeacher: String
        let subjects: [String]
        let pupils: [Pupil]
        /// Per subject, over the counted pupils.
        let counts: [MarkCounts]
    }

    let school: String
    let date: CivilDate
    let sheets: [Sheet]

    static func compute(_ ctx: ReportContext, store: JournalStore, classes: [ReportRows.ClassUnit],
                        periods: [ReportRows.Period], progress: (String) -> Void = { _ in }) throws -> SummaryMarksReport {
        var sheets: [Sheet] = []
        let finals = try store.reportFinalMarks(periods: periods.map(\.id))
        var finalOf: [String: [ReportRows.Pair: String]] = [:]   // period → (student, subject) → value
        for f in finals { finalOf[f.period, default: [:]][ReportRows.Pair(f.student, f.subject)] = f.value }
        for p in periods {
            let lessons = LessonIndex(try store.reportLessons(from: p.start, to: p.end))
            let marks = finalOf[p.id] ?? [:]
            for (i, c) in classes.enumerated() {
                progress("summary-marks: \(p.name), \(c.name) (\(i + 1)/\(classes.count))")
                let ids = ctx.membership.pupils(of: c.name, from: p.start, to: p.end)
                let pupils = ids.compactMap { ctx.studentByID[$0] }.sorted { ReportContext.nameOrder($0, $1) }
                let counted = Set(ctx.membership.pupils(of: c.name, on: p.end))
                var subjectIDs = lessons.subjectsByClass[c.id] ?? []
                for s in pupils where counted.contains(s.id) {
                    for subject in ctx.subjects where marks[ReportRows.Pair(s.id, subject.id)] != nil { subjectIDs.insert(subject.id) }
                }
                let ordered = ctx.subjects.filter { subjectIDs.contains($0.id) }
                var counts = Array(repeating: MarkCounts(), count: ordered.count)
                var rows: [Pupil] = []
                for (n, s) in pupils.enumerated() {
                    let values = ordered.map { marks[ReportRows.Pair(s.id, $0.id)] }
                    let isCounted = counted.contains(s.id)
                    if isCounted { for (k, v) in values.enumerated() { if let v { counts[k].add(v) } } }
                    var note: String?
                    if let d = ctx.membership.leftDate(s.id, c.name, from: p.start, to: p.end) { note = "выбыл(а) \(d.russian)" }
                    else if let d = ctx.membership.arrivedDate(s.id, c.name, from: p.start, to: p.end) { note = "прибыл(а) \(d.russian)" }
                    rows.append(Pupil(number: n + 1, name: s.fullName, fileNumber: s.fileNumber, marks: values, note: note, counted: isCounted))
                }
                sheets.append(Sheet(className: c.name, grade: c.grade, period: p.name, from: p.start, to: p.end,
                                    classTeacher: ctx.classTeacher(c), subjects: ordered.map(\.name), pupils: rows, counts: counts))
            }
        }
        return SummaryMarksReport(school: ctx.schoolName, date: ctx.today, sheets: sheets)
    }

    func json() -> JSON {
        .object([("report", .string("summary-marks")), ("school", .string(school)), ("date", .string(date.description)),
                 ("sheets", .array(sheets.map { s in
            .object([("class", .string(s.className)), ("period", .string(s.period)), ("from", .string(s.from.description)),
                     ("to", .string(s.to.description)), ("class_teacher", .string(s.classTeacher)),
                     ("subjects", .array(s.subjects.map(JSON.string))),
                     ("pupils", .array(s.pupils.map { p in
                        .object([("n", .int(p.number)), ("name", .string(p.name)), ("file", p.fileNumber.map(JSON.string) ?? .null),
                                 ("marks", .object(zip(s.subjects, p.marks).map { ($0, $1.map(JSON.string) ?? .null) })),
                                 ("note", p.note.map(JSON.string) ?? .null), ("counted", .bool(p.counted))])
                     })),
                     ("subject_totals", .array(zip(s.subjects, s.counts).map { name, c in
                        .object([("subject", .string(name)), ("n", .int(c.n)), ("counts", c.json),
                                 ("success_pct", .decimal(c.successPct)), ("quality_pct", .decimal(c.qualityPct)), ("sou", .decimal(c.sou))])
                     }))])
        }))])
    }

    func document() -> ReportDocument {
        ReportDocument(title: "Сводная ведомость учёта успеваемости", sheets: sheets.map { s in
            var columns = [ReportColumn("№", width: 4), ReportColumn("ФИО обучающегося", width: 34)]
            columns += s.subjects.map { ReportColumn($0, width: max(6, min(16, $0.count + 3))) }
            columns.append(ReportColumn("Примечание", width: 20))
            var rows: [[ReportCell]] = s.pupils.map { p in
                [.int(p.number), .text(p.name)] + p.marks.map { ReportSheetCells.mark($0) } + [p.note.map(ReportCell.text) ?? .empty]
            }
            let first = rows.count
            let lines: [(String, (MarkCounts) -> ReportCell)] = [
                ("«5»", { .int($0.five) }), ("«4»", { .int($0.four) }), ("«3»", { .int($0.three) }), ("«2»", { .int($0.two) }),
                ("«н/а»", { .int($0.notCertified) }), ("«осв.»", { .int($0.exempt) }), ("N (аттестовано + н/а)", { .int($0.n) }),
                ("% успеваемости", { .optional($0.successPct) }), ("% качества", { .optional($0.qualityPct) }), ("СОУ", { .optional($0.sou) }),
            ]
            for (label, cell) in lines { rows.append([.empty, .text(label)] + s.counts.map(cell) + [.empty]) }
            return ReportSheet(name: s.className + (sheets.count > 1 && Set(sheets.map(\.period)).count > 1 ? " " + s.period.prefix(8) : ""),
                               heading: ["Сводная ведомость учёта успеваемости", "\(school)", "Класс: \(s.className)   Период: \(s.period) (\(s.from.russian)–\(s.to.russian))"],
                               columns: columns, rows: rows, totalRows: Set(first..<rows.count),
                               footer: [QualityReport.definition(.pupils), "Классный руководитель: \(s.classTeacher.isEmpty ? "—" : s.classTeacher)  ____________",
                                        "Дата: \(date.russian)"])
        })
    }
}

enum ReportSheetCells {
    /// A final mark as entered: a digit as a number, anything else («н/а», «осв.», «зач.») as text.
    static func mark(_ v: String?) -> ReportCell {
        guard let v else { return .empty }
        if let i = Int(v), (1...5).contains(i) { return .int(i) }
        return .text(v)
    }
}

extension ReportContext {
    /// By surname, name, patronymic; «ё» sorts as «е».
    static func nameOrder(_ a: ReportRows.Student, _ b: ReportRows.Student) -> Bool {
        func key(_ s: ReportRows.Student) -> String { s.fullName.lowercased().replacingOccurrences(of: "ё", with: "е") }
        let ka = key(a), kb = key(b)
        return ka != kb ? ka < kb : a.id < b.id
    }
}
