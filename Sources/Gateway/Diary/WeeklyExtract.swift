import Foundation
import JournalModel
import JournalStore

/// ISO weeks as `2026-W37`.
public enum ISOWeek {
    /// The Monday of an ISO week, or nil when the text is not `YYYY-Www` with a week that exists.
    public static func monday(_ text: String) -> CivilDate? {
        let parts = text.uppercased().split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), parts[1].hasPrefix("W"),
              let week = Int(parts[1].dropFirst()), parts[1].count == 3, week >= 1,
              let jan4 = CivilDate(year: year, month: 1, day: 4) else { return nil }
        let monday = jan4.weekStart.adding(days: 7 * (week - 1))
        guard weeks(in: year) >= week else { return nil }
        return monday
    }

    /// 52 or 53: a year has 53 ISO weeks when 28 December falls in week 53.
    public static func weeks(in year: Int) -> Int {
        let dec28 = CivilDate(year: year, month: 12, day: 28)!
        let week1 = CivilDate(year: year, month: 1, day: 4)!.weekStart
        return (dec28.weekStart.daysSinceEpoch - week1.daysSinceEpoch) / 7 + 1
    }

    /// `2026-W37` for a date.
    public static func name(of date: CivilDate) -> String {
        var year = date.year
        if let next = CivilDate(year: year + 1, month: 1, day: 4), date >= next.weekStart { year += 1 }
        else if date < CivilDate(year: year, month: 1, day: 4)!.weekStart { year -= 1 }
        let week = (date.weekStart.daysSinceEpoch - CivilDate(year: year, month: 1, day: 4)!.weekStart.daysSinceEpoch) / 7 + 1
        return "\(year)-W" + (week < 10 ? "0\(week)" : String(week))
    }
}

/// The printed weekly extract (R12): for a parent without electronic access, one A4 page
/// per child with the week's lessons, topics, homework, marks and absences, and the
/// period's final marks and forecasts. Only that child's data is on the page (R8); in
/// grade 1 there are no marks or homework (R1).
public struct WeeklyExtract {
    let store: JournalStore

    public struct Row: Sendable {
        public var number: Int
        public var subject: String
        public var topic: String?
        public var teacher: String?
        public var substitute: Bool
        public var homework: String?
        public var marks: [String]
        public var absence: String?
    }

    public struct Day: Sendable {
        public var date: CivilDate
        public var rows: [Row]
    }

    public struct Page: Sendable {
        public var studentID: String
        public var studentName: String
        public var className: String
        public var classTeacher: String?
        public var grade: Int
        public var days: [Day]
        public var periodName: String?
        /// Per subject of the week: the period's final mark and forecast.
        public var results: [(subject: String, final: String?, forecast: String?)]
        /// «О — ответ на уроке», … for the work types on the page.
        public var workTypes: [String]
    }

    public init(store: JournalStore) { self.store = store }

    /// The pages of every active student of a class (`5А`, `5 а`, …), by surname.
    public func pages(className raw: String, week monday: CivilDate) throws -> [Page] {
        guard let name = ClassName.normalize(raw),
              let cls = try store.records(.classUnit, where: ClassUnit.name, equals: .text(name)).first else {
            throw GatewayError.usage(.noClassInStore, ["class": raw])
        }
        let students = try store.records(.student, where: Student.classUnit, equals: .text(cls.id))
            .filter { $0[Student.status].text != "withdrawn" }
            .sorted { DiaryTexts.fullName($0) < DiaryTexts.fullName($1) }
        guard !students.isEmpty else { throw GatewayError.usage(.classEmpty, ["class": name]) }
        let dir = try DiaryDirectory(store: store)
        return try students.map { try page(student: $0.id, week: monday, dir: dir) }
    }

    /// One child's page for the week starting on `monday`.
    public func page(student id: String, week monday: CivilDate) throws -> Page {
        try page(student: id, week: monday, dir: try DiaryDirectory(store: store))
    }

