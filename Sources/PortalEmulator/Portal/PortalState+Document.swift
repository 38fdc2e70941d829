import JournalModel

/// Writing the state in the seed's object format (the state file, `/_emulator/state`).
extension PortalState {
    /// The whole state as one JSON document, objects sorted by id, every object with its `ver`.
    ///
    /// - Parameter full: also the idempotency keys and counters (the state file). Without
    ///   them the document depends only on what was applied, so two runs that applied the
    ///   same operations give equal documents.
    func document(full: Bool) -> JSON {
        typealias P = [(String, JSON)]
        let c = config
        let school: P = [
            ("schoolId", .string(c.schoolID)), ("name", .string(c.name)), ("timeZone", .string(c.timeZone)),
            ("login", .string(c.login)), ("password", .string(c.password)),
            ("user", .object([("id", .int(c.userID)), ("name", .string(c.userName))])),
            ("marksAsNumbers", .bool(c.marksAsNumbers)),
            ("year", .object([("id", .int(c.year.id)), ("name", .string(c.year.name)),
                              ("startDate", .string("\(c.year.start)")), ("endDate", .string("\(c.year.end)"))])),
            ("terms", .array(c.terms.map { .object([("id", .int($0.id)), ("name", .string($0.name)),
                                                    ("startDate", .string("\($0.start)")), ("endDate", .string("\($0.end)"))]) })),
            ("assignmentTypes", .array(c.assignmentTypes.map { .object([("id", .int($0.id)), ("abbr", .string($0.abbr)),
                                                                        ("name", .string($0.name)), ("order", .int($0.order))]) })),
            ("subjects", .array(c.subjects.map { .object([("id", .int($0.id)), ("name", .string($0.name))]) })),
            ("teachers", .array(c.teachers.map { .object([("id", .int($0.id)), ("lastName", .string($0.lastName)),
                                                          ("firstName", .string($0.firstName)), ("middleName", Self.text($0.middleName))]) })),
            ("classes", .array(c.classes.map { .object([("id", .int($0.id)), ("name", .string($0.name)), ("grade", .int($0.grade)),
                                                        ("teacherId", Self.number($0.teacherId))]) })),
            ("groups", .array(c.groups.map { .object([("id", .int($0.id)), ("classId", .int($0.classId)), ("subjectId", .int($0.subjectId)),
                                                      ("name", .string($0.name)), ("teacherId", Self.number($0.teacherId))]) })),
            ("bells", .array(c.bells.map { .object([("number", .int($0.number)), ("startTime", .string($0.startTime)),
                                                    ("endTime", .string($0.endTime))]) })),
        ]
        let parentList: [JSON] = parents.keys.sorted().map { id in
            let p = parents[id]!
            return .object([("id", .int(p.id)), ("lastName", .string(p.lastName)), ("firstName", .string(p.firstName)),
                            ("middleName", Self.text(p.middleName)), ("snils", Self.text(p.snils)), ("phone", Self.text(p.phone))])
        }
        let studentList: [JSON] = students.keys.sorted().map { id in
            let s = students[id]!
            return .object([("id", .int(s.id)), ("classId", .int(s.classId)), ("lastName", .string(s.lastName)),
                            ("firstName", .string(s.firstName)), ("middleName", Self.text(s.middleName)),
                            ("birthDate", Self.text(s.birthDate.map { "\($0)" })), ("personalFileNumber", Self.text(s.personalFileNumber)),
                            ("snils", Self.text(s.snils)), ("groupIds", .array(s.groupIds.map(JSON.int))),
                            ("parentIds", .array(s.parentIds.map(JSON.int))), ("ver", .int(s.ver))])
        }
        let lessonList: [JSON] = lessons.keys.sorted().map { lessonDocument(lessons[$0]!) }
        let finalList: [JSON] = finalMarks.keys.sorted().map { k in
            .object([("studentId", .int(k.studentId)), ("subjectId", .int(k.subjectId)), ("termId", .int(k.termId)),
                     ("mark", .string(finalMarks[k]!.value)), ("ver", .int(finalMarks[k]!.ver))])
        }
        var runtime: P = [("latestVer", .int(latestVer)), ("feedFloor", .int(feedFloor)),
                          ("nextLessonId", .int(nextLessonID)), ("nextAssignmentId", .int(nextAssignmentID)),
                          ("tombstones", .array(tombstones.sorted { $0.value.ver < $1.value.ver }.map {
                              .object([("kind", .string($0.key.kind)), ("ver", .int($0.value.ver)), ("data", $0.value.data)])
                          }))]
        if full {
            runtime.append(("idempotency", .array(idempotency.keys.sorted().map { k in
                let r = idempotency[k]!
                return .object([("key", .string(k)), ("status", .int(r.status)), ("body", .string(r.body)),
                                ("storedAt", .int(Int(r.storedAt))), ("requestMD5", .string(r.requestMD5))])
            })))
            runtime.append(("counters", .object([("operationsApplied", .int(counters.operationsApplied)),
                                                 ("idempotentReplays", .int(counters.idempotentReplays)),
                                                 ("faultsInjected", .int(counters.faultsInjected)),
                                                 ("mismatchedReplays", .int(counters.mismatchedReplays))])))
        }
        return .object([("format", .string(Self.stateFormat)), ("school", .object(school)), ("parents", .array(parentList)),
                        ("students", .array(studentList)), ("lessons", .array(lessonList)), ("finalMarks", .array(finalList)),
                        ("runtime", .object(runtime))])
    }

