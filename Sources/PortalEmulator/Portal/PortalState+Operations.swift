import JournalModel

/// Who writes: a client through `journal/batch`, or the portal's own people (`/_emulator/edit`).
enum WriteMode {
    /// `baseVer` is always checked; absent means null (a new object).
    case client
    /// `baseVer` is checked only when given: a teacher editing on the portal itself.
    case portal
}

/// The result of one operation.
enum OpOutcome {
    case applied(ver: Int, id: Int?)
    case conflict(current: JSON)
    case rejected(String)
}

/// Applying `journal/batch` operations. Each operation is checked in full before anything
/// changes: references and values (else `rejected`), then `baseVer` (else `conflict`).
extension PortalState {
    /// Applies one operation; the result object is what the batch answer lists for it.
    mutating func apply(_ op: JSON, mode: WriteMode, today: CivilDate) -> (result: JSON, outcome: OpOutcome) {
        let f = OpFields(op)
        let outcome: OpOutcome
        do throws(Rejection) {
            let name = try f.string("op")
            switch name {
            case "upsertLesson": outcome = try upsertLesson(f, mode, today)
            case "upsertAssignment": outcome = try upsertAssignment(f, mode)
            case "deleteAssignment": outcome = try deleteAssignment(f, mode)
            case "upsertMark": outcome = try upsertMark(f, mode)
            case "deleteMark": outcome = try deleteMark(f, mode)
            case "upsertAttendance": outcome = try upsertAttendance(f, mode)
            // Not among the document's operations: the portal's own users (and clients only with extensions).
            case "deleteAttendance" where extensions || mode == .portal: outcome = try deleteAttendance(f, mode)
            case "upsertFinalMark": outcome = try upsertFinalMark(f, mode)
            case "editStudent" where mode == .portal: outcome = try editStudent(f)
            default: throw Rejection("Неизвестная операция «\(name)»")
            }
        } catch {
            outcome = .rejected(error.message)
        }
        var p: [(String, JSON)] = [("key", op["key"] ?? .null)]
        switch outcome {
        case .applied(let ver, let id):
            p += [("status", .string("applied")), ("ver", .int(ver))]
            if let id { p.append(("id", .int(id))) }
        case .conflict(let current):
            p += [("status", .string("conflict")), ("current", current)]
        case .rejected(let message):
            p += [("status", .string("rejected")), ("message", .string(message))]
        }
        return (.object(p), outcome)
    }

    /// A conflict when `baseVer` is not the object's current ver (nil when none exists).
    private func versionConflict(_ f: OpFields, _ mode: WriteMode, _ key: ObjectKey?) throws(Rejection) -> OpOutcome? {
        if mode == .portal && !f.has("baseVer") { return nil }
        let base = try f.optInt("baseVer")
        let live = key.flatMap(liveVer)
        return live == base ? nil : .conflict(current: key.map(current) ?? .null)
    }

    /// A delete of an object that is not there: a conflict for a client (someone deleted it), else rejected.
    private func missing(_ message: String, _ mode: WriteMode) throws(Rejection) -> OpOutcome {
        guard mode == .client else { throw Rejection(message) }
        return .conflict(current: .null)
    }

    // MARK: Lessons

