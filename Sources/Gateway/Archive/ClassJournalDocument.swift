import Foundation
import JournalStore
import PDF

/// The class journal of one class and period as the paper journal lays it out (R11): a title
/// page, then per subject (and group) the grid of pupils × lesson dates with marks and
/// absences (н), the page of dates, topics and homework, then the final marks of the period
/// and the movements. In Russian; the same journal gives the same bytes.
struct ClassJournalDocument {
    let journal: ArchiveClassJournal
    let school: String
    let fonts: [TrueTypeFont]

    /// Dates per grid page (landscape A4 at 7 pt).
    static let datesPerPage = 32

    static let months = ["01": "янв", "02": "фев", "03": "мар", "04": "апр", "05": "май", "06": "июн",
                         "07": "июл", "08": "авг", "09": "сен", "10": "окт", "11": "ноя", "12": "дек"]

    var title: String { "Классный журнал \(journal.classUnit.name) — \(journal.period.name), \(journal.period.yearName)" }

    func render() throws -> Data {
        let p = journal.period
        let doc = PDFDocument(fonts: fonts, metadata: PDFMetadata(
            title: title, author: school, subject: "Электронный классный журнал, архивная копия", date: p.end))
        let flow = PageFlow(document: doc, size: .a4Portrait, margin: 30)
        flow.runningTitle = "\(school) · \(journal.classUnit.name) · \(p.name) \(p.yearName)"
        titlePage(flow)
        for course in journal.courses {
            grid(flow, course)
            topics(flow, course)
        }
        finals(flow)
        movements(flow)
        flow.finishPageNumbers()
        return try doc.write()
    }

    static func day(_ iso: String) -> String {
        let parts = iso.split(separator: "-")
        return parts.count == 3 ? "\(parts[2]).\(parts[1])" : iso
    }

    static func fullDate(_ iso: String) -> String {
        let parts = iso.split(separator: "-")
        return parts.count == 3 ? "\(parts[2]).\(parts[1]).\(parts[0])" : iso
    }

    func courseName(_ c: ArchiveCourse) -> String { c.subject + (c.group.map { " (\($0))" } ?? "") }

    private func titlePage(_ flow: PageFlow) {
        let p = journal.period, c = journal.classUnit
        flow.newPage(.a4Portrait)
        flow.paragraph(school, size: 11, after: 20)
        flow.heading("КЛАССНЫЙ ЖУРНАЛ", size: 20)
        flow.heading("\(c.name) класс", size: 16)
        flow.paragraph("\(p.yearName) учебный год, \(p.name) (\(Self.fullDate(p.start)) – \(Self.fullDate(p.end)))", size: 11)
        if let t = c.teacher { flow.paragraph("Классный руководитель: \(t)", size: 11) }
        flow.paragraph("Архивная копия электронного журнала, сформирована по окончании периода.", size: 9, after: 12)
        flow.paragraph("Список обучающихся", size: 11, font: 1)
        let pupils = journal.students.enumerated().map { ["\($0.offset + 1)", $0.element.fullName] }
        flow.table(PDFTable(columns: [PDFColumn(24, .right), PDFColumn(300)], header: [["№", "Фамилия, имя, отчество"]], rows: pupils, fontSize: 9))
        flow.paragraph("Учебные предметы", size: 11, font: 1)
        let rows = journal.courses.map { [courseName($0), $0.teacher ?? "", "\($0.lessons.count)"] }
        flow.table(PDFTable(columns: [PDFColumn(220), PDFColumn(180), PDFColumn(60, .right)],
                            header: [["Предмет", "Учитель", "Уроков"]], rows: rows, fontSize: 9))
    }

    /// What a cell of the grid shows: the marks, «н» for an absence, «оп» for a late arrival.
    static func cell(_ lesson: ArchiveLesson, _ student: String) -> String {
        var parts: [String] = []
        switch lesson.attendance[student] {
        case "absent": parts.append("н")
        case "late": parts.append("оп")
        default: break
        }
        for m in lesson.marks[student] ?? [] {
            switch m {
            case "зачёт": parts.append("зч")
            case "незачёт": parts.append("нз")
            default: parts.append(m)
            }
        }
        return parts.joined(separator: " ")
    }

