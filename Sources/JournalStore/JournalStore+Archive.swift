import JournalModel

/// The archive's reads (issue 19): periods, classes, and one class's journal for a period.
extension JournalStore {
    /// Every period with its year, by year then start date.
    public func archivePeriods() throws -> [ArchivePeriod] {
        try db.rows("""
            SELECT p.id, y.name, y.start_date, y.end_date, p.name, p.start_date, p.end_date
            FROM study_period p JOIN academic_year y ON y.id = p.year ORDER BY y.start_date, p.start_date, p.name
            """).map { r in
            ArchivePeriod(id: r[0].text ?? "", yearName: r[1].text ?? "", yearStart: r[2].text ?? "", yearEnd: r[3].text ?? "",
                          name: r[4].text ?? "", start: r[5].text ?? "", end: r[6].text ?? "")
        }
    }

    /// Every class, by grade and name, with its form teacher's name.
    public func archiveClasses() throws -> [ArchiveClass] {
        try db.rows("""
            SELECT c.id, c.name, c.grade, t.surname, t.name, t.patronymic
            FROM class_unit c LEFT JOIN teacher t ON t.id = c.teacher ORDER BY c.grade, c.name
            """).map { r in
            ArchiveClass(id: r[0].text ?? "", name: r[1].text ?? "", grade: Int(r[2].int ?? 0),
                         teacher: JournalStore.teacherName(r[3].text, r[4].text, r[5].text))
        }
    }

    static func teacherName(_ surname: String?, _ name: String?, _ patronymic: String?) -> String? {
        guard let surname else { return nil }
        let initials = [name, patronymic].compactMap { $0?.first.map { "\($0)." } }.joined()
        return initials.isEmpty ? surname : surname + " " + initials
    }

