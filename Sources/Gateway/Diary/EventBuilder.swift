import Foundation
import JournalModel
import JournalStore

/// The events one change-log entry yields: what changed, for which students, to whom.
///
/// Every event names one student and goes to the guardians linked to that student at the
/// entry (R8); a mark or homework event of grade 1 is not written (R1), nor anything dated
/// after the student's withdrawal. The id's key holds the record and the student, so an
/// entry that concerns several students (homework, a lesson change) gives one id each.
struct EventBuilder {
    let dir: DiaryDirectory
    let links: GuardianLinks
    let entry: DiaryLogEntry?
    /// A first-delivery entry: the record's state, not the change.
    let snapshot: Bool
    let yearStart: String?
    private(set) var counts = DiaryPlanCounts()
    private(set) var forecastTriggers: [DiaryPlanner.ForecastTrigger] = []

    init(dir: DiaryDirectory, links: GuardianLinks, entry: DiaryLogEntry?, snapshot: Bool, yearStart: String?) {
        self.dir = dir; self.links = links; self.entry = entry; self.snapshot = snapshot; self.yearStart = yearStart
    }

    mutating func events(_ store: JournalStore) throws -> [DiaryEvent] {
        guard let e = entry else { return [] }
        let (before, after) = try DiaryLog.states(store, e)
        switch e.kind {
        case .mark: return perStudent(before, after) { $0.markEvent($1, $2) }
        case .attendance: return perStudent(before, after) { $0.attendanceEvent($1, $2) }
        case .finalMark: return perStudent(before, after) { $0.finalMarkEvent($1, $2) }
        case .homework: return homeworkEvents(before, after)
        case .lesson: return snapshot ? [] : lessonEvents(before, after)
        default: return []
        }
    }

    /// A record that names its student: when the student itself changed, the old student's
    /// guardians hear of the removal and the new one's of the creation, never each other's.
    private mutating func perStudent(_ before: Record?, _ after: Record?, _ make: (inout EventBuilder, Record?, Record?) -> DiaryEvent?) -> [DiaryEvent] {
        let b = snapshot ? nil : before
        if let b, let after, let key = b.kind.studentKey, b[key] != after[key] {
            return [make(&self, b, nil), make(&self, nil, after)].compactMap { $0 }
        }
        return [make(&self, b, after)].compactMap { $0 }
    }

    private func changed(_ a: Record?, _ b: Record?, _ fields: [Field]) -> Bool {
        fields.contains { a?[$0] != b?[$0] }
    }

    // MARK: marks

    private mutating func markEvent(_ before: Record?, _ after: Record?) -> DiaryEvent? {
        func visible(_ r: Record?) -> Bool { r.map { !$0[Mark.value].isNull } ?? false }
        let type: DiaryEventType
        switch (visible(before), visible(after)) {
        case (false, true): type = .markCreated
        case (true, true):
            guard changed(before, after, [Mark.value, Mark.workType, Mark.weight, Mark.lesson]) else { return nil }
            type = .markChanged
        case (true, false): type = .markDeleted
        default: return nil
        }
        let r = (after ?? before)!
        guard let student = r[Mark.student].text, let lesson = r[Mark.lesson].text.flatMap(dir.lesson),
              let date = CivilDate(iso: lesson[Lesson.date].text ?? "") else { return nil }
        let subject = lesson[Lesson.subject].text ?? ""
        let work = r[Mark.workType].text.flatMap { dir.workTypes[$0]?[WorkType.name].text }
        // A work type the directory cannot name: the event still goes (without it), and the summary says so.
        if work == nil, let id = r[Mark.workType].text { counts.unrendered["work type \(id)", default: 0] += 1 }
        var p: [(String, JSON)] = [("date", .string(date.description)), ("lesson", .int(lesson[Lesson.number].int ?? 0)),
                                   ("subject", .string(dir.subjects[subject] ?? subject)),
                                   ("work", .string(work ?? "")),
                                   ("value", .string((type == .markDeleted ? before : after)?[Mark.value].text ?? ""))]
        if type == .markChanged { p.append(("previous", before?[Mark.value].text.map(JSON.string) ?? .null)) }
        p.append(("weight", .int(r[Mark.weight].int ?? 1)))
        p.append(("teacher", dir.lessonTeacher(lesson).map(JSON.string) ?? .null))
        let event = make(type, kind: "mark", key: "\(r.id)|\(student)", student: student, date: date, payload: p,
                         grade1: dir.grade(ofClass: lesson[Lesson.classUnit].text) == 1)
        if event != nil, let e = entry, let period = dir.period(on: date) {
            forecastTriggers.append(.init(student: student, subject: subject, period: period, seq: e.seq, at: e.at))
        }
        return event
    }