    private func grid(_ flow: PageFlow, _ course: ArchiveCourse) {
        var start = 0
        repeat {
            let chunk = Array(course.lessons[start ..< min(start + Self.datesPerPage, course.lessons.count)])
            flow.newPage(.a4Landscape)
            flow.paragraph("\(courseName(course)) — \(journal.classUnit.name)" + (course.teacher.map { ", учитель \($0)" } ?? ""),
                           size: 11, font: 1, after: 6)
            let nameWidth = 170.0, numberWidth = 18.0
            let dateWidth = min(24, (flow.contentWidth - nameWidth - numberWidth) / Double(max(chunk.count, 1)))
            let columns = [PDFColumn(numberWidth, .right), PDFColumn(nameWidth)] + chunk.map { _ in PDFColumn(dateWidth, .center) }
            // Two header rows as on paper: the month over its first day, then the day.
            var monthRow = ["", "Месяц"], dayRow = ["№", "Ученик"]
            var lastMonth = ""
            for l in chunk {
                let parts = l.date.split(separator: "-").map(String.init)
                let month = parts.count == 3 ? parts[1] : ""
                monthRow.append(month == lastMonth ? "" : (Self.months[month] ?? month))
                dayRow.append(parts.count == 3 ? parts[2] : l.date)
                lastMonth = month
            }
            let header = [monthRow, dayRow]
            let rows = course.students.enumerated().map { i, s in
                ["\(i + 1)", s.fullName] + chunk.map { Self.cell($0, s.id) }
            }
            flow.table(PDFTable(columns: columns, header: header, rows: rows, fontSize: 7))
            start += Self.datesPerPage
        } while start < course.lessons.count
    }

    private func topics(_ flow: PageFlow, _ course: ArchiveCourse) {
        flow.newPage(.a4Portrait)
        flow.paragraph("\(courseName(course)) — \(journal.classUnit.name): даты, темы уроков и домашние задания", size: 11, font: 1, after: 6)
        let rows = course.lessons.enumerated().map { i, l in
            ["\(i + 1)", Self.fullDate(l.date), l.topic ?? "", l.homework ?? ""]
        }
        flow.table(PDFTable(columns: [PDFColumn(24, .right), PDFColumn(56), PDFColumn(230), PDFColumn(225)],
                            header: [["№", "Дата", "Тема урока", "Домашнее задание"]], rows: rows, fontSize: 8))
    }

    private func finals(_ flow: PageFlow) {
        flow.newPage(.a4Landscape)
        flow.paragraph("Итоговые отметки: \(journal.period.name) \(journal.period.yearName), \(journal.classUnit.name)", size: 11, font: 1, after: 6)
        let subjects = Array(Set(journal.courses.map(\.subject)).union(journal.finalMarks.map(\.subject))).sorted()
        var value: [String: String] = [:]
        for f in journal.finalMarks { value[f.studentID + "\u{1F}" + f.subject] = f.value }
        let nameWidth = 170.0, numberWidth = 18.0
        let w = min(60, (flow.contentWidth - nameWidth - numberWidth) / Double(max(subjects.count, 1)))
        let rows = journal.students.enumerated().map { i, s in
            ["\(i + 1)", s.fullName] + subjects.map { value[s.id + "\u{1F}" + $0] ?? "" }
        }
        flow.table(PDFTable(columns: [PDFColumn(numberWidth, .right), PDFColumn(nameWidth)] + subjects.map { _ in PDFColumn(w, .center) },
                            header: [["№", "Ученик"] + subjects], rows: rows, fontSize: 7))
    }

    static func movementKind(_ k: String) -> String {
        switch k {
        case "arrival": return "прибыл(а)"
        case "withdrawal": return "выбыл(а)"
        case "transfer": return "перевод"
        case "data_change": return "изменение данных"
        default: return k
        }
    }

    private func movements(_ flow: PageFlow) {
        flow.newPage(.a4Portrait)
        flow.paragraph("Движение обучающихся: \(journal.period.name) \(journal.period.yearName), \(journal.classUnit.name)", size: 11, font: 1, after: 6)
        if journal.movements.isEmpty {
            flow.paragraph("Движения обучающихся за период не было.", size: 9)
            return
        }
        let rows = journal.movements.map {
            [Self.fullDate($0.date), $0.student, Self.movementKind($0.kind), $0.fromClass ?? "", $0.toClass ?? "", $0.details ?? ""]
        }
        flow.table(PDFTable(columns: [PDFColumn(56), PDFColumn(150), PDFColumn(70), PDFColumn(45), PDFColumn(45), PDFColumn(169)],
                            header: [["Дата", "Обучающийся", "Событие", "Из класса", "В класс", "Основание"]], rows: rows, fontSize: 8))
    }
}
