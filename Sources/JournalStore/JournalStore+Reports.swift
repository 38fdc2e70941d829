import JournalModel

/// The typed reads the reports need (issue 17). A report reads inside
/// ``readSnapshot(_:)``: one read transaction, so all its figures are of one moment even
/// while a sync writes (WAL readers see the last commit before their first read).
extension JournalStore {
    /// Runs `body` inside one deferred read transaction.
    public func readSnapshot<T>(_ body: () throws -> T) throws -> T {
        try db.exec("BEGIN DEFERRED")
        do {
            let v = try body()
            try db.exec("COMMIT")
            return v
        } catch {
            try? db.exec("ROLLBACK")
            throw error
        }
    }

    public func reportYears() throws -> [ReportRows.Year] {
        try db.rows("SELECT id, name, start_date, end_date FROM academic_year ORDER BY start_date").map {
            ReportRows.Year(id: $0[0].text ?? "", name: $0[1].text ?? "", start: date($0[2]), end: date($0[3]))
        }
    }

    public func reportPeriods() throws -> [ReportRows.Period] {
        try db.rows("SELECT id, year, name, start_date, end_date FROM study_period ORDER BY start_date, name").map {
            ReportRows.Period(id: $0[0].text ?? "", year: $0[1].text ?? "", name: $0[2].text ?? "", start: date($0[3]), end: date($0[4]))
        }
    }

    public func reportTeachers() throws -> [String: String] {
        var out: [String: String] = [:]
        try db.forEach("SELECT id, surname, name, patronymic FROM teacher") { r in
            out[r[0].text ?? ""] = [r[1].text, r[2].text, r[3].text].compactMap { $0 }.joined(separator: " ")
        }
        return out
    }

    public func reportSubjects() throws -> [ReportRows.Subject] {
        try db.rows("SELECT id, name FROM subject ORDER BY rowid").map { ReportRows.Subject(id: $0[0].text ?? "", name: $0[1].text ?? "") }
    }

    public func reportClasses() throws -> [ReportRows.ClassUnit] {
        try db.rows("SELECT id, name, grade, teacher FROM class_unit").map {
            ReportRows.ClassUnit(id: $0[0].text ?? "", name: $0[1].text ?? "", grade: $0[2].int ?? 0, teacher: $0[3].text)
        }
    }

    public func reportStudents() throws -> [ReportRows.Student] {
        try db.rows("SELECT id, file_number, surname, name, patronymic, class, status FROM student").map {
            ReportRows.Student(id: $0[0].text ?? "", fileNumber: $0[1].text, surname: $0[2].text ?? "", name: $0[3].text ?? "",
                               patronymic: $0[4].text, classID: $0[5].text, active: $0[6].text == "active")
        }
    }

    /// Every movement, with the time its record was first written (from the change log).
    public func reportMovements() throws -> [ReportRows.Movement] {
        try db.rows("""
            SELECT m.id, m.student, m.kind, m.date, m.from_class, m.to_class, m.details,
                   (SELECT min(c.at) FROM change_log c WHERE c.entity = 'movement' AND c.record_id = m.id)
            FROM movement m ORDER BY m.date, m.id
            """).map {
            ReportRows.Movement(id: $0[0].text ?? "", student: $0[1].text ?? "", kind: $0[2].text ?? "", date: date($0[3]),
                                fromClass: $0[4].text, toClass: $0[5].text, details: $0[6].text, enteredAt: $0[7].text)
        }
    }

    public func reportGroups() throws -> [ReportRows.Group] {
        var members: [String: [String]] = [:]
        try db.forEach("SELECT \"group\", student FROM group_member") { members[$0[0].text ?? "", default: []].append($0[1].text ?? "") }
        return try db.rows("SELECT id, class, subject, name, teacher FROM class_group").map {
            let id = $0[0].text ?? ""
            return ReportRows.Group(id: id, classID: $0[1].text ?? "", subject: $0[2].text ?? "", name: $0[3].text ?? "",
                                    teacher: $0[4].text, members: members[id] ?? [])
        }
    }

    /// The lessons dated in `[from, to]`.
    public func reportLessons(from: CivilDate, to: CivilDate) throws -> [ReportRows.Lesson] {
        try db.rows("""
            SELECT id, class, "group", subject, date, number, teacher, substitute, topic IS NOT NULL AND trim(topic) <> ''
            FROM lesson WHERE date >= ? AND date <= ?
            """, [.text(from.description), .text(to.description)]).map {
            ReportRows.Lesson(id: $0[0].text ?? "", classID: $0[1].text ?? "", group: $0[2].text, subject: $0[3].text ?? "",
                              date: date($0[4]), number: $0[5].int ?? 0, teacher: $0[6].text, substitute: $0[7].text,
                              hasTopic: ($0[8].int ?? 0) != 0)
        }
    }

    /// Absences and lateness on the lessons dated in `[from, to]`.
    public func reportAttendance(from: CivilDate, to: CivilDate) throws -> [ReportRows.Attendance] {
        try db.rows("""
            SELECT a.id, a.lesson, a.student, a.kind, a.reason FROM attendance a JOIN lesson l ON l.id = a.lesson
            WHERE l.date >= ? AND l.date <= ?
            """, [.text(from.description), .text(to.description)]).map {
            ReportRows.Attendance(id: $0[0].text ?? "", lesson: $0[1].text ?? "", student: $0[2].text ?? "",
                                  late: $0[3].text == "late", reason: $0[4].text)
        }
    }

