import JournalModel
import JournalStore

/// Наполняемость: classes and pupils at a date (by default 20 September, the date of the
/// federal form ОО-1), by grade, with grade 1 split into first-year pupils and the rest.
struct ClassSizesReport: Sendable {
    struct Row: Sendable, Equatable { let className: String; let grade: Int; let pupils: Int; let classTeacher: String }
    struct Grade: Sendable, Equatable { let grade: Int; let classes: Int; let pupils: Int }

    let school: String
    let date: CivilDate
    let rows: [Row]
    /// Grade-1 pupils who were not in grade 1 a year before the date (ОО-1: «первый год обучения»).
    let gradeOneFirstYear: Int
    let gradeOneRepeating: Int

    var total: Int { rows.map(\.pupils).reduce(0, +) }
    var grades: [Grade] {
        Dictionary(grouping: rows, by: \.grade).map { Grade(grade: $0.key, classes: $0.value.count, pupils: $0.value.map(\.pupils).reduce(0, +)) }
            .sorted { $0.grade < $1.grade }
    }

    /// 20 September of the current academic year (of the year holding today, else today's calendar year).
    static func defaultDate(_ ctx: ReportContext) -> CivilDate {
        let y = ctx.currentYear?.start.year ?? (ctx.today.month >= 9 ? ctx.today.year : ctx.today.year - 1)
        return CivilDate(year: y, month: 9, day: 20)!
    }

    static func compute(_ ctx: ReportContext, classes: [ReportRows.ClassUnit], date: CivilDate) -> ClassSizesReport {
        let m = ctx.membership
        let rows = classes.map { c in Row(className: c.name, grade: c.grade, pupils: m.pupils(of: c.name, on: date).count, classTeacher: ctx.classTeacher(c)) }
        let yearBefore = CivilDate(year: date.year - 1, month: date.month, day: min(date.day, 28))!
        var first = 0, repeating = 0
        for c in classes where c.grade == 1 {
            for s in m.pupils(of: c.name, on: date) {
                // Before the school's first list nothing is known: a first-year pupil.
                let known = m.firstListDate.map { yearBefore >= $0 } ?? false
                let before = known ? m.className(of: s, on: yearBefore, afterMovements: true).flatMap { ctx.classByName[$0]?.grade ?? ClassName.grade(of: $0) } : nil
                if before == 1 { repeating += 1 } else { first += 1 }
            }
        }
        return ClassSizesReport(school: ctx.schoolName, date: date, rows: rows, gradeOneFirstYear: first, gradeOneRepeating: repeating)
    }

    /// The contract: `{"date", "classes": [{"class", "grade", "pupils"}], "total"}`.
    func json() -> JSON {
        .object([("date", .string(date.description)),
                 ("classes", .array(rows.map { .object([("class", .string($0.className)), ("grade", .int($0.grade)), ("pupils", .int($0.pupils))]) })),
                 ("total", .int(total)),
                 ("grades", .array(grades.map { .object([("grade", .int($0.grade)), ("classes", .int($0.classes)), ("pupils", .int($0.pupils))]) })),
                 ("classes_total", .int(rows.count)),
                 ("grade1_first_year", .int(gradeOneFirstYear)), ("grade1_repeating", .int(gradeOneRepeating))])
    }

    func document() -> ReportDocument {
        let cols = [ReportColumn("Класс", width: 14), ReportColumn("Обучающихся", width: 12), ReportColumn("Классный руководитель", width: 34)]
        var body: [[ReportCell]] = []
        var totals: Set<Int> = []
        for g in grades {
            for r in rows where r.grade == g.grade { body.append([.text(r.className), .int(r.pupils), .text(r.classTeacher)]) }
            totals.insert(body.count)
            body.append([.text("Итого \(g.grade) кл. (\(g.classes) кл.)"), .int(g.pupils), .empty])
            if g.grade == 1 {
                body.append([.text("  из них первый год обучения"), .int(gradeOneFirstYear), .empty])
                body.append([.text("  из них повторно"), .int(gradeOneRepeating), .empty])
            }
        }
        totals.insert(body.count)
        body.append([.text("Всего (\(rows.count) кл.)"), .int(total), .empty])
        return ReportDocument(title: "Наполняемость классов", sheets: [ReportSheet(
            name: "Наполняемость", heading: ["Наполняемость классов", school, "На дату: \(date.russian)"], columns: cols, rows: body,
            totalRows: totals, footer: ["Обучающиеся в классе на конец указанного дня (с учётом движений этого дня)."])])
    }
}
