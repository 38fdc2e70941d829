import Foundation
import JournalModel
import JournalStore

/// The weekly control of keeping the journal: per teacher and class, each finding naming the
/// rule it breaks (R2, R3, R4, R5, R6, R9). Times are the change log's (when the gateway first
/// held the entry), read in the school's time zone; docs/reports.md gives every rule's test.
struct JournalControlReport: Sendable {
    struct Finding: Sendable, Equatable {
        let rule: String
        let teacher: String
        let className: String
        let subject: String
        let date: CivilDate
        let what: String
    }

    /// The school's settings (store meta keys; docs/reports.md).
    struct Settings: Sendable {
        /// Topics by this time of the lesson's day (002 §3.5: 15:00; 003 §4.4.1: 20:00). `rules.topic_deadline`.
        var topicDeadlineMinutes = 15 * 60
        /// Absence reasons by this time of the day (R6). `rules.reason_deadline`.
        var reasonDeadlineMinutes = 19 * 60
        /// R3: fewest current marks a final mark rests on. `rules.min_current_marks`.
        var minCurrentMarks = 3
        /// R3: «н/а» and «осв.» are not final marks (003 §5.3). `rules.r3` = on|off.
        var forbidNotCertified = true

        init() {}
        init(store: JournalStore) throws {
            if let t = try store.meta("rules.topic_deadline"), let m = Settings.minutes(t) { topicDeadlineMinutes = m }
            if let t = try store.meta("rules.reason_deadline"), let m = Settings.minutes(t) { reasonDeadlineMinutes = m }
            if let n = try store.meta("rules.min_current_marks").flatMap(Int.init) { minCurrentMarks = n }
            if let r = try store.meta("rules.r3") { forbidNotCertified = r != "off" }
        }
        static func minutes(_ hhmm: String) -> Int? {
            let p = hhmm.split(separator: ":").compactMap { Int($0) }
            return p.count == 2 && (0..<24).contains(p[0]) && (0..<60).contains(p[1]) ? p[0] * 60 + p[1] : nil
        }
    }

    let school: String
    let from: CivilDate, to: CivilDate
    let findings: [Finding]
    let missingCalendarYears: [Int]

    var counts: [(String, Int)] {
        Dictionary(grouping: findings, by: \.rule).map { ($0.key, $0.value.count) }.sorted { $0.0 < $1.0 }
    }

    /// Monday to Sunday of the last full week before `today`.
    static func lastFullWeek(_ today: CivilDate) -> (CivilDate, CivilDate) {
        let monday = today.weekStart.adding(days: -7)
        return (monday, monday.adding(days: 6))
    }

    /// When lesson `n` ends (bell schedule 08:00, 45-minute lessons, 10-minute breaks), minutes after midnight.
    static func lessonEnd(_ n: Int) -> Int { 8 * 60 + max(1, n) * 45 + (max(1, n) - 1) * 10 }

