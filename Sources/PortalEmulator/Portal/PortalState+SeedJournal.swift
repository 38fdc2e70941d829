import JournalModel

/// Loading lessons, final marks and the runtime section (see `PortalState+Seed.swift`).
extension PortalState {
    mutating func loadLessons(_ f: SeedFields) throws(EmulatorError) {
        let lessonKeys = ["id", "classId", "date", "number", "subjectId", "groupId", "teacherId", "substituteTeacherId", "room",
                          "startTime", "endTime", "lessonTheme", "ver", "assignments", "attendance"]
        for l in try f.objects("lessons", allowed: lessonKeys) {
            let number = try l.int("number")
            var lesson = Lesson(id: try l.int("id"), classId: try l.int("classId"), date: try l.date("date"), number: number,
                                subjectId: try l.int("subjectId"), groupId: try l.optInt("groupId"), teacherId: try l.int("teacherId"),
                                substituteTeacherId: try l.optInt("substituteTeacherId"), room: try l.optString("room"),
                                startTime: try l.optString("startTime") ?? config.bell(number)?.startTime,
                                endTime: try l.optString("endTime") ?? config.bell(number)?.endTime,
                                theme: try l.optString("lessonTheme"), ver: try l.optInt("ver") ?? 0)
            if let problem = lessonProblem(lesson) { throw l.problem(problem) }
            guard lessons[lesson.id] == nil else { throw l.problem("lesson id \(lesson.id) appears twice") }
            if let other = self.lesson(classId: lesson.classId, date: lesson.date, number: number, groupId: lesson.groupId) {
                throw l.problem("lesson \(other.id) already takes this class, date, number and group")
            }
            let grade = config.schoolClass(lesson.classId)?.grade ?? 0
            for a in try l.objects("assignments", allowed: ["id", "type", "assignmentName", "weight", "dueDate", "ver", "marks"]) {
                guard grade != 1 else { throw a.problem("grade 1 has no assignments or marks (R1)") }
                let abbr = try a.string("type")
                guard let type = config.assignmentTypes.first(where: { $0.abbr == abbr }) else {
                    throw a.problem("type «\(abbr)» is not the abbr of an assignment type")
                }
                var assignment = Assignment(id: try a.int("id"), lessonId: lesson.id, typeId: type.id, name: try a.string("assignmentName"),
                                            weight: try a.optInt("weight") ?? 1, dueDate: try a.optDate("dueDate") ?? lesson.date,
                                            ver: try a.optInt("ver") ?? 0)
                guard assignments[assignment.id] == nil else { throw a.problem("assignment id \(assignment.id) appears twice") }
                for m in try a.objects("marks", allowed: ["studentId", "mark", "dutyMark", "ver"]) {
                    let sid = try m.int("studentId")
                    let mark = Mark(value: try m.optMark("mark"), duty: try m.bool("dutyMark", default: false), ver: try m.optInt("ver") ?? 0)
                    if let problem = studentProblem(sid, in: lesson) { throw m.problem(problem) }
                    guard mark.duty ? mark.value == nil : Codes.markValues.contains(mark.value ?? "") else {
                        throw m.problem("a mark is one of \(Codes.markValues.sorted().joined(separator: ", ")), or dutyMark true with no mark")
                    }
                    guard assignment.marks.updateValue(mark, forKey: sid) == nil else { throw m.problem("student \(sid) has two marks here") }
                }
                lesson.assignmentIds.append(assignment.id)
                assignments[assignment.id] = assignment
            }
            for a in try l.objects("attendance", allowed: ["studentId", "code", "reason", "ver"]) {
                let sid = try a.int("studentId")
                let record = Attendance(code: try a.string("code"), reason: try a.optString("reason"), ver: try a.optInt("ver") ?? 0)
                if let problem = studentProblem(sid, in: lesson) { throw a.problem(problem) }
                guard Codes.attendanceCodes.contains(record.code), record.reason.map(Codes.reasons.contains) ?? true else {
                    throw a.problem("code is Н or ОП; reason is Б, УП, НП or null")
                }
                guard lesson.attendance.updateValue(record, forKey: sid) == nil else { throw a.problem("student \(sid) appears twice") }
            }
            put(lesson)
        }
    }

    /// Why a lesson's references are wrong, or nil (used by the seed loader).
    func lessonProblem(_ l: Lesson) -> String? {
        guard let cls = config.schoolClass(l.classId) else { return "classId \(l.classId) is not among the classes" }
        guard config.subject(l.subjectId) != nil else { return "subjectId \(l.subjectId) is not among the subjects" }
        guard config.teacher(l.teacherId) != nil else { return "teacherId \(l.teacherId) is not among the teachers" }
        if let t = l.substituteTeacherId, config.teacher(t) == nil { return "substituteTeacherId \(t) is not among the teachers" }
        if let g = l.groupId {
            guard let group = config.group(g), group.classId == cls.id, group.subjectId == l.subjectId else {
                return "groupId \(g) is not a group of class \(cls.name) for this subject"
            }
        }
        return l.number >= 1 ? nil : "number must be 1 or more"
    }

    /// Why a student cannot have records on a lesson (unknown, another class, another group), or nil.
    func studentProblem(_ sid: Int, in l: Lesson) -> String? {
        guard let s = students[sid] else { return "studentId \(sid) is not among the students" }
        guard s.classId == l.classId else { return "student \(sid) is not in class \(l.classId)" }
        if let g = l.groupId, !s.groupIds.contains(g) { return "student \(sid) is not in group \(g)" }
        return nil
    }