    /// The marks on the lessons dated in `[from, to]`, with their work type's name and when
    /// each was first written (the change log's create).
    public func reportMarks(from: CivilDate, to: CivilDate) throws -> [ReportRows.Mark] {
        try db.rows("""
            SELECT m.id, m.lesson, m.student, w.name, m.value,
                   (SELECT min(c.at) FROM change_log c WHERE c.entity = 'mark' AND c.record_id = m.id)
            FROM mark m JOIN lesson l ON l.id = m.lesson JOIN work_type w ON w.id = m.work_type
            WHERE l.date >= ? AND l.date <= ?
            """, [.text(from.description), .text(to.description)]).map {
            ReportRows.Mark(id: $0[0].text ?? "", lesson: $0[1].text ?? "", student: $0[2].text ?? "", workType: $0[3].text ?? "",
                            value: $0[4].text, enteredAt: $0[5].text)
        }
    }

    /// The homework of the lessons dated in `[from, to]`, with when each was first written.
    public func reportHomework(from: CivilDate, to: CivilDate) throws -> [ReportRows.Entered] {
        try db.rows("""
            SELECT h.lesson, (SELECT min(c.at) FROM change_log c WHERE c.entity = 'homework' AND c.record_id = h.id)
            FROM homework h JOIN lesson l ON l.id = h.lesson WHERE l.date >= ? AND l.date <= ?
            """, [.text(from.description), .text(to.description)]).map { ReportRows.Entered(record: $0[0].text ?? "", at: $0[1].text) }
    }

    /// When each lesson dated in `[from, to]` first got a topic (change-log entries setting it).
    public func reportTopicTimes(from: CivilDate, to: CivilDate) throws -> [ReportRows.Entered] {
        var first: [String: String] = [:]
        try db.forEach("""
            SELECT c.record_id, c.at, c.changes FROM lesson l JOIN change_log c ON c.entity = 'lesson' AND c.record_id = l.id
            WHERE l.date >= ? AND l.date <= ? ORDER BY c.seq
            """, [.text(from.description), .text(to.description)]) { r in
            let id = r[0].text ?? ""
            guard first[id] == nil else { return }
            let set = ChangeCodec.decode(r[2], kind: .lesson).contains { $0.key == Lesson.topic && !($0.new.text ?? "").isEmpty }
            if set { first[id] = r[1].text }
        }
        return first.map { ReportRows.Entered(record: $0.key, at: $0.value) }
    }

    /// When each absence on the lessons dated in `[from, to]` first got a reason.
    public func reportReasonTimes(from: CivilDate, to: CivilDate) throws -> [ReportRows.Entered] {
        var first: [String: String] = [:]
        try db.forEach("""
            SELECT c.record_id, c.at, c.changes FROM attendance a JOIN lesson l ON l.id = a.lesson
            JOIN change_log c ON c.entity = 'attendance' AND c.record_id = a.id
            WHERE l.date >= ? AND l.date <= ? ORDER BY c.seq
            """, [.text(from.description), .text(to.description)]) { r in
            let id = r[0].text ?? ""
            guard first[id] == nil else { return }
            if ChangeCodec.decode(r[2], kind: .attendance).contains(where: { $0.key == Attendance.reason && !$0.new.isNull }) {
                first[id] = r[1].text
            }
        }
        return first.map { ReportRows.Entered(record: $0.key, at: $0.value) }
    }

    /// The final marks of these periods, with when each was first written.
    public func reportFinalMarks(periods: [String]) throws -> [ReportRows.FinalMark] {
        guard !periods.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: periods.count).joined(separator: ", ")
        return try db.rows("""
            SELECT f.id, f.student, f.subject, f.period, f.value,
                   (SELECT min(c.at) FROM change_log c WHERE c.entity = 'final_mark' AND c.record_id = f.id)
            FROM final_mark f WHERE f.period IN (\(marks))
            """, periods.map { .text($0) }).map {
            ReportRows.FinalMark(id: $0[0].text ?? "", student: $0[1].text ?? "", subject: $0[2].text ?? "", period: $0[3].text ?? "",
                                 value: $0[4].text ?? "", enteredAt: $0[5].text)
        }
    }

    /// How many numeric current marks each (student, subject) has on lessons in `[from, to]`.
    public func reportCurrentMarkCounts(from: CivilDate, to: CivilDate) throws -> [ReportRows.Pair: Int] {
        var out: [ReportRows.Pair: Int] = [:]
        try db.forEach("""
            SELECT m.student, l.subject, count(*) FROM mark m JOIN lesson l ON l.id = m.lesson
            WHERE l.date >= ? AND l.date <= ? AND m.value IS NOT NULL GROUP BY m.student, l.subject
            """, [.text(from.description), .text(to.description)]) { r in
            out[ReportRows.Pair(r[0].text ?? "", r[1].text ?? "")] = r[2].int ?? 0
        }
        return out
    }

    private func date(_ v: SQLValue) -> CivilDate { v.text.flatMap(CivilDate.init(iso:)) ?? CivilDate(daysSinceEpoch: 0) }
}
