import JournalModel
import JournalStore

/// R13: % успеваемости, % качества and СОУ per class (or group), subject, teacher and period.
struct QualityReport: Sendable {
    /// What N counts: pupils with a final mark (the default), or current marks (`--by marks`).
    enum Basis: String, Sendable { case pupils, marks }

    struct Row: Sendable, Equatable {
        let className: String
        let group: String?
        let subject: String
        let teacher: String
        let period: String
        let counts: MarkCounts
    }

    let basis: Basis
    let school: String
    let date: CivilDate
    let rows: [Row]

    static func definition(_ basis: Basis) -> String {
        switch basis {
        case .pupils:
            return "N — обучающиеся с итоговой отметкой или «н/а» по предмету за период (без «осв.» и без выбывших до конца периода); "
                + "% успеваемости = («5»+«4»+«3»)·100/N; % качества = («5»+«4»)·100/N; СОУ = («5»·100+«4»·64+«3»·36+«2»·16+«н/а»·7)/N; "
                + "по предметам «зачёт/незачёт» — только доля зачётов."
        case .marks:
            return "N — текущие отметки за период на уроках класса (группы) по предмету; "
                + "% успеваемости = («5»+«4»+«3»)·100/N; % качества = («5»+«4»)·100/N; СОУ = («5»·100+«4»·64+«3»·36+«2»·16)/N."
        }
    }

    static func compute(_ ctx: ReportContext, store: JournalStore, classes: [ReportRows.ClassUnit], periods: [ReportRows.Period],
                        basis: Basis, progress: (String) -> Void = { _ in }) throws -> QualityReport {
        let groups = Dictionary(grouping: try store.reportGroups(), by: \.id)
        var finalOf: [String: [ReportRows.Pair: String]] = [:]
        if basis == .pupils {
            for f in try store.reportFinalMarks(periods: periods.map(\.id)) { finalOf[f.period, default: [:]][ReportRows.Pair(f.student, f.subject)] = f.value }
        }
        var rows: [Row] = []
        for p in periods {
            let lessons = LessonIndex(try store.reportLessons(from: p.start, to: p.end))
            var marksByLesson: [String: [String]] = [:]
            if basis == .marks {
                for m in try store.reportMarks(from: p.start, to: p.end) { if let v = m.value { marksByLesson[m.lesson, default: []].append(v) } }
            }
            let finals = finalOf[p.id] ?? [:]
            for (i, c) in classes.enumerated() {
                progress("quality: \(p.name), \(c.name) (\(i + 1)/\(classes.count))")
                let counted = ctx.membership.pupils(of: c.name, on: p.end)
                var subjectIDs = lessons.subjectsByClass[c.id] ?? []
                if basis == .pupils {
                    for s in counted { for subject in ctx.subjects where finals[ReportRows.Pair(s, subject.id)] != nil { subjectIDs.insert(subject.id) } }
                }
                for subject in ctx.subjects where subjectIDs.contains(subject.id) {
                    let streams = lessons.streams.filter { $0.key.classID == c.id && $0.key.subject == subject.id }
                    let grouped = streams.keys.contains { $0.group != nil }
                    // A split subject: a row per group (its own pupils and teacher); else one row for the class.
                    let keys: [String?] = grouped ? streams.keys.compactMap(\.group).sorted { (groups[$0]?.first?.name ?? $0) < (groups[$1]?.first?.name ?? $1) } : [nil]
                    for g in keys {
                        let streamLessons = streams.filter { $0.key.group == g }.flatMap(\.value)
                        let teacherID = LessonIndex.teacher(of: streamLessons, names: ctx.teachers)
                        var counts = MarkCounts()
                        switch basis {
                        case .pupils:
                            let members = g.flatMap { groups[$0]?.first.map { Set($0.members) } }
                            for s in counted where members?.contains(s) ?? true {
                                if let v = finals[ReportRows.Pair(s, subject.id)] { counts.add(v) }
                            }
                        case .marks:
                            for l in streamLessons { for v in marksByLesson[l.id] ?? [] { counts.add(v) } }
                        }
                        rows.append(Row(className: c.name, group: g.flatMap { groups[$0]?.first?.name }, subject: subject.name,
                                        teacher: teacherID.flatMap { ctx.teachers[$0] } ?? "", period: p.name, counts: counts))
                    }
                }
            }
        }
        return QualityReport(basis: basis, school: ctx.schoolName, date: ctx.today, rows: rows)
    }

    /// The contract: `{"definition": "pupils", "rows": [{"class", "subject", "teacher", "period", "n", "counts", "success_pct", "quality_pct", "sou"}]}`.
    func json() -> JSON {
        .object([("definition", .string(basis.rawValue)), ("definition_text", .string(QualityReport.definition(basis))),
                 ("rows", .array(rows.map { r in
            .object([("class", .string(r.className)), ("group", r.group.map(JSON.string) ?? .null), ("subject", .string(r.subject)),
                     ("teacher", .string(r.teacher)), ("period", .string(r.period)), ("n", .int(r.counts.n)), ("counts", r.counts.json),
                     ("success_pct", .decimal(r.counts.successPct)), ("quality_pct", .decimal(r.counts.qualityPct)), ("sou", .decimal(r.counts.sou))])
        }))])
    }

    func document() -> ReportDocument {
        let columns = ["Класс", "Группа", "Предмет", "Учитель", "Период", "N", "«5»", "«4»", "«3»", "«2»", "«н/а»", "«осв.»",
                       "% успев.", "% качества", "СОУ"].map { ReportColumn($0) }
        var cols = columns
        cols[2].width = 24; cols[3].width = 30; cols[4].width = 12
        let body: [[ReportCell]] = rows.map { r in
            let c = r.counts
            return [.text(r.className), r.group.map(ReportCell.text) ?? .empty, .text(r.subject), .text(r.teacher), .text(r.period),
                    .int(c.n), .int(c.five), .int(c.four), .int(c.three), .int(c.two), .int(c.notCertified), .int(c.exempt),
                    .optional(c.successPct), .optional(c.qualityPct), .optional(c.sou)]
        }
        return ReportDocument(title: "Качество знаний", sheets: [ReportSheet(
            name: "Качество", heading: ["Показатели успеваемости и качества знаний", school, "Дата: \(date.russian)"],
            columns: cols, rows: body, footer: [QualityReport.definition(basis)])])
    }
}
