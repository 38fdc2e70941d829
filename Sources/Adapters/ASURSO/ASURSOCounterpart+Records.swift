import Foundation
import JournalModel
import SyncModel

/// АСУ РСО objects → canonical records, read strictly (asu-rso.md). Reference fields hold
/// АСУ РСО ids; the engine translates them through the identity map.
extension ASURSOCounterpart {
    /// A pupil (`version`: the object's `ver` on a page, the item's in the feed).
    func student(_ s: JSONReader, classID: Int, version: String) throws -> RemoteRecord {
        var fields = try Self.person(s, .student)
        fields[Student.fileNumber] = .text(try s.string("personalFileNumber", nonEmpty: true))
        fields[Student.birthDate] = .text(try s.asuDate("birthDate").description)
        fields[Student.snils] = FieldValue(try s.snils("snils", nullable: true))
        fields[Student.classUnit] = .text(String(classID))
        fields[Student.status] = .text("active")
        return RemoteRecord(.student, externalID: String(try s.asuID("id")), fields, version: version)
    }

    func lesson(_ l: JSONReader, classID: Int, date: CivilDate, version: String) throws -> RemoteRecord {
        RemoteRecord(.lesson, externalID: String(try l.asuID("classmeetingId")), [
            Lesson.classUnit: .text(String(classID)), Lesson.group: FieldValue(try l.asuID("groupId", nullable: true).map(String.init)),
            Lesson.subject: .text(String(try l.asuID("subjectId"))), Lesson.date: .text(date.description),
            Lesson.number: .int(try l.int("number", in: 1...12)), Lesson.teacher: .text(String(try l.asuID("teacherId"))),
            Lesson.substitute: FieldValue(try l.asuID("substituteTeacherId", nullable: true).map(String.init)),
            Lesson.topic: FieldValue(try l.string("lessonTheme", nullable: true)),
        ], version: version)
    }

    /// An assignment (`classMeetingId`, capital M, already checked by the caller): the
    /// homework record when it is «Домашнее задание» with weight 0; in any case remembered
    /// so its marks know their work type and weight.
    func assignment(_ a: JSONReader, lessonID: Int, version: String, ref: Reference) throws -> RemoteRecord? {
        let id = try a.asuID("id"), typeField = try a.field("typeId"), type = try typeField.asInt()
        guard ref.types[type] != nil else {
            throw typeField.violation(expected: "one of the ids of webapi/grade/assignment/types", got: String(type))
        }
        let weight = try a.int("weight", in: 0...Int.max)
        let text = try a.string("assignmentName"), due = try a.asuDate("dueDate", nullable: true)
        memory.setAssignment(id, (lessonID, type, weight))
        // A mark's weight is its assignment's: marks go to an assignment of their weight.
        memory.claimSlot("\(lessonID)/\(type)/\(weight)", id)
        guard type == ref.homeworkType, weight == 0 else { return nil }
        return RemoteRecord(.homework, externalID: String(id), [Homework.lesson: .text(String(lessonID)), Homework.text: .text(text),
                                                               Homework.due: FieldValue(due?.description)], version: version)
    }

    /// A mark of a known assignment; nil when the assignment is not known.
    func mark(_ m: JSONReader, assignmentID: Int, version: String) throws -> RemoteRecord? {
        let sid = try m.asuID("studentId"), point = try m.bool("dutyMark")
        // «точка»: work owed, no mark yet, `mark` null; otherwise a mark.
        let raw = try m.asuMark("mark", nullable: point)
        if point, raw != nil { throw m.violation(at: "mark", expected: "null (dutyMark is true)", got: "a mark") }
        guard let a = assignments[assignmentID] else { return nil }
        // A value without a line stays raw and is listed: the engine parks the mark.
        let mapped = raw.map(codes.markOrGap)
        return RemoteRecord(.mark, externalID: "\(assignmentID):\(sid)", [
            Mark.lesson: .text(String(a.lesson)), Mark.student: .text(String(sid)), Mark.workType: .text(String(a.type)),
            Mark.value: FieldValue(mapped?.value), Mark.point: .init(bool: point), Mark.weight: .int(a.weight),
        ], version: version, unmapped: mapped?.gap.map { [$0] } ?? [])
    }

    func attendance(_ a: JSONReader, lessonID: Int, version: String) throws -> RemoteRecord {
        let sid = try a.asuID("studentId")
        let code = try a.string("code", nonEmpty: true), rawReason = try a.string("reason", nullable: true)
        // A code and reason without a line stay raw (`kind` = code) and are listed: the engine parks the record.
        let found = codes.attendanceLine(code: code, reason: rawReason)
        return RemoteRecord(.attendance, externalID: "\(lessonID):\(sid)", [Attendance.lesson: .text(String(lessonID)), Attendance.student: .text(String(sid)),
                                                                           Attendance.kind: .text(found?.kind ?? code), Attendance.reason: FieldValue(found == nil ? rawReason : found?.reason)],
                            version: version, unmapped: found == nil ? [codes.attendanceGap(code: code, reason: rawReason)] : [])
    }