    // MARK: attendance

    private mutating func attendanceEvent(_ before: Record?, _ after: Record?) -> DiaryEvent? {
        let type: DiaryEventType
        if let after {
            if before != nil, !changed(before, after, [Attendance.kind, Attendance.reason, Attendance.lesson]) { return nil }
            type = .attendanceAbsent
        } else if before != nil {
            type = .attendanceCleared
        } else {
            return nil
        }
        let r = (after ?? before)!
        guard let student = r[Attendance.student].text, let lesson = r[Attendance.lesson].text.flatMap(dir.lesson),
              let date = CivilDate(iso: lesson[Lesson.date].text ?? "") else { return nil }
        let subject = lesson[Lesson.subject].text ?? ""
        var p: [(String, JSON)] = [("date", .string(date.description)),
                                   ("lessons", .array([.object([("number", .int(lesson[Lesson.number].int ?? 0)),
                                                                ("subject", .string(dir.subjects[subject] ?? subject))])]))]
        if type == .attendanceAbsent {
            if !DiaryTexts.knownReason(kind: r[Attendance.kind].text, reason: r[Attendance.reason].text) {
                counts.unrendered["attendance reason «\(r[Attendance.reason].text ?? "")»", default: 0] += 1
            }
            p.append(("mark", .string(DiaryTexts.attendanceMark(kind: r[Attendance.kind].text, reason: r[Attendance.reason].text))))
            p.append(("reason", .string(DiaryTexts.attendanceReason(kind: r[Attendance.kind].text, reason: r[Attendance.reason].text))))
        }
        return make(type, kind: "attendance", key: "\(r.id)|\(student)", student: student, date: date, payload: p, grade1: false)
    }

    // MARK: final marks

    private mutating func finalMarkEvent(_ before: Record?, _ after: Record?) -> DiaryEvent? {
        if before != nil, after != nil, !changed(before, after, [FinalMark.value, FinalMark.subject, FinalMark.period]) { return nil }
        guard let r = after ?? before, let student = r[FinalMark.student].text, let e = entry,
              let period = r[FinalMark.period].text.flatMap({ id in dir.periods.first { $0.id == id } }) else { return nil }
        if snapshot, let ys = yearStart, (period[Period.endDate].text ?? "") < ys { counts.skippedOtherYears += 1; return nil }
        let date = DiaryTexts.localDate(e.at, zone: dir.zone) ?? CivilDate(iso: period[Period.endDate].text ?? "")!
        let subject = r[FinalMark.subject].text ?? ""
        var p: [(String, JSON)] = [("subject", .string(dir.subjects[subject] ?? subject)), ("period", .string(period[Period.name].text ?? "")),
                                   ("value", after?[FinalMark.value].text.map(JSON.string) ?? .null)]
        if before != nil { p.append(("previous", before?[FinalMark.value].text.map(JSON.string) ?? .null)) }
        return make(.finalMarkSet, kind: "final_mark", key: "\(r.id)|\(student)", student: student, date: date, payload: p,
                    grade1: dir.grade(ofClass: dir.classOf(student, on: date)) == 1)
    }

    // MARK: homework and lessons (one event per student of the lesson)