    mutating func loadFinalMarks(_ f: SeedFields) throws(EmulatorError) {
        for m in try f.objects("finalMarks", allowed: ["studentId", "subjectId", "termId", "mark", "ver"]) {
            let key = FinalMarkKey(studentId: try m.int("studentId"), subjectId: try m.int("subjectId"), termId: try m.int("termId"))
            guard let value = try m.optMark("mark"), Codes.markValues.contains(value) else {
                throw m.problem("mark is one of \(Codes.markValues.sorted().joined(separator: ", ")) (never н/а or осв: R3)")
            }
            guard students[key.studentId] != nil, config.subject(key.subjectId) != nil, config.term(key.termId) != nil else {
                throw m.problem("studentId, subjectId or termId is unknown")
            }
            guard finalMarks.updateValue(FinalMark(value: value, ver: try m.optInt("ver") ?? 0), forKey: key) == nil else {
                throw m.problem("a second final mark for the same student, subject and term")
            }
        }
    }

    mutating func loadRuntime(_ f: SeedFields) throws(EmulatorError) {
        latestVer = try f.int("latestVer")
        feedFloor = try f.optInt("feedFloor") ?? 0
        nextLessonID = try f.optInt("nextLessonId") ?? 1
        nextAssignmentID = try f.optInt("nextAssignmentId") ?? 1
        for t in try f.objects("tombstones", allowed: ["kind", "ver", "data"]) {
            let kind = try t.string("kind")
            let data = try t.object("data", allowed: ["id", "classId", "date", "classmeetingId", "classMeetingId", "assignmentId",
                                                      "studentId", "subjectId", "termId"])
            let key: ObjectKey
            switch kind {
            case "student": key = .student(try data.int("id"))
            case "lesson": key = .lesson(try data.int("classmeetingId"))
            case "assignment": key = .assignment(try data.int("id"))
            case "mark": key = .mark(assignment: try data.int("assignmentId"), student: try data.int("studentId"))
            case "attendance": key = .attendance(lesson: try data.int("classmeetingId"), student: try data.int("studentId"))
            case "finalmark":
                key = .finalMark(FinalMarkKey(studentId: try data.int("studentId"), subjectId: try data.int("subjectId"), termId: try data.int("termId")))
            default: throw t.problem("unknown kind «\(kind)»")
            }
            tombstones[key] = Tombstone(ver: try t.int("ver"), data: identityFromFile(data))
        }
        for i in try f.objects("idempotency", allowed: ["key", "status", "body", "storedAt", "requestMD5"]) {
            idempotency[try i.string("key")] = StoredResponse(status: try i.int("status"), body: try i.string("body"),
                                                              storedAt: Double(try i.int("storedAt")),
                                                              requestMD5: try i.optString("requestMD5") ?? "")
        }
        let c = try f.object("counters", allowed: ["operationsApplied", "idempotentReplays", "faultsInjected", "mismatchedReplays"])
        counters = Counters(operationsApplied: try c.int("operationsApplied"), idempotentReplays: try c.int("idempotentReplays"),
                            faultsInjected: try c.int("faultsInjected"), mismatchedReplays: try c.optInt("mismatchedReplays") ?? 0)
    }

    private func identityFromFile(_ f: SeedFields) -> JSON { .object(f.pairs) }

    /// Gives every object loaded without a ver the next one, in the documented order, then indexes.
    mutating func finishLoading() {
        var top = latestVer
        top = max(top, students.values.map(\.ver).max() ?? 0, lessons.values.map(\.ver).max() ?? 0,
                  finalMarks.values.map(\.ver).max() ?? 0, tombstones.values.map(\.ver).max() ?? 0)
        for a in assignments.values { top = max(top, a.ver, a.marks.values.map(\.ver).max() ?? 0) }
        for l in lessons.values { top = max(top, l.attendance.values.map(\.ver).max() ?? 0) }
        func next() -> Int { top += 1; return top }

        for id in students.keys.sorted() where students[id]!.ver == 0 { students[id]!.ver = next() }
        let ordered = lessons.values.sorted { ($0.date, $0.classId, $0.number, $0.groupId ?? 0, $0.id) < ($1.date, $1.classId, $1.number, $1.groupId ?? 0, $1.id) }
        for l in ordered {
            if lessons[l.id]!.ver == 0 { lessons[l.id]!.ver = next() }
            for aid in l.assignmentIds {
                if assignments[aid]!.ver == 0 { assignments[aid]!.ver = next() }
                for sid in assignments[aid]!.marks.keys.sorted() where assignments[aid]!.marks[sid]!.ver == 0 {
                    assignments[aid]!.marks[sid]!.ver = next()
                }
            }
            for sid in l.attendance.keys.sorted() where lessons[l.id]!.attendance[sid]!.ver == 0 {
                lessons[l.id]!.attendance[sid]!.ver = next()
            }
        }
        for k in finalMarks.keys.sorted() where finalMarks[k]!.ver == 0 { finalMarks[k]!.ver = next() }
        latestVer = top
        nextLessonID = max(nextLessonID, (lessons.keys.max() ?? 0) + 1)
        nextAssignmentID = max(nextAssignmentID, (assignments.keys.max() ?? 0) + 1)
        rebuildLog()
    }
}
