import JournalModel
import JournalStore

/// Движение учащихся over a date range: per class (and grade) at the start, arrived, left, at
/// the end; the school's totals without transfers between its classes; the list of movements.
struct MovementReport: Sendable {
    struct Figures: Sendable, Equatable {
        var start = 0, arrived = 0, left = 0, end = 0
        static func + (a: Figures, b: Figures) -> Figures {
            Figures(start: a.start + b.start, arrived: a.arrived + b.arrived, left: a.left + b.left, end: a.end + b.end)
        }
        var json: [(String, JSON)] { [("start", .int(start)), ("arrived", .int(arrived)), ("left", .int(left)), ("end", .int(end))] }
    }
    struct Row: Sendable, Equatable { let className: String; let grade: Int; let figures: Figures }
    struct Entry: Sendable, Equatable {
        let file: String
        let name: String
        let kind: String
        let date: CivilDate
        let from: String?, to: String?
        let order: String?
    }

    let school: String
    let from: CivilDate, to: CivilDate
    let period: String?
    let rows: [Row]
    let schoolTotal: Figures
    let movements: [Entry]

    var grades: [(grade: Int, figures: Figures)] {
        Dictionary(grouping: rows, by: \.grade).map { ($0.key, $0.value.map(\.figures).reduce(Figures(), +)) }.sorted { $0.grade < $1.grade }
    }

    static func compute(_ ctx: ReportContext, classes: [ReportRows.ClassUnit], from: CivilDate, to: CivilDate, period: String?) -> MovementReport {
        let m = ctx.membership
        let inRange = ctx.movements.filter {
            $0.date >= from && $0.date <= to && $0.kind != MovementKind.dataChange.rawValue && !m.firstListMovements.contains($0.id)
        }
        let names = Set(classes.map(\.name))
        var rows: [Row] = []
        for c in classes {
            var f = Figures()
            f.start = m.timelines.keys.filter { m.className(of: $0, on: from, afterMovements: false) == c.name }.count
            f.end = m.pupils(of: c.name, on: to).count
            for mv in inRange {
                let into = mv.kind != MovementKind.withdrawal.rawValue ? mv.toClass : nil
                let outOf = mv.kind != MovementKind.arrival.rawValue ? mv.fromClass : nil
                if into == c.name { f.arrived += 1 }
                if outOf == c.name { f.left += 1 }
            }
            rows.append(Row(className: c.name, grade: c.grade, figures: f))
        }
        // The school (or the scope): transfers between its own classes are not movements of it.
        var total = rows.map(\.figures).reduce(Figures(), +)
        for mv in inRange where mv.kind == MovementKind.transfer.rawValue {
            let fromIn = mv.fromClass.map(names.contains) ?? false, toIn = mv.toClass.map(names.contains) ?? false
            if fromIn && toIn { total.arrived -= 1; total.left -= 1 }
        }
        let entries = inRange.filter { ($0.fromClass.map(names.contains) ?? false) || ($0.toClass.map(names.contains) ?? false) }.map { mv in
            let s = ctx.studentByID[mv.student]
            return Entry(file: s?.fileNumber ?? mv.student, name: s?.fullName ?? "", kind: mv.kind, date: mv.date,
                         from: mv.fromClass, to: mv.toClass, order: MovementReport.orderNumber(mv.details))
        }
        return MovementReport(school: ctx.schoolName, from: from, to: to, period: period, rows: rows, schoolTotal: total, movements: entries)
    }

    /// The order's number from a movement's details (`{"order": "№ 12-у"}`), where known.
    static func orderNumber(_ details: String?) -> String? {
        guard let d = details, let j = try? JSON.parse(d) else { return nil }
        return j["order"]?.string ?? j["order_number"]?.string ?? j["приказ"]?.string
    }

    static func kindRussian(_ k: String) -> String {
        switch k {
        case MovementKind.arrival.rawValue: return "прибытие"
        case MovementKind.withdrawal.rawValue: return "выбытие"
        case MovementKind.transfer.rawValue: return "перевод"
        default: return k
        }
    }

    /// The contract: `{"rows": [{"class", "start", "arrived", "left", "end"}], "school": {…}, "movements": [{"file", "kind", "date", "from", "to"}]}`.
    /// Names of pupils stay out of it (scripts need the file numbers only).
    func json() -> JSON {
        .object([("from", .string(from.description)), ("to", .string(to.description)), ("period", period.map(JSON.string) ?? .null),
                 ("rows", .array(rows.map { .object([("class", .string($0.className)), ("grade", .int($0.grade))] + $0.figures.json) })),
                 ("grades", .array(grades.map { .object([("grade", .int($0.grade))] + $0.figures.json) })),
                 ("school", .object(schoolTotal.json)),
                 ("movements", .array(movements.map { e in
                    .object([("file", .string(e.file)), ("kind", .string(e.kind)), ("date", .string(e.date.description)),
                             ("from", e.from.map(JSON.string) ?? .null), ("to", e.to.map(JSON.string) ?? .null),
                             ("order", e.order.map(JSON.string) ?? .null)])
                 }))])
    }

    func document() -> ReportDocument {
        let cols = [ReportColumn("Класс", width: 10), ReportColumn("На начало", width: 10), ReportColumn("Прибыло", width: 10),
                    ReportColumn("Выбыло", width: 10), ReportColumn("На конец", width: 10)]
        func cells(_ f: Figures) -> [ReportCell] { [.int(f.start), .int(f.arrived), .int(f.left), .int(f.end)] }
        var body: [[ReportCell]] = []
        var totals: Set<Int> = []
        for g in grades {
            for r in rows where r.grade == g.grade { body.append([.text(r.className)] + cells(r.figures)) }
            totals.insert(body.count)
            body.append([.text("Итого \(g.grade) кл.")] + cells(g.figures))
        }
        totals.insert(body.count)
        body.append([.text("Всего по школе")] + cells(schoolTotal))
        let range = "\(period.map { "\($0), " } ?? "")\(from.russian)–\(to.russian)"
        let summary = ReportSheet(name: "Движение", heading: ["Движение учащихся", school, "Период: \(range)"], columns: cols, rows: body,
                                  totalRows: totals, footer: ["«На начало» — обучающиеся в первый день периода до движений этого дня; переводы между классами школы не входят в итог по школе."])
        let listCols = [ReportColumn("№ л/д", width: 12), ReportColumn("ФИО", width: 34), ReportColumn("Движение", width: 12),
                        ReportColumn("Дата", width: 12), ReportColumn("Из класса", width: 10), ReportColumn("В класс", width: 10),
                        ReportColumn("Приказ", width: 14)]
        let list = movements.map { e -> [ReportCell] in
            [.text(e.file), .text(e.name), .text(MovementReport.kindRussian(e.kind)), .text(e.date.russian), .text(e.from ?? "—"), .text(e.to ?? "—"), .text(e.order ?? "")]
        }
        return ReportDocument(title: "Движение учащихся", sheets: [summary, ReportSheet(name: "Список движений", heading: ["Список движений", "Период: \(range)"], columns: listCols, rows: list)])
    }
}