    private mutating func homeworkEvents(_ before: Record?, _ after: Record?) -> [DiaryEvent] {
        let b = snapshot ? nil : before
        if let b, let after, !changed(b, after, [Homework.text, Homework.due, Homework.lesson]) { return [] }
        guard let r = after ?? b, let lesson = r[Homework.lesson].text.flatMap(dir.lesson),
              let date = CivilDate(iso: lesson[Lesson.date].text ?? "") else { return [] }
        let subject = lesson[Lesson.subject].text ?? ""
        let p: [(String, JSON)] = [("date", .string(date.description)), ("lesson", .int(lesson[Lesson.number].int ?? 0)),
                                   ("subject", .string(dir.subjects[subject] ?? subject)),
                                   ("text", after?[Homework.text].text.map(JSON.string) ?? .null),
                                   ("due", after?[Homework.due].text.map(JSON.string) ?? .null),
                                   ("teacher", dir.lessonTeacher(lesson).map(JSON.string) ?? .null)]
        let grade1 = dir.grade(ofClass: lesson[Lesson.classUnit].text) == 1
        return dir.studentsOf(lesson: lesson).compactMap { s in
            make(.homeworkSet, kind: "homework", key: "\(r.id)|\(s)", student: s, date: date, payload: p, grade1: grade1)
        }
    }

    private mutating func lessonEvents(_ before: Record?, _ after: Record?) -> [DiaryEvent] {
        guard let before, let after, changed(before, after, [Lesson.date, Lesson.number, Lesson.subject, Lesson.teacher, Lesson.substitute, Lesson.classUnit, Lesson.group]),
              let date = CivilDate(iso: after[Lesson.date].text ?? "") else { return [] }
        let what: String
        if changed(before, after, [Lesson.date, Lesson.number]) { what = "перенос урока" }
        else if changed(before, after, [Lesson.substitute]) { what = after[Lesson.substitute].isNull ? "отмена замены" : "замена учителя" }
        else { what = "изменение расписания" }
        func describe(_ l: Record) -> JSON {
            .object([("date", .string(l[Lesson.date].text ?? "")), ("lesson", .int(l[Lesson.number].int ?? 0)),
                     ("subject", .string(l[Lesson.subject].text.flatMap { dir.subjects[$0] } ?? "")),
                     ("teacher", dir.lessonTeacher(l).map(JSON.string) ?? .null)])
        }
        guard case .object(let now) = describe(after) else { return [] }
        let p = now + [("change", .string(what)), ("previous", describe(before))]
        let students = Set(dir.studentsOf(lesson: after) + dir.studentsOf(lesson: before)).sorted()
        return students.compactMap { s in
            make(.lessonChanged, kind: "lesson", key: "\(after.id)|\(s)", student: s, date: date, payload: p, grade1: false)
        }
    }

    // MARK: the event itself

    private mutating func make(_ type: DiaryEventType, kind: String, key: String, student: String, date: CivilDate,
                               payload: [(String, JSON)], grade1: Bool) -> DiaryEvent? {
        guard let e = entry else { return nil }
        if snapshot, let ys = yearStart, date.description < ys, type != .finalMarkSet { counts.skippedOtherYears += 1; return nil }
        return make(type, kind: kind, key: key, seq: e.seq, at: e.at, student: student, date: date, payload: payload,
                    entity: e.kind.rawValue, recordID: e.recordID, grade1: grade1)
    }

    /// The event, or nil (counted) when R1, a withdrawal or the lack of a guardian stops it.
    mutating func make(_ type: DiaryEventType, kind: String, key: String, seq: Int, at: String, student: String, date: CivilDate,
                       payload: [(String, JSON)], entity: String, recordID: String, grade1: Bool = false) -> DiaryEvent? {
        if type.isMarkOrHomework, grade1 || dir.grade(ofClass: dir.classOf(student, on: date)) == 1 {
            counts.skippedGrade1 += 1
            return nil
        }
        if dir.isWithdrawn(student, on: date) { counts.skippedWithdrawn += 1; return nil }
        let recipients = links.guardians(of: student).compactMap(dir.recipient)
        guard !recipients.isEmpty else { counts.skippedNoRecipients += 1; return nil }
        return DiaryEvent(eventID: DiaryEvent.id(kind: kind, key: key, seq: seq), seq: seq, type: type,
                          occurredAt: DiaryTexts.localTimestamp(at, zone: dir.zone), studentID: student,
                          studentName: dir.studentName(student), recipients: recipients, payload: payload,
                          entity: entity, recordID: recordID, changedAt: at)
    }
}
