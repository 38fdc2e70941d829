import Foundation
import JournalModel
import JournalStore

extension JournalControlReport {
    /// R4 and R3 for each period whose end or final-mark deadline falls in `[from, to]`: per
    /// class (group) and subject taught in it, pupils in the class at the period's end without a
    /// final mark once the deadline has passed, final marks entered after the deadline (2 working
    /// days before the end), final marks resting on fewer current marks than the minimum, and
    /// (R3 on) «н/а» or «осв.» as a final mark. Grade 1 has no marks (R1) and is skipped.
    static func finalMarkFindings(_ ctx: ReportContext, store: JournalStore, classes: [ReportRows.ClassUnit], from: CivilDate, to: CivilDate,
                                  calendar: WorkingCalendar, settings: Settings, zone: TimeZone) throws -> [Finding] {
        var out: [Finding] = []
        let clock = LocalClock(zone)
        let groups = Dictionary(grouping: try store.reportGroups(), by: \.id)
        for p in ctx.periods {
            let deadline = calendar.subtracting(workingDays: 2, from: p.end)
            guard (deadline >= from && deadline <= to) || (p.end >= from && p.end <= to) else { continue }
            let finals = try store.reportFinalMarks(periods: [p.id])
            var finalOf: [ReportRows.Pair: ReportRows.FinalMark] = [:]
            for f in finals { finalOf[ReportRows.Pair(f.student, f.subject)] = f }
            let current = try store.reportCurrentMarkCounts(from: p.start, to: p.end)
            let lessons = LessonIndex(try store.reportLessons(from: p.start, to: p.end))
            let checkMissing = ctx.today > deadline
            for c in classes where c.grade > 1 {
                let pupils = ctx.membership.pupils(of: c.name, on: p.end)
                for (stream, ls) in lessons.streams where stream.classID == c.id {
                    let members = stream.group.flatMap { groups[$0]?.first.map { Set($0.members) } }
                    let who = LessonIndex.teacher(of: ls, names: ctx.teachers).flatMap { ctx.teachers[$0] } ?? ""
                    let subject = ctx.subjectName[stream.subject] ?? stream.subject
                    let label = c.name + (stream.group.flatMap { groups[$0]?.first?.name }.map { " (\($0))" } ?? "")
                    var missing = 0, late = 0, thin = 0, forbidden = 0
                    for s in pupils where members?.contains(s) ?? true {
                        guard let f = finalOf[ReportRows.Pair(s, stream.subject)] else { if checkMissing { missing += 1 }; continue }
                        if let at = clock.local(f.enteredAt), at.date > deadline { late += 1 }
                        let category = MarkCategory(f.value)
                        if settings.forbidNotCertified && (category == .notCertified || category == .exempt) { forbidden += 1 }
                        if case .grade = category, (current[ReportRows.Pair(s, stream.subject)] ?? 0) < settings.minCurrentMarks { thin += 1 }
                    }
                    func add(_ rule: String, _ what: String) {
                        out.append(Finding(rule: rule, teacher: who, className: label, subject: subject, date: p.end, what: what))
                    }
                    if missing > 0 { add("R4", "\(p.name): нет итоговой отметки у \(missing) обуч. (срок \(deadline.russian))") }
                    if late > 0 { add("R4", "\(p.name): \(late) итоговых отметок внесены позже срока \(deadline.russian)") }
                    if thin > 0 { add("R3", "\(p.name): \(thin) итоговых отметок при менее чем \(settings.minCurrentMarks) текущих") }
                    if forbidden > 0 { add("R3", "\(p.name): \(forbidden) итоговых «н/а»/«осв.» (запрещены положением)") }
                }
            }
        }
        return out
    }

    /// The contract: `{"findings": [{"rule", "teacher", "class", "subject", "date", "what"}], "counts": {"R5": 12, …}}`.
    func json() -> JSON {
        .object([("from", .string(from.description)), ("to", .string(to.description)),
                 ("findings", .array(findings.map { f in
                    .object([("rule", .string(f.rule)), ("teacher", .string(f.teacher)), ("class", .string(f.className)),
                             ("subject", .string(f.subject)), ("date", .string(f.date.description)), ("what", .string(f.what))])
                 })),
                 ("counts", .object(counts.map { ($0.0, .int($0.1)) })),
                 ("calendar_missing_years", .array(missingCalendarYears.map(JSON.int)))])
    }

    static let ruleTitles = ["R2": "записи заранее", "R3": "обоснованность итоговых", "R4": "сроки итоговых", "R5": "своевременность записей",
                             "R6": "причины пропусков", "R9": "движение контингента"]

    func document() -> ReportDocument {
        let cols = [ReportColumn("Учитель", width: 30), ReportColumn("Класс", width: 10), ReportColumn("Предмет", width: 22),
                    ReportColumn("Дата", width: 11), ReportColumn("Правило", width: 10), ReportColumn("Нарушение", width: 70)]
        let rows: [[ReportCell]] = findings.map {
            [.text($0.teacher.isEmpty ? "—" : $0.teacher), .text($0.className), .text($0.subject), .text($0.date.russian), .text($0.rule), .text($0.what)]
        }
        var footer = ["Правила: " + Self.ruleTitles.sorted { $0.key < $1.key }.map { "\($0.key) — \($0.value)" }.joined(separator: "; ") + ".",
                      "Время записи — время, когда запись впервые поступила в журнал шлюза (журнал изменений), по часовому поясу школы."]
        if !missingCalendarYears.isEmpty {
            footer.append("Нет производственного календаря на \(missingCalendarYears.map(String.init).joined(separator: ", ")) г.: рабочими считались пн–пт.")
        }
        let byTeacher = Dictionary(grouping: findings) { $0.teacher.isEmpty ? "—" : $0.teacher }
        let rules = counts.map(\.0)
        let summaryRows: [[ReportCell]] = byTeacher.keys.sorted().map { t in
            [.text(t)] + rules.map { r in .int(byTeacher[t]!.filter { $0.rule == r }.count) } + [.int(byTeacher[t]!.count)]
        } + [[.text("Итого")] + counts.map { .int($0.1) } + [.int(findings.count)]]
        let period = "\(from.russian)–\(to.russian)"
        return ReportDocument(title: "Контроль ведения журнала", sheets: [
            ReportSheet(name: "Замечания", heading: ["Контроль ведения электронного журнала", school, "Период: \(period)"],
                        columns: cols, rows: rows, footer: footer),
            ReportSheet(name: "По учителям", heading: ["Замечания по учителям", "Период: \(period)"],
                        columns: [ReportColumn("Учитель", width: 30)] + rules.map { ReportColumn($0, width: 8) } + [ReportColumn("Всего", width: 8)],
                        rows: summaryRows, totalRows: [summaryRows.count - 1]),
        ])
    }
}
