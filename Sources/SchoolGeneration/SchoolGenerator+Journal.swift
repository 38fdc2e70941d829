import Foundation
import JournalModel

extension SchoolGenerator {
    /// Buffered line output (a year of a large school is ~100 MB of JSON Lines).
    final class LineFile {
        let handle: FileHandle
        var buffer = Data()
        init(_ path: String) throws {
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            guard let h = FileHandle(forWritingAtPath: path) else { throw GenerationError.failure("cannot write \(path)") }
            handle = h
        }
        func write(_ line: String) {
            buffer.append(contentsOf: line.utf8); buffer.append(0x0A)
            if buffer.count > 1 << 20 { handle.write(buffer); buffer.removeAll(keepingCapacity: true) }
        }
        func close() throws { handle.write(buffer); try handle.close() }

        /// Writes a whole file, created 0600 (the generated school's files hold its pupils' data).
        static func write(_ text: String, to path: String) throws { try write(Data(text.utf8), to: path) }
        static func write(_ data: Data, to path: String) throws {
            let file = try LineFile(path)
            file.buffer = data
            try file.close()
        }
    }

    func writeJournal(dir: String, pupils: [Pupil], classes: [ClassInfo], teachers: Int,
                      rng: inout SeededRandom, progress: (String) -> Void) throws -> Counts {
        let out = try LineFile(dir + "/journal.jsonl")
        var counts = Counts()
        func emitValues(_ kind: EntityKind, _ id: String, _ fields: FieldValues) {
            out.write(JournalLine.record(Record(kind, id: id, fields)).encoded())
            counts.byKind[kind, default: 0] += 1
        }
        func emit(_ kind: EntityKind, _ id: String, _ pairs: KeyValuePairs<Field, FieldValue>) { emitValues(kind, id, FieldValues(kind, pairs)) }
        emit(.year, "y-\(year)", [Year.name: .text("\(year)/\(year + 1)"), Year.startDate: .text("\(year)-09-01"), Year.endDate: .text("\(year + 1)-05-31")])
        for p in periods {
            emit(.period, p.id, [Period.year: .text("y-\(year)"), Period.name: .text(p.name), Period.startDate: .text(p.start.description), Period.endDate: .text(p.end.description)])
        }
        var teacherNames: Set<String> = []
        for t in 1...teachers {
            var fields = FieldValues(.teacher)
            repeat {   // teachers are matched by full name: keep names unique
                let male = rng.chance(0.25)
                let surname = rng.pick(Self.surnames)
                fields = FieldValues(.teacher, [Teacher.surname: .text(male ? surname : Self.feminine(surname)),
                                                Teacher.name: .text(male ? rng.pick(Self.fathers) : rng.pick(Self.mothers)),
                                                Teacher.patronymic: .text(Self.patronymic(rng.pick(Self.fathers), male: male))])
            } while !teacherNames.insert("\(fields[Teacher.surname]) \(fields[Teacher.name]) \(fields[Teacher.patronymic])").inserted
            emitValues(.teacher, "t-\(t)", fields)
        }
        for s in Self.subjectsByGrade { emit(.subject, s.id, [Subject.name: .text(s.name)]) }
        for w in Self.workTypes { emit(.workType, w.0, [WorkType.name: .text(w.1), WorkType.abbr: .text(w.2)]) }
        var members: [[Int]] = Array(repeating: [], count: classes.count)
        for (i, p) in pupils.enumerated() { members[p.classIndex].append(i) }
        for (ci, c) in classes.enumerated() {
            emit(.classUnit, c.id, [ClassUnit.name: .text(c.name), ClassUnit.grade: .int(c.grade), ClassUnit.teacher: .text(c.teacher)])
            guard c.grade >= 2 else { continue }
            for g in 1...2 {
                let gid = "grp-\(c.name)-eng-\(g)"
                emit(.group, gid, [Group.classUnit: .text(c.id), Group.subject: .text("sub-eng"), Group.name: .text("\(g) гр."),
                                   Group.teacher: .text("t-\((ci * 2 + g) % teachers + 1)")])
                for (k, pi) in members[ci].enumerated() where k % 2 == g - 1 {
                    emit(.groupMember, "gm-\(c.name)-\(g)-\(pupils[pi].file)", [GroupMember.group: .text(gid), GroupMember.student: .text(pupils[pi].id)])
                }
            }
        }
        // A weekly timetable per class: each subject's lessons spread over Monday to Friday.
        var timetable: [[[String]]] = []
        for c in classes {
            var week: [[String]] = Array(repeating: [], count: 5)
            var day = c.grade % 5
            for s in Self.subjectsByGrade where s.grades.contains(c.grade) {
                for _ in 0..<s.perWeek { week[day].append(s.id); day = (day + 1) % 5 }
            }
            timetable.append(week)
        }
        let days = schoolDays()
        var lessonNo = 0, markNo = 0
        let subjectTeacher = { (ci: Int, subject: String) -> String in
            "t-\((ci * 31 + subject.unicodeScalars.reduce(0) { $0 + Int($1.value) }) % teachers + 1)"
        }
        for (di, day) in days.enumerated() {
            if di % 20 == 0 { progress("journal: \(day) (\(di + 1)/\(days.count) days)") }
            for (ci, c) in classes.enumerated() {
                for (n, subject) in timetable[ci][day.weekday - 1].enumerated() {
                    let split = subject == "sub-eng" && c.grade >= 2
                    for g in (split ? [1, 2] : [0]) {
                        lessonNo += 1
                        let lid = "L\(lessonNo)"
                        let teacher = g == 0 ? subjectTeacher(ci, subject) : "t-\((ci * 2 + g) % teachers + 1)"
                        var fields = FieldValues(.lesson, [Lesson.classUnit: .text(c.id), Lesson.subject: .text(subject), Lesson.date: .text(day.description),
                                                           Lesson.number: .int(n + 1), Lesson.teacher: .text(teacher), Lesson.topic: .text("Тема урока \(di + 1)")])
                        if g > 0 { fields[Lesson.group] = .text("grp-\(c.name)-eng-\(g)") }
                        if rng.chance(0.02) {   // a colleague stands in: never the regular teacher (ЭПОС refuses that)
                            let drawn = rng.below(teachers) + 1
                            fields[Lesson.substitute] = .text("t-\("t-\(drawn)" == teacher ? drawn % teachers + 1 : drawn)")
                        }
                        emitValues(.lesson, lid, fields)
                        let pupilsHere = g == 0 ? members[ci] : members[ci].enumerated().filter { $0.offset % 2 == g - 1 }.map(\.element)
                        if c.grade > 1 && rng.chance(0.6) {
                            emit(.homework, "H\(lessonNo)", [Homework.lesson: .text(lid), Homework.text: .text("§ \(rng.below(40) + 1), упр. \(rng.below(300) + 1)"),
                                                             Homework.due: .text(day.adding(days: day.weekday == 5 ? 3 : 1).description)])
                        }
                        for pi in pupilsHere {
                            if c.grade > 1 && rng.chance(0.4) {
                                markNo += 1
                                let point = rng.chance(0.02)
                                let v = rng.below(100)
                                let value = v < 30 ? "5" : v < 70 ? "4" : v < 93 ? "3" : "2"
                                let wt = rng.pick(["wt-answer", "wt-answer", "wt-hw", "wt-self", "wt-test"])
                                emit(.mark, "M\(markNo)", [Mark.lesson: .text(lid), Mark.student: .text(pupils[pi].id), Mark.workType: .text(wt),
                                                           Mark.value: point ? .null : .text(value), Mark.point: .init(bool: point),
                                                           Mark.weight: .int(wt == "wt-test" ? 2 : 1)])
                            } else if rng.chance(0.16) {
                                let late = rng.chance(0.1)
                                let reasons: [FieldValue] = [.text("Б"), .text("Б"), .text("УП"), .text("НП"), .null]
                                emit(.attendance, "A\(lessonNo)-\(pi)", [Attendance.lesson: .text(lid), Attendance.student: .text(pupils[pi].id),
                                                                         Attendance.kind: .text(late ? "late" : "absent"),
                                                                         Attendance.reason: late ? .null : rng.pick(reasons)])
                            }
                        }
                    }
                }
            }
        }
        for p in periods where p.end < today {
            for pupil in pupils where classes[pupil.classIndex].grade > 1 {
                for s in Self.subjectsByGrade where s.grades.contains(classes[pupil.classIndex].grade) {
                    let v = rng.below(100)
                    emit(.finalMark, "F-\(p.id)-\(pupil.file)-\(s.id)", [FinalMark.student: .text(pupil.id), FinalMark.subject: .text(s.id), FinalMark.period: .text(p.id),
                                                                         FinalMark.value: .text(v < 30 ? "5" : v < 75 ? "4" : v < 97 ? "3" : "2")])
                }
            }
        }
        try out.close()
        return counts
    }
}