    /// One class's journal between the period's dates: the pupils (those of the class now and
    /// those with entries in its lessons), each subject and group with its lessons, marks,
    /// absences, topics and homework, the final marks of the period, and the movements.
    public func archiveClassJournal(_ classUnit: ArchiveClass, period: ArchivePeriod) throws -> ArchiveClassJournal {
        let args: [SQLValue] = [.text(classUnit.id), .text(period.start), .text(period.end)]
        var students: [String: ArchiveStudent] = [:]
        func student(_ r: [SQLValue], _ at: Int) -> ArchiveStudent {
            ArchiveStudent(id: r[at].text ?? "", surname: r[at + 1].text ?? "", name: r[at + 2].text ?? "", patronymic: r[at + 3].text)
        }
        try db.forEach("""
            SELECT s.id, s.surname, s.name, s.patronymic FROM student s WHERE s.class = ?1
            UNION SELECT s.id, s.surname, s.name, s.patronymic FROM student s
              WHERE s.id IN (SELECT m.student FROM mark m JOIN lesson l ON l.id = m.lesson WHERE l.class = ?1 AND l.date BETWEEN ?2 AND ?3
                             UNION SELECT a.student FROM attendance a JOIN lesson l ON l.id = a.lesson WHERE l.class = ?1 AND l.date BETWEEN ?2 AND ?3)
            """, args) { r in let s = student(r, 0); students[s.id] = s }
        let ordered = students.values.sorted { ($0.surname, $0.name, $0.patronymic ?? "", $0.id) < ($1.surname, $1.name, $1.patronymic ?? "", $1.id) }

        var marks: [String: [String: [String]]] = [:]
        try db.forEach("""
            SELECT m.lesson, m.student, m.value, m.point FROM mark m JOIN lesson l ON l.id = m.lesson
            LEFT JOIN work_type w ON w.id = m.work_type
            WHERE l.class = ?1 AND l.date BETWEEN ?2 AND ?3 ORDER BY m.lesson, m.student, w.name, m.id
            """, args) { r in
            let text = r[2].text ?? ((r[3].int ?? 0) != 0 ? "." : nil)
            if let text { marks[r[0].text ?? "", default: [:]][r[1].text ?? "", default: []].append(text) }
        }
        var attendance: [String: [String: String]] = [:]
        try db.forEach("""
            SELECT a.lesson, a.student, a.kind FROM attendance a JOIN lesson l ON l.id = a.lesson
            WHERE l.class = ?1 AND l.date BETWEEN ?2 AND ?3
            """, args) { r in attendance[r[0].text ?? "", default: [:]][r[1].text ?? ""] = r[2].text ?? "" }

        var members: [String: Set<String>] = [:]
        try db.forEach("""
            SELECT gm."group", gm.student FROM group_member gm JOIN class_group g ON g.id = gm."group" WHERE g.class = ?1
            """, [.text(classUnit.id)]) { r in members[r[0].text ?? "", default: []].insert(r[1].text ?? "") }

        struct Key: Hashable { let subject: String; let group: String? }
        var lessons: [Key: [ArchiveLesson]] = [:]
        var keyInfo: [Key: (subject: String, group: String?, teacher: String?)] = [:]
        try db.forEach("""
            SELECT l.id, l.subject, sj.name, l."group", g.name, l.date, l.number, l.topic, h.text,
                   t.surname, t.name, t.patronymic
            FROM lesson l JOIN subject sj ON sj.id = l.subject
            LEFT JOIN class_group g ON g.id = l."group" LEFT JOIN homework h ON h.lesson = l.id
            LEFT JOIN teacher t ON t.id = l.teacher
            WHERE l.class = ?1 AND l.date BETWEEN ?2 AND ?3 ORDER BY l.date, l.number, l.id
            """, args) { r in
            let id = r[0].text ?? ""
            let key = Key(subject: r[1].text ?? "", group: r[3].text)
            if keyInfo[key] == nil {
                keyInfo[key] = (r[2].text ?? "", r[4].text, JournalStore.teacherName(r[9].text, r[10].text, r[11].text))
            }
            lessons[key, default: []].append(ArchiveLesson(
                id: id, date: r[5].text ?? "", number: Int(r[6].int ?? 0), topic: r[7].text, homework: r[8].text,
                marks: marks[id] ?? [:], attendance: attendance[id] ?? [:]))
        }
        let courses = lessons.keys.sorted { (keyInfo[$0]!.subject, keyInfo[$0]!.group ?? "") < (keyInfo[$1]!.subject, keyInfo[$1]!.group ?? "") }
            .map { key -> ArchiveCourse in
                let info = keyInfo[key]!
                let ls = lessons[key]!
                let withEntries = Set(ls.flatMap { Array($0.marks.keys) + Array($0.attendance.keys) })
                let pupils = key.group.map { g in ordered.filter { members[g]?.contains($0.id) == true || withEntries.contains($0.id) } } ?? ordered
                return ArchiveCourse(subjectID: key.subject, subject: info.subject, groupID: key.group, group: info.group,
                                     teacher: info.teacher, students: pupils, lessons: ls)
            }

        var finals: [ArchiveFinalMark] = []
        try db.forEach("""
            SELECT f.student, sj.name, f.value FROM final_mark f JOIN subject sj ON sj.id = f.subject
            WHERE f.period = ? ORDER BY sj.name, f.student
            """, [.text(period.id)]) { r in
            let id = r[0].text ?? ""
            if students[id] != nil { finals.append(ArchiveFinalMark(studentID: id, subject: r[1].text ?? "", value: r[2].text ?? "")) }
        }
        var movements: [ArchiveMovement] = []
        try db.forEach("""
            SELECT s.surname, s.name, s.patronymic, m.kind, m.date, m.from_class, m.to_class, m.details
            FROM movement m JOIN student s ON s.id = m.student
            WHERE m.date BETWEEN ?2 AND ?3 AND (m.from_class = ?1 OR m.to_class = ?1 OR s.class = (SELECT id FROM class_unit WHERE name = ?1))
            ORDER BY m.date, s.surname, s.name, m.id
            """, [.text(classUnit.name), .text(period.start), .text(period.end)]) { r in
            let name = [r[0].text, r[1].text, r[2].text].compactMap { $0 }.joined(separator: " ")
            movements.append(ArchiveMovement(student: name, kind: r[3].text ?? "", date: r[4].text ?? "",
                                             fromClass: r[5].text, toClass: r[6].text, details: r[7].text))
        }
        return ArchiveClassJournal(period: period, classUnit: classUnit, students: ordered, courses: courses,
                                   finalMarks: finals, movements: movements)
    }
}