    func finalMark(_ f: JSONReader, version: String) throws -> RemoteRecord {
        let sid = try f.asuID("studentId"), subj = try f.asuID("subjectId"), term = try f.asuID("termId")
        let mapped = codes.markOrGap(try f.asuMark("mark", nullable: false)!)
        return RemoteRecord(.finalMark, externalID: "\(sid):\(subj):\(term)", [
            FinalMark.student: .text(String(sid)), FinalMark.subject: .text(String(subj)), FinalMark.period: .text(String(term)),
            FinalMark.value: .text(mapped.value),
        ], version: version, unmapped: mapped.gap.map { [$0] } ?? [])
    }

    /// A class-week page: lessons, homework, marks and attendance. The page must be the
    /// class and week asked for, every day inside that week; nothing of a page that breaks
    /// the document is kept (not even the assignments it taught this run).
    func journalRecords(_ page: JSONReader, classID: Int, week: CivilDate, ref: Reference) throws -> [RemoteRecord] {
        let mark = memory.begin()
        do {
            let out = try readJournalPage(page, classID: classID, week: week, ref: ref)
            memory.commit(mark)
            return out
        } catch {
            memory.rollback(mark)
            throw error
        }
    }

    private func readJournalPage(_ page: JSONReader, classID: Int, week: CivilDate, ref: Reference) throws -> [RemoteRecord] {
        try page.int("classId", equals: classID, "the class asked for")
        let start = try page.field("weekStart")
        if try start.asParsed(expected: JSONReader.asuDateForm, JSONReader.asuDate) != week {
            throw start.violation(expected: "\(week) (the week asked for)", got: "another date")
        }
        let weekEnd = week.adding(days: 6)
        var out: [RemoteRecord] = []
        var seenLessons = Set<Int>()
        for day in try page.objects("weekDays") {
            let dateField = try day.field("date")
            let date = try dateField.asParsed(expected: JSONReader.asuDateForm, JSONReader.asuDate)
            guard date >= week, date <= weekEnd else {
                throw dateField.violation(expected: "a day of the week \(week)…\(weekEnd)", got: date.description)
            }
            for l in try day.objects("lessons") {
                let lid = try l.asuID("classmeetingId")
                guard seenLessons.insert(lid).inserted else {
                    throw l.violation(at: "classmeetingId", expected: "a lesson listed once", got: "lesson \(lid) again")
                }
                memory.setPlace(lid, (classID, date))
                out.append(try lesson(l, classID: classID, date: date, version: String(try l.asuVer())))
                var marks: [RemoteRecord] = []
                for a in try l.objects("assignments") {
                    try a.int("classMeetingId", equals: lid, "the lesson it is listed under")
                    if let hw = try assignment(a, lessonID: lid, version: String(try a.asuVer()), ref: ref) { out.append(hw) }
                    let aid = try a.asuID("id")
                    for m in try a.objects("marks") {
                        if let r = try mark(m, assignmentID: aid, version: String(try m.asuVer())) { marks.append(r) }
                    }
                }
                out += marks
                for a in try l.objects("attendance") { out.append(try attendance(a, lessonID: lid, version: String(try a.asuVer()))) }
            }
        }
        return out
    }

    /// A final-marks answer: rows of the term asked for, of pupils of the class asked for
    /// (when the pupil is known from the class lists).
    func finalMarkRecords(_ body: JSONReader, classID: Int, termID: Int, ref: Reference) throws -> [RemoteRecord] {
        try body.asObjects().map { f in
            try f.int("termId", equals: termID, "the term asked for")
            let sidField = try f.field("studentId"), sid = try sidField.asInt()
            if let cls = ref.classOf[sid], cls != classID {
                throw sidField.violation(expected: "a pupil of class \(classID) (the class asked for)", got: "a pupil of class \(cls)")
            }
            return try finalMark(f, version: String(try f.asuVer()))
        }
    }

    /// Reads the class-week page of a lesson to learn its assignments (a mark in the
    /// feed names its assignment, not the assignment's type and weight).
    func learnAssignments(ofLesson lessonID: Int, ref: Reference) async throws {
        if lessonPlace[lessonID] == nil, let known = journalLessonPlace(lessonID) { memory.setPlace(lessonID, known) }
        guard let place = lessonPlace[lessonID] else {
            throw PortalError(kind: .unexpected, status: 200, message: "the change feed has a mark of lesson \(lessonID), which this gateway has never seen: run `sync asu-rso --full`")
        }
        let week = place.date.weekStart
        let body = try await getOK("webapi/journal", [("classId", String(place.classID)), ("weekStart", week.description)])
        _ = try journalRecords(body, classID: place.classID, week: week, ref: ref)
    }
}
