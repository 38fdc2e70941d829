import JournalModel

/// How the platform writes objects: in pages (`withVer`, nested) and in the feed (placed, flat).
extension PortalState {
    /// `"2026-09-07T00:00:00"`: local school time without offset, as the platform writes dates.
    static func dateTime(_ d: CivilDate) -> JSON { .string("\(d)T00:00:00") }
    static func dateTime(_ d: CivilDate?) -> JSON { d.map(dateTime) ?? .null }
    static func text(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
    static func number(_ i: Int?) -> JSON { i.map(JSON.int) ?? .null }

    /// A mark value: a string, or a JSON number for five-point marks on servers that send numbers.
    func markValue(_ v: String?) -> JSON {
        guard let v else { return .null }
        if config.marksAsNumbers, let n = Int(v), (1...5).contains(n) { return .int(n) }
        return .string(v)
    }

    func studentJSON(_ s: Student, feed: Bool) -> JSON {
        var p: [(String, JSON)] = [("id", .int(s.id))]
        if feed { p.append(("classId", .int(s.classId))) }
        p += [("lastName", .string(s.lastName)), ("firstName", .string(s.firstName)), ("middleName", Self.text(s.middleName)),
              ("birthDate", Self.dateTime(s.birthDate)), ("personalFileNumber", Self.text(s.personalFileNumber)),
              ("snils", Self.text(s.snils))]
        p.append(("groups", .array(s.groupIds.compactMap { config.group($0) }.map {
            .object([("subjectId", .int($0.subjectId)), ("groupId", .int($0.id))])
        })))
        p.append(("parents", .array(s.parentIds.compactMap { parents[$0] }.map { g in
            .object([("id", .int(g.id)), ("lastName", .string(g.lastName)), ("firstName", .string(g.firstName)),
                     ("middleName", Self.text(g.middleName)), ("snils", Self.text(g.snils)), ("phone", Self.text(g.phone))])
        })))
        if !feed { p.append(("ver", .int(s.ver))) }
        return .object(p)
    }

    /// A lesson: on a page with its ver, assignments and attendance; in the feed flat, placed by class and date.
    func lessonJSON(_ l: Lesson, feed: Bool) -> JSON {
        var p: [(String, JSON)] = [("classmeetingId", .int(l.id))]
        if feed { p += [("classId", .int(l.classId)), ("date", Self.dateTime(l.date))] }
        p += [("number", .int(l.number)), ("startTime", Self.text(l.startTime)), ("endTime", Self.text(l.endTime)),
              ("room", Self.text(l.room)), ("subjectId", .int(l.subjectId)),
              ("subjectName", Self.text(config.subject(l.subjectId)?.name)), ("groupId", Self.number(l.groupId)),
              ("teacherId", .int(l.teacherId)), ("substituteTeacherId", Self.number(l.substituteTeacherId)),
              ("lessonTheme", Self.text(l.theme))]
        if !feed {
            p.append(("ver", .int(l.ver)))
            p.append(("assignments", .array(l.assignmentIds.compactMap { assignments[$0] }.map { assignmentJSON($0, feed: false) })))
            p.append(("attendance", .array(l.attendance.sorted { $0.key < $1.key }.map { attendanceJSON(lesson: l.id, student: $0.key, $0.value, feed: false) })))
        }
        return .object(p)
    }

    /// An assignment (`classMeetingId` with a capital M, here and in the feed).
    func assignmentJSON(_ a: Assignment, feed: Bool) -> JSON {
        var p: [(String, JSON)] = [("id", .int(a.id)), ("classMeetingId", .int(a.lessonId)), ("typeId", .int(a.typeId)),
                                   ("assignmentName", .string(a.name)), ("weight", .int(a.weight)), ("dueDate", Self.dateTime(a.dueDate))]
        if !feed {
            p.append(("ver", .int(a.ver)))
            p.append(("marks", .array(a.marks.sorted { $0.key < $1.key }.map { markJSON(assignment: a, student: $0.key, $0.value, feed: false) })))
        }
        return .object(p)
    }

    func markJSON(assignment a: Assignment, student: Int, _ m: Mark, feed: Bool) -> JSON {
        var p: [(String, JSON)] = []
        if feed { p += [("assignmentId", .int(a.id)), ("classmeetingId", .int(a.lessonId))] }
        p += [("studentId", .int(student)), ("mark", markValue(m.value)), ("dutyMark", .bool(m.duty))]
        if !feed { p.append(("ver", .int(m.ver))) }
        return .object(p)
    }

    func attendanceJSON(lesson: Int, student: Int, _ a: Attendance, feed: Bool) -> JSON {
        var p: [(String, JSON)] = []
        if feed { p.append(("classmeetingId", .int(lesson))) }
        p += [("studentId", .int(student)), ("code", .string(a.code)), ("reason", Self.text(a.reason))]
        if !feed { p.append(("ver", .int(a.ver))) }
        return .object(p)
    }

    func finalMarkJSON(_ k: FinalMarkKey, _ f: FinalMark, feed: Bool) -> JSON {
        var p: [(String, JSON)] = [("studentId", .int(k.studentId)), ("subjectId", .int(k.subjectId)), ("termId", .int(k.termId)),
                                   ("mark", markValue(f.value))]
        if !feed { p.append(("ver", .int(f.ver))) }
        return .object(p)
    }

    /// The feed's `data` of a live object, with its ver.
    func liveData(_ key: ObjectKey) -> (Int, JSON)? {
        switch key {
        case .student(let id):
            guard let s = students[id] else { return nil }
            return (s.ver, studentJSON(s, feed: true))
        case .lesson(let id):
            guard let l = lessons[id] else { return nil }
            return (l.ver, lessonJSON(l, feed: true))
        case .assignment(let id):
            guard let a = assignments[id] else { return nil }
            return (a.ver, assignmentJSON(a, feed: true))
        case .mark(let aid, let sid):
            guard let a = assignments[aid], let m = a.marks[sid] else { return nil }
            return (m.ver, markJSON(assignment: a, student: sid, m, feed: true))
        case .attendance(let lid, let sid):
            guard let a = lessons[lid]?.attendance[sid] else { return nil }
            return (a.ver, attendanceJSON(lesson: lid, student: sid, a, feed: true))
        case .finalMark(let k):
            guard let f = finalMarks[k] else { return nil }
            return (f.ver, finalMarkJSON(k, f, feed: true))
        }
    }

    /// The object as a conflict reports it: the feed's data plus `ver`; null when it does not exist.
    func current(_ key: ObjectKey) -> JSON {
        guard let (ver, data) = liveData(key), case .object(var p) = data else { return .null }
        p.append(("ver", .int(ver)))
        return .object(p)
    }

    /// The identifying fields a delete item carries.
    func identity(_ key: ObjectKey) -> JSON {
        switch key {
        case .student(let id):
            return .object([("id", .int(id)), ("classId", Self.number(students[id]?.classId))])
        case .lesson(let id):
            let l = lessons[id]
            return .object([("classmeetingId", .int(id)), ("classId", Self.number(l?.classId)), ("date", Self.dateTime(l?.date))])
        case .assignment(let id):
            return .object([("id", .int(id)), ("classMeetingId", Self.number(assignments[id]?.lessonId))])
        case .mark(let aid, let sid):
            return .object([("assignmentId", .int(aid)), ("classmeetingId", Self.number(assignments[aid]?.lessonId)), ("studentId", .int(sid))])
        case .attendance(let lid, let sid):
            return .object([("classmeetingId", .int(lid)), ("studentId", .int(sid))])
        case .finalMark(let k):
            return .object([("studentId", .int(k.studentId)), ("subjectId", .int(k.subjectId)), ("termId", .int(k.termId))])
        }
    }

    /// The class-week page of `GET /webapi/journal`: days that have lessons, Monday to Sunday.
    func weekPage(_ cls: SchoolClass, weekStart: CivilDate) -> JSON {
        let weekEnd = weekStart.adding(days: 6)
        var days: [(CivilDate, [JSON])] = []
        for l in lessons(classId: cls.id, from: weekStart, through: weekEnd) {
            if days.last?.0 != l.date { days.append((l.date, [])) }
            days[days.count - 1].1.append(lessonJSON(l, feed: false))
        }
        return .object([
            ("classId", .int(cls.id)), ("className", .string(cls.name)),
            ("weekStart", Self.dateTime(weekStart)), ("weekEnd", Self.dateTime(weekEnd)),
            ("weekDays", .array(days.map { .object([("date", Self.dateTime($0.0)), ("lessons", .array($0.1))]) })),
        ])
    }
}
