import JournalModel
import JournalStore

/// Сводная ведомость посещаемости: per class and period, per pupil the lessons missed, of them
/// for illness (Б), a valid reason (УП), without one (НП), with no reason entered, lateness
/// (ОП), and whole days missed.
struct SummaryAttendanceReport: Sendable {
    struct Figures: Sendable, Equatable {
        var missed = 0, illness = 0, valid = 0, invalid = 0, noReason = 0, late = 0, wholeDays = 0
        static func + (a: Figures, b: Figures) -> Figures {
            Figures(missed: a.missed + b.missed, illness: a.illness + b.illness, valid: a.valid + b.valid, invalid: a.invalid + b.invalid,
                    noReason: a.noReason + b.noReason, late: a.late + b.late, wholeDays: a.wholeDays + b.wholeDays)
        }
    }
    struct Pupil: Sendable, Equatable { let number: Int; let name: String; let note: String?; let figures: Figures }
    struct Sheet: Sendable, Equatable {
        let className: String
        let period: String
        let from: CivilDate, to: CivilDate
        let classTeacher: String
        let pupils: [Pupil]
        var total: Figures { pupils.map(\.figures).reduce(Figures(), +) }
    }

    let school: String
    let date: CivilDate
    let sheets: [Sheet]

    static func compute(_ ctx: ReportContext, store: JournalStore, classes: [ReportRows.ClassUnit], periods: [ReportRows.Period],
                        progress: (String) -> Void = { _ in }) throws -> SummaryAttendanceReport {
        let groups = try store.reportGroups()
        var membersOf: [String: Set<String>] = [:]
        for g in groups { membersOf[g.id] = Set(g.members) }
        var sheets: [Sheet] = []
        for p in periods {
            let lessons = LessonIndex(try store.reportLessons(from: p.start, to: p.end))
            // Lessons of each class by day (for whole days missed).
            var classDay: [ReportRows.Pair: [ReportRows.Lesson]] = [:]
            for l in lessons.lessons { classDay[ReportRows.Pair(l.classID, l.date.description), default: []].append(l) }
            var byStudent: [String: [ReportRows.Attendance]] = [:]
            for a in try store.reportAttendance(from: p.start, to: p.end) { byStudent[a.student, default: []].append(a) }
            for (i, c) in classes.enumerated() {
                progress("summary-attendance: \(p.name), \(c.name) (\(i + 1)/\(classes.count))")
                let pupils = ctx.membership.pupils(of: c.name, from: p.start, to: p.end).compactMap { ctx.studentByID[$0] }
                    .sorted { ReportContext.nameOrder($0, $1) }
                var rows: [Pupil] = []
                for (n, s) in pupils.enumerated() {
                    var f = Figures()
                    var absentByDay: [String: Set<String>] = [:]
                    for a in byStudent[s.id] ?? [] {
                        guard let l = lessons.byID[a.lesson], l.classID == c.id else { continue }
                        if a.late { f.late += 1; continue }
                        f.missed += 1
                        switch a.reason {
                        case "Б": f.illness += 1
                        case "УП": f.valid += 1
                        case "НП": f.invalid += 1
                        default: f.noReason += 1
                        }
                        absentByDay[l.date.description, default: []].insert(l.id)
                    }
                    for (day, missed) in absentByDay {
                        // The pupil's lessons that day: the class's, less the groups they are not in.
                        let own = (classDay[ReportRows.Pair(c.id, day)] ?? []).filter { l in l.group.map { membersOf[$0]?.contains(s.id) ?? false } ?? true }
                        if !own.isEmpty && own.allSatisfy({ missed.contains($0.id) }) { f.wholeDays += 1 }
                    }
                    var note: String?
                    if let d = ctx.membership.leftDate(s.id, c.name, from: p.start, to: p.end) { note = "выбыл(а) \(d.russian)" }
                    else if let d = ctx.membership.arrivedDate(s.id, c.name, from: p.start, to: p.end) { note = "прибыл(а) \(d.russian)" }
                    rows.append(Pupil(number: n + 1, name: s.fullName, note: note, figures: f))
                }
                sheets.append(Sheet(className: c.name, period: p.name, from: p.start, to: p.end, classTeacher: ctx.classTeacher(c), pupils: rows))
            }
        }
        return SummaryAttendanceReport(school: ctx.schoolName, date: ctx.today, sheets: sheets)
    }

    static func figuresJSON(_ f: Figures) -> [(String, JSON)] {
        [("missed", .int(f.missed)), ("illness", .int(f.illness)), ("valid_reason", .int(f.valid)), ("no_valid_reason", .int(f.invalid)),
         ("reason_not_entered", .int(f.noReason)), ("late", .int(f.late)), ("whole_days", .int(f.wholeDays))]
    }

    func json() -> JSON {
        .object([("report", .string("summary-attendance")), ("school", .string(school)), ("date", .string(date.description)),
                 ("sheets", .array(sheets.map { s in
            .object([("class", .string(s.className)), ("period", .string(s.period)), ("from", .string(s.from.description)),
                     ("to", .string(s.to.description)), ("class_teacher", .string(s.classTeacher)),
                     ("pupils", .array(s.pupils.map { p in
                        .object([("n", .int(p.number)), ("name", .string(p.name)), ("note", p.note.map(JSON.string) ?? .null)] + Self.figuresJSON(p.figures))
                     })),
                     ("total", .object(Self.figuresJSON(s.total)))])
        }))])
    }

    func document() -> ReportDocument {
        ReportDocument(title: "Сводная ведомость учёта посещаемости", sheets: sheets.map { s in
            let columns = [ReportColumn("№", width: 4), ReportColumn("ФИО обучающегося", width: 34), ReportColumn("Пропущено уроков", width: 10),
                           ReportColumn("Б (болезнь)", width: 10), ReportColumn("УП (уваж.)", width: 10), ReportColumn("НП (неуваж.)", width: 10),
                           ReportColumn("Причина не указана", width: 10), ReportColumn("ОП (опоздания)", width: 10),
                           ReportColumn("Пропущено дней", width: 10), ReportColumn("Примечание", width: 20)]
            func cells(_ f: Figures) -> [ReportCell] { [f.missed, f.illness, f.valid, f.invalid, f.noReason, f.late, f.wholeDays].map(ReportCell.int) }
            var rows: [[ReportCell]] = s.pupils.map { p in [.int(p.number), .text(p.name)] + cells(p.figures) + [p.note.map(ReportCell.text) ?? .empty] }
            rows.append([.empty, .text("Итого по классу")] + cells(s.total) + [.empty])
            return ReportSheet(name: s.className + (Set(sheets.map(\.period)).count > 1 ? " " + s.period.prefix(8) : ""),
                               heading: ["Сводная ведомость учёта посещаемости", school, "Класс: \(s.className)   Период: \(s.period) (\(s.from.russian)–\(s.to.russian))"],
                               columns: columns, rows: rows, totalRows: [rows.count - 1],
                               footer: ["Пропущенный день — день, в который обучающийся пропустил все уроки своего класса (группы).",
                                        "Классный руководитель: \(s.classTeacher.isEmpty ? "—" : s.classTeacher)  ____________", "Дата: \(date.russian)"])
        })
    }
}