    private mutating func upsertLesson(_ f: OpFields, _ mode: WriteMode, _ today: CivilDate) throws(Rejection) -> OpOutcome {
        var existing: Lesson?
        if let id = try f.optInt("classmeetingId") {
            guard let l = lessons[id] else { throw Rejection("Урок \(id) не найден") }
            existing = l
        } else {
            let classId = try f.int("classId"), number = try f.int("number")
            guard let date = try f.optDate("date") else { throw Rejection("Не указано поле «date»") }
            existing = lesson(classId: classId, date: date, number: number, groupId: try f.optInt("groupId"))
        }
        var l: Lesson
        if let e = existing {
            let movesClass = f.has("classId") ? try f.optInt("classId") != e.classId : false
            let movesGroup = f.has("groupId") ? try f.optInt("groupId") != e.groupId : false
            if movesClass || movesGroup { throw Rejection("Нельзя перенести урок в другой класс или группу: создайте новый урок") }
            l = e
        } else {
            l = Lesson(id: nextLessonID, classId: try f.int("classId"), date: CivilDate(daysSinceEpoch: 0), number: 0,
                       subjectId: try f.int("subjectId"), teacherId: try f.int("teacherId"), ver: 0)
        }
        if existing == nil || f.has("date") { l.date = try f.optDate("date") ?? l.date }
        if existing == nil || f.has("number") { l.number = try f.int("number") }
        if f.has("subjectId") { l.subjectId = try f.int("subjectId") }
        if existing == nil { l.groupId = try f.optInt("groupId") }
        if f.has("teacherId") { l.teacherId = try f.int("teacherId") }
        if f.has("substituteTeacherId") { l.substituteTeacherId = try f.optInt("substituteTeacherId") }
        if f.has("room") { l.room = try f.optString("room") }
        if f.has("lessonTheme") { l.theme = try f.optString("lessonTheme") }
        if f.has("startTime") || existing == nil { l.startTime = try f.optString("startTime") ?? config.bell(l.number)?.startTime }
        if f.has("endTime") || existing == nil { l.endTime = try f.optString("endTime") ?? config.bell(l.number)?.endTime }

        guard let cls = config.schoolClass(l.classId) else { throw Rejection("Класс \(l.classId) не найден") }
        guard l.date >= config.year.start, l.date <= config.year.end else {
            throw Rejection("Дата \(l.date.russian) вне учебного года \(config.year.name)")
        }
        guard l.date <= today else {
            throw Rejection("Нельзя заполнять журнал заранее: урок \(l.date.russian) ещё не проведён")
        }
        guard (1...12).contains(l.number) else { throw Rejection("Номер урока должен быть от 1 до 12") }
        guard let subject = config.subject(l.subjectId) else { throw Rejection("Предмет \(l.subjectId) не найден") }
        if let g = l.groupId {
            guard let group = config.group(g), group.classId == cls.id, group.subjectId == subject.id else {
                throw Rejection("Группа \(g) не относится к классу \(cls.name) и предмету «\(subject.name)»")
            }
        }
        guard config.teacher(l.teacherId) != nil else { throw Rejection("Учитель \(l.teacherId) не найден") }
        if let t = l.substituteTeacherId, config.teacher(t) == nil { throw Rejection("Учитель \(t) не найден") }
        if let other = lesson(classId: l.classId, date: l.date, number: l.number, groupId: l.groupId), other.id != l.id {
            throw Rejection("В классе \(cls.name) на \(l.date.russian) уже есть урок № \(l.number)")
        }
        if let c = try versionConflict(f, mode, existing.map { .lesson($0.id) }) { return c }

        if existing == nil { nextLessonID += 1 }
        l.ver = stamp(.lesson(l.id))
        put(l)
        return .applied(ver: l.ver, id: l.id)
    }

    // MARK: Assignments

    private func lessonForRecords(_ id: Int) throws(Rejection) -> (Lesson, SchoolClass) {
        guard let l = lessons[id] else { throw Rejection("Урок \(id) не найден") }
        guard let cls = config.schoolClass(l.classId) else { throw Rejection("Класс \(l.classId) не найден") }
        return (l, cls)
    }

    private mutating func upsertAssignment(_ f: OpFields, _ mode: WriteMode) throws(Rejection) -> OpOutcome {
        var existing: Assignment?
        if let id = try f.optInt("assignmentId") {
            guard let a = assignments[id] else { throw Rejection("Задание \(id) не найдено") }
            existing = a
        }
        let lessonId = try f.optInt("classmeetingId") ?? existing?.lessonId
        guard let lessonId else { throw Rejection("Не указано поле «classmeetingId»") }
        let (lesson, cls) = try lessonForRecords(lessonId)
        if let e = existing, e.lessonId != lessonId { throw Rejection("Задание \(e.id) относится к другому уроку") }
        guard cls.grade != 1 else { throw Rejection("В 1 классе задания и отметки по предметам не ведутся") }
        let typeId = try f.optInt("typeId") ?? existing?.typeId
        guard let typeId else { throw Rejection("Не указано поле «typeId»") }
        guard config.assignmentType(typeId) != nil else { throw Rejection("Неизвестный вид работы typeId=\(typeId)") }
        let name = try f.optString("assignmentName") ?? existing?.name ?? ""
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw Rejection("Не указано название задания «assignmentName»") }
        let weight = try f.optInt("weight") ?? existing?.weight ?? 1
        guard (0...10).contains(weight) else { throw Rejection("Вес задания должен быть от 0 до 10") }
        let due = try f.optDate("dueDate") ?? existing?.dueDate ?? lesson.date
        if let c = try versionConflict(f, mode, existing.map { .assignment($0.id) }) { return c }