    /// The journal without vers and without the ids the portal gives new lessons and
    /// assignments: lessons sorted by class, date, number and group; assignments by content.
    func contentDocument() -> JSON {
        func strip(_ j: JSON, dropping keys: Set<String>) -> JSON {
            switch j {
            case .object(let p): return .object(p.filter { !keys.contains($0.0) }.map { ($0.0, strip($0.1, dropping: ["ver"])) })
            case .array(let a): return .array(a.map { strip($0, dropping: keys) })
            default: return j
            }
        }
        let doc = document(full: false)
        let lessonList: [JSON] = lessons.values
            .sorted { ($0.classId, $0.date, $0.number, $0.groupId ?? 0) < ($1.classId, $1.date, $1.number, $1.groupId ?? 0) }
            .map { l in
                guard case .object(var p) = strip(lessonDocument(l), dropping: ["ver", "id"]) else { return .null }
                let i = p.firstIndex { $0.0 == "assignments" }!
                let list = p[i].1.array!.map { strip($0, dropping: ["ver", "id"]) }.sorted { $0.serialized() < $1.serialized() }
                p[i].1 = .array(list)
                return .object(p)
            }
        return .object([("school", doc["school"]!), ("parents", doc["parents"]!), ("students", strip(doc["students"]!, dropping: ["ver"])),
                        ("lessons", .array(lessonList)), ("finalMarks", strip(doc["finalMarks"]!, dropping: ["ver"]))])
    }

    private func lessonDocument(_ l: Lesson) -> JSON {
        let assignmentList: [JSON] = l.assignmentIds.compactMap { assignments[$0] }.map { a in
            .object([("id", .int(a.id)), ("type", .string(config.assignmentType(a.typeId)?.abbr ?? "?")),
                     ("assignmentName", .string(a.name)), ("weight", .int(a.weight)), ("dueDate", .string("\(a.dueDate)")),
                     ("ver", .int(a.ver)),
                     ("marks", .array(a.marks.keys.sorted().map { sid in
                         let m = a.marks[sid]!
                         return .object([("studentId", .int(sid)), ("mark", Self.text(m.value)), ("dutyMark", .bool(m.duty)), ("ver", .int(m.ver))])
                     }))])
        }
        return .object([
            ("id", .int(l.id)), ("classId", .int(l.classId)), ("date", .string("\(l.date)")), ("number", .int(l.number)),
            ("subjectId", .int(l.subjectId)), ("groupId", Self.number(l.groupId)), ("teacherId", .int(l.teacherId)),
            ("substituteTeacherId", Self.number(l.substituteTeacherId)), ("room", Self.text(l.room)),
            ("startTime", Self.text(l.startTime)), ("endTime", Self.text(l.endTime)), ("lessonTheme", Self.text(l.theme)),
            ("ver", .int(l.ver)), ("assignments", .array(assignmentList)),
            ("attendance", .array(l.attendance.keys.sorted().map { sid in
                let a = l.attendance[sid]!
                return .object([("studentId", .int(sid)), ("code", .string(a.code)), ("reason", Self.text(a.reason)), ("ver", .int(a.ver))])
            })),
        ])
    }
}