    static func compute(_ ctx: ReportContext, store: JournalStore, classes: [ReportRows.ClassUnit], from: CivilDate, to: CivilDate,
                        calendar: WorkingCalendar, settings: Settings) throws -> JournalControlReport {
        let zone = store.school.timeZone
        let clock = LocalClock(zone)
        let now = LocalTime(store.now(), zone)
        let inScope = Set(classes.map(\.id))
        var out: [Finding] = []
        func teacher(_ id: String?) -> String { id.flatMap { ctx.teachers[$0] } ?? "" }
        func subject(_ id: String) -> String { ctx.subjectName[id] ?? id }
        func className(_ id: String) -> String { ctx.classByID[id]?.name ?? id }

        // R2: lessons dated after today, whatever the range.
        for l in try store.reportLessons(from: ctx.today.adding(days: 1), to: CivilDate(year: 9999, month: 12, day: 31)!) where inScope.contains(l.classID) {
            out.append(Finding(rule: "R2", teacher: teacher(l.substitute ?? l.teacher), className: className(l.classID), subject: subject(l.subject),
                               date: l.date, what: "урок №\(l.number) записан заранее (дата урока позже сегодняшней)"))
        }

        let lessons = try store.reportLessons(from: from, to: to).filter { inScope.contains($0.classID) && $0.date <= ctx.today }
        let byID = Dictionary(uniqueKeysWithValues: lessons.map { ($0.id, $0) })
        // R5: topics.
        let topicAt = Dictionary(try store.reportTopicTimes(from: from, to: to).map { ($0.record, $0.at) }, uniquingKeysWith: { a, _ in a })
        for l in lessons {
            let deadline = LocalTime(date: l.date, minutes: settings.topicDeadlineMinutes)
            let who = teacher(l.substitute ?? l.teacher)
            if let at = clock.local(topicAt[l.id].flatMap { $0 }) {
                if at > deadline {
                    out.append(Finding(rule: "R5", teacher: who, className: className(l.classID), subject: subject(l.subject), date: l.date,
                                       what: "тема урока №\(l.number) внесена \(at) (срок — \(deadline))"))
                }
            } else if !l.hasTopic && now > deadline {
                out.append(Finding(rule: "R5", teacher: who, className: className(l.classID), subject: subject(l.subject), date: l.date,
                                   what: "нет темы урока №\(l.number) (срок — \(deadline))"))
            }
        }
        // R5: written work marks within 5 working days; one finding per lesson and work type.
        var lateMarks: [ReportRows.Pair: (count: Int, last: LocalTime)] = [:]
        var written: [String: Bool] = [:]   // per work type name: the test is a dozen substring searches
        for m in try store.reportMarks(from: from, to: to) {
            let isWritten = written[m.workType] ?? { let w = JournalControlReport.isWritten(m.workType); written[m.workType] = w; return w }()
            guard isWritten else { continue }
            guard let l = byID[m.lesson], let at = clock.local(m.enteredAt) else { continue }
            if at.date > calendar.adding(workingDays: 5, to: l.date) {
                let key = ReportRows.Pair(l.id, m.workType)
                let prev = lateMarks[key]
                lateMarks[key] = ((prev?.count ?? 0) + 1, max(prev?.last ?? at, at))
            }
        }
        for (key, v) in lateMarks {
            let l = byID[key.a]!
            out.append(Finding(rule: "R5", teacher: teacher(l.substitute ?? l.teacher), className: className(l.classID), subject: subject(l.subject),
                               date: l.date, what: "\(v.count) отм. за «\(key.b)» внесены \(v.last.date.russian) — позже 5 рабочих дней (срок \(calendar.adding(workingDays: 5, to: l.date).russian))"))
        }
        // R5: homework within an hour after the class's (group's) last lesson of the day.
        var lastLesson: [ReportRows.Pair: Int] = [:]
        for l in lessons { let k = ReportRows.Pair(l.classID, l.date.description); lastLesson[k] = max(lastLesson[k] ?? 0, l.number) }
        for h in try store.reportHomework(from: from, to: to) {
            guard let l = byID[h.record], let at = clock.local(h.at) else { continue }
            let last = lastLesson[ReportRows.Pair(l.classID, l.date.description)] ?? l.number
            let deadline = LocalTime(date: l.date, minutes: JournalControlReport.lessonEnd(last) + 60)
            if at > deadline {
                out.append(Finding(rule: "R5", teacher: teacher(l.substitute ?? l.teacher), className: className(l.classID), subject: subject(l.subject),
                                   date: l.date, what: "домашнее задание к уроку №\(l.number) внесено \(at) (срок — \(deadline))"))
            }
        }
        // R6: absences without a reason after the day's deadline, per class and day (the class teacher's).
        let reasonAt = Dictionary(try store.reportReasonTimes(from: from, to: to).map { ($0.record, $0.at) }, uniquingKeysWith: { a, _ in a })
        var r6: [ReportRows.Pair: (missing: Int, late: Int)] = [:]
        for a in try store.reportAttendance(from: from, to: to) where !a.late {
            guard let l = byID[a.lesson] else { continue }
            let deadline = LocalTime(date: l.date, minutes: settings.reasonDeadlineMinutes)
            let key = ReportRows.Pair(l.classID, l.date.description)
            if a.reason == nil {
                if now > deadline { r6[key, default: (0, 0)].missing += 1 }
            } else if let at = clock.local(reasonAt[a.id].flatMap { $0 }), at > deadline {
                r6[key, default: (0, 0)].late += 1
            }
        }
        for (key, v) in r6 {
            let c = ctx.classByID[key.a]
            let date = CivilDate(iso: key.b)!
            let time = LocalTime(date: date, minutes: settings.reasonDeadlineMinutes)
            if v.missing > 0 {
                out.append(Finding(rule: "R6", teacher: c.map(ctx.classTeacher) ?? "", className: className(key.a), subject: "", date: date,
                                   what: "\(v.missing) пропуск(ов) без причины после \(time)"))
            }
            if v.late > 0 {
                out.append(Finding(rule: "R6", teacher: c.map(ctx.classTeacher) ?? "", className: className(key.a), subject: "", date: date,
                                   what: "причина \(v.late) пропуск(ов) указана позже \(time)"))
            }
        }
        out += try finalMarkFindings(ctx, store: store, classes: classes, from: from, to: to, calendar: calendar, settings: settings, zone: zone)
        // R9: contingent changes entered more than 5 working days after their date (entered in the range).
        for mv in ctx.movements where mv.kind != MovementKind.dataChange.rawValue && !ctx.membership.firstListMovements.contains(mv.id) {
            guard let at = clock.local(mv.enteredAt), at.date >= from, at.date <= to else { continue }
            let due = calendar.adding(workingDays: 5, to: mv.date)
            guard at.date > due else { continue }
            let file = ctx.studentByID[mv.student]?.fileNumber ?? mv.student
            out.append(Finding(rule: "R9", teacher: "", className: mv.toClass ?? mv.fromClass ?? "", subject: "", date: mv.date,
                               what: "\(MovementReport.kindRussian(mv.kind)) (л/д \(file)) внесено \(at.date.russian) — позже 5 рабочих дней (срок \(due.russian))"))
        }
        let keyed = out.map { (f: $0, cls: ClassSortKey($0.className)) }
        let sorted = keyed.sorted { a, b in
            if a.f.teacher != b.f.teacher { return a.f.teacher < b.f.teacher }
            if a.cls != b.cls { return a.cls < b.cls }
            if a.f.date != b.f.date { return a.f.date < b.f.date }
            return (a.f.rule, a.f.what) < (b.f.rule, b.f.what)
        }.map(\.f)
        return JournalControlReport(school: ctx.schoolName, from: from, to: to, findings: sorted, missingCalendarYears: calendar.yearsMissing(from: from, to: to))
    }

    /// Work types that are written work (контрольная, самостоятельная, проверочная, диктант, …).
    static func isWritten(_ workType: String) -> Bool {
        let w = workType.lowercased()
        return ["контрольн", "самостоятельн", "проверочн", "диктант", "сочинени", "изложени", "письменн", "тест", "практическ", "лабораторн"]
            .contains { w.contains($0) }
    }
}

/// 2А < 10А for sorting findings.
struct ClassSortKey: Comparable, Equatable {
    let grade: Int, name: String
    init(_ name: String) { self.name = name; grade = ClassName.grade(of: name) ?? 0 }
    static func < (a: ClassSortKey, b: ClassSortKey) -> Bool { (a.grade, a.name) < (b.grade, b.name) }
}