    func page(student id: String, week monday: CivilDate, dir: DiaryDirectory) throws -> Page {
        guard let student = store.record(.student, id: id) else { throw GatewayError.usage(.noStudent, ["student": id]) }
        guard let classID = dir.classOf(id, on: monday), let cls = dir.classes[classID] else {
            throw GatewayError.usage(.studentNoClass, ["student": id, "monday": monday.russian])
        }
        let grade = cls[ClassUnit.grade].int ?? 0
        var days: [Day] = []
        for offset in 0..<7 {
            let date = monday.adding(days: offset)
            var rows: [Row] = []
            for lessonID in try store.lessonIDs(classID: classID, date: date.description) {
                guard let lesson = dir.lesson(lessonID) else { continue }
                if let g = lesson[Lesson.group].text, !(dir.groupMembers[g]?.contains(id) ?? false) { continue }
                rows.append(try self.row(lesson, student: id, dir: dir, grade1: grade == 1))
            }
            if !rows.isEmpty || offset < 5 { days.append(Day(date: date, rows: rows)) }
        }
        var results: [(subject: String, final: String?, forecast: String?)] = []
        let period = dir.period(on: monday) ?? dir.period(on: monday.adding(days: 4))
        if let period, grade != 1 {
            var subjects: [String] = []
            for d in days { for r in d.rows where !subjects.contains(r.subject) { subjects.append(r.subject) } }
            for name in subjects {
                guard let subjectID = dir.subjects.first(where: { $0.value == name })?.key else { continue }
                let final = try store.finalMarkValue(student: id, subject: subjectID, period: period.id)
                let forecast = Forecast.value(try Forecast.marks(store, student: id, subject: subjectID, period: period)).map(String.init)
                if final != nil || forecast != nil { results.append((name, final, final == nil ? forecast : nil)) }
            }
        }
        return Page(studentID: id, studentName: DiaryTexts.fullName(student), className: cls[ClassUnit.name].text ?? "",
                    classTeacher: dir.teacherName(cls[ClassUnit.teacher].text), grade: grade, days: days,
                    periodName: period?[Period.name].text, results: results,
                    workTypes: dir.workTypes.values.compactMap { w in w[WorkType.abbr].text.map { "\($0) — \((w[WorkType.name].text ?? "").lowercased())" } }.sorted())
    }

    private func row(_ lesson: Record, student: String, dir: DiaryDirectory, grade1: Bool) throws -> Row {
        let subject = lesson[Lesson.subject].text.flatMap { dir.subjects[$0] } ?? ""
        var marks: [String] = []
        var homework: String?
        if !grade1 {
            for m in try store.records(.mark, where: Mark.lesson, equals: .text(lesson.id)) where m[Mark.student].text == student {
                guard let v = m[Mark.value].text else { continue }
                let abbr = m[Mark.workType].text.flatMap { dir.workTypes[$0]?[WorkType.abbr].text }
                marks.append(abbr.map { "\(v) (\($0))" } ?? v)
            }
            if let hw = try store.records(.homework, where: Homework.lesson, equals: .text(lesson.id)).first {
                homework = hw[Homework.text].text
                if let due = hw[Homework.due].text.flatMap(CivilDate.init(iso:)) { homework = (homework ?? "") + " (к \(due.day).\(due.month < 10 ? "0" : "")\(due.month))" }
            }
        }
        let absence = try store.records(.attendance, where: Attendance.lesson, equals: .text(lesson.id))
            .first { $0[Attendance.student].text == student }
            .map { DiaryTexts.attendanceMark(kind: $0[Attendance.kind].text, reason: $0[Attendance.reason].text) }
        return Row(number: lesson[Lesson.number].int ?? 0, subject: subject, topic: lesson[Lesson.topic].text, teacher: dir.lessonTeacher(lesson),
                   substitute: !lesson[Lesson.substitute].isNull, homework: homework, marks: marks, absence: absence)
    }
}