        let id = existing?.id ?? nextAssignmentID
        if existing == nil { nextAssignmentID += 1; lessons[lessonId]!.assignmentIds.append(id) }
        let ver = stamp(.assignment(id))
        assignments[id] = Assignment(id: id, lessonId: lessonId, typeId: typeId, name: name, weight: weight, dueDate: due,
                                     ver: ver, marks: existing?.marks ?? [:])
        return .applied(ver: ver, id: id)
    }

    private mutating func deleteAssignment(_ f: OpFields, _ mode: WriteMode) throws(Rejection) -> OpOutcome {
        let id = try f.int("assignmentId")
        guard let a = assignments[id] else {
            guard tombstones[.assignment(id)] != nil else { throw Rejection("Задание \(id) не найдено") }
            return try missing("Задание \(id) не найдено", mode)
        }
        if let lid = try f.optInt("classmeetingId"), lid != a.lessonId { throw Rejection("Задание \(id) не относится к уроку \(lid)") }
        if let c = try versionConflict(f, mode, .assignment(id)) { return c }
        guard a.marks.isEmpty else { throw Rejection("По заданию \(id) выставлены отметки: сначала удалите отметки") }
        let ver = bury(.assignment(id), data: identity(.assignment(id)))
        lessons[a.lessonId]?.assignmentIds.removeAll { $0 == id }
        assignments[id] = nil
        return .applied(ver: ver, id: id)
    }

    // MARK: Marks

    /// The lesson, assignment and student of a mark operation, checked.
    private func markTarget(_ f: OpFields) throws(Rejection) -> (Assignment, Int) {
        let lessonId = try f.int("classmeetingId"), assignmentId = try f.int("assignmentId"), sid = try f.int("studentId")
        let (lesson, cls) = try lessonForRecords(lessonId)
        guard let a = assignments[assignmentId] else { throw Rejection("Задание \(assignmentId) не найдено") }
        guard a.lessonId == lessonId else { throw Rejection("Задание \(assignmentId) не относится к уроку \(lessonId)") }
        guard cls.grade != 1 else { throw Rejection("В 1 классе отметки не выставляются (безотметочное обучение)") }
        try checkStudent(sid, lesson, cls)
        return (a, sid)
    }

    private func checkStudent(_ sid: Int, _ lesson: Lesson, _ cls: SchoolClass) throws(Rejection) {
        guard let s = students[sid] else { throw Rejection("Ученик \(sid) не найден") }
        guard s.classId == lesson.classId else { throw Rejection("Ученик \(sid) не учится в классе \(cls.name)") }
        if let g = lesson.groupId, !s.groupIds.contains(g) {
            throw Rejection("Ученик \(sid) не входит в группу «\(config.group(g)?.name ?? String(g))»")
        }
    }

    private mutating func upsertMark(_ f: OpFields, _ mode: WriteMode) throws(Rejection) -> OpOutcome {
        let (a, sid) = try markTarget(f)
        let duty = try f.bool("dutyMark", default: false)
        let value = try f.optMark("mark")
        if duty {
            guard value == nil else { throw Rejection("У «точки» (dutyMark) не бывает значения отметки") }
        } else {
            guard let value else { throw Rejection("Не указано значение отметки «mark»") }
            guard Codes.markValues.contains(value) else { throw Rejection("Недопустимое значение отметки «\(value)»") }
        }
        if let c = try versionConflict(f, mode, .mark(assignment: a.id, student: sid)) { return c }
        let ver = stamp(.mark(assignment: a.id, student: sid))
        assignments[a.id]!.marks[sid] = Mark(value: value, duty: duty, ver: ver)
        return .applied(ver: ver, id: a.id)
    }

    private mutating func deleteMark(_ f: OpFields, _ mode: WriteMode) throws(Rejection) -> OpOutcome {
        let (a, sid) = try markTarget(f)
        let key = ObjectKey.mark(assignment: a.id, student: sid)
        guard a.marks[sid] != nil else { return try missing("Отметка не найдена", mode) }
        if let c = try versionConflict(f, mode, key) { return c }
        let ver = bury(key, data: identity(key))
        assignments[a.id]!.marks[sid] = nil
        return .applied(ver: ver, id: a.id)
    }

    // MARK: Attendance

    private mutating func upsertAttendance(_ f: OpFields, _ mode: WriteMode) throws(Rejection) -> OpOutcome {
        let lessonId = try f.int("classmeetingId"), sid = try f.int("studentId")
        let (lesson, cls) = try lessonForRecords(lessonId)
        try checkStudent(sid, lesson, cls)
        let code = try f.string("code")
        guard Codes.attendanceCodes.contains(code) else { throw Rejection("Недопустимый код посещаемости «\(code)»: Н или ОП") }
        let reason = try f.optString("reason")
        if let reason, !Codes.reasons.contains(reason) { throw Rejection("Недопустимая причина «\(reason)»: Б, УП или НП") }
        let key = ObjectKey.attendance(lesson: lessonId, student: sid)
        if let c = try versionConflict(f, mode, key) { return c }
        let ver = stamp(key)
        lessons[lessonId]!.attendance[sid] = Attendance(code: code, reason: reason, ver: ver)
        return .applied(ver: ver, id: lessonId)
    }

    private mutating func deleteAttendance(_ f: OpFields, _ mode: WriteMode) throws(Rejection) -> OpOutcome {
        let lessonId = try f.int("classmeetingId"), sid = try f.int("studentId")
        let (lesson, _) = try lessonForRecords(lessonId)
        let key = ObjectKey.attendance(lesson: lessonId, student: sid)
        guard lesson.attendance[sid] != nil else { return try missing("Отметка посещаемости не найдена", mode) }
        if let c = try versionConflict(f, mode, key) { return c }
        let ver = bury(key, data: identity(key))
        lessons[lessonId]!.attendance[sid] = nil
        return .applied(ver: ver, id: lessonId)
    }

    // MARK: Final marks

    private mutating func upsertFinalMark(_ f: OpFields, _ mode: WriteMode) throws(Rejection) -> OpOutcome {
        let k = FinalMarkKey(studentId: try f.int("studentId"), subjectId: try f.int("subjectId"), termId: try f.int("termId"))
        guard let s = students[k.studentId] else { throw Rejection("Ученик \(k.studentId) не найден") }
        guard config.subject(k.subjectId) != nil else { throw Rejection("Предмет \(k.subjectId) не найден") }
        guard config.term(k.termId) != nil else { throw Rejection("Учебный период \(k.termId) не найден") }
        guard config.schoolClass(s.classId)?.grade != 1 else { throw Rejection("В 1 классе итоговые отметки не выставляются") }
        guard let value = try f.optMark("mark") else { throw Rejection("Не указано значение отметки «mark»") }
        guard !Codes.forbiddenFinal.contains(value) else { throw Rejection("Итоговая отметка не может быть «\(value)»") }
        guard Codes.markValues.contains(value) else { throw Rejection("Недопустимое значение отметки «\(value)»") }
        if let c = try versionConflict(f, mode, .finalMark(k)) { return c }
        let ver = stamp(.finalMark(k))
        finalMarks[k] = FinalMark(value: value, ver: ver)
        return .applied(ver: ver, id: nil)
    }

    // MARK: Students (portal side only)

    /// Changes a student's fields (those given) or class: only through `/_emulator/edit`.
    private mutating func editStudent(_ f: OpFields) throws(Rejection) -> OpOutcome {
        let id = try f.int("id")
        guard var s = students[id] else { throw Rejection("Ученик \(id) не найден") }
        if f.has("lastName") { s.lastName = try f.string("lastName") }
        if f.has("firstName") { s.firstName = try f.string("firstName") }
        if f.has("middleName") { s.middleName = try f.optString("middleName") }
        if f.has("birthDate") { s.birthDate = try f.optDate("birthDate") }
        if f.has("personalFileNumber") { s.personalFileNumber = try f.optString("personalFileNumber") }
        if f.has("snils") { s.snils = try f.optString("snils") }
        if f.has("classId") {
            let c = try f.int("classId")
            guard config.schoolClass(c) != nil else { throw Rejection("Класс \(c) не найден") }
            if c != s.classId { s.groupIds = [] }
            s.classId = c
        }
        if f.has("groupIds") {
            s.groupIds = []
            for v in f.pairs.first(where: { $0.0 == "groupIds" })?.1.array ?? [] {
                guard let g = v.int, config.group(g)?.classId == s.classId else { throw Rejection("Группа \(v.serialized()) не относится к классу ученика") }
                s.groupIds.append(g)
            }
        }
        if let c = try versionConflict(f, .portal, .student(id)) { return c }
        s.ver = stamp(.student(id))
        students[id] = s
        return .applied(ver: s.ver, id: id)
    }
}
