/// How a record is named to a person: the pupil by name and class (never with the СНИЛС),
/// the subject, the lesson's date and number, the period, the work — not an internal id
/// such as `final_mark-01a4…`. Used by `conflicts list/show` and messages about records.
public enum RecordLabel {
    /// `kind`'s record `id` as a person reads it; the kind and id when it is not (or no
    /// longer) in the journal.
    public static func describe(_ kind: EntityKind, id: String, in lookup: RecordLookup) -> String {
        guard let r = lookup.record(kind, id: id) else { return "\(kind.rawValue) \(id)" }
        let l = Labeller(lookup: lookup)
        switch kind {
        case .student: return "pupil " + l.pupil(r)
        case .guardian: return "guardian " + l.person(r)
        case .teacher: return "teacher " + l.person(r)
        case .classUnit: return "class " + (r[ClassUnit.name].text ?? id)
        case .subject: return "subject " + (r[Subject.name].text ?? id)
        case .workType: return "work type " + (r[WorkType.name].text ?? id)
        case .year: return "year " + (r[Year.name].text ?? id)
        case .period: return "period " + (r[Period.name].text ?? id)
        case .lesson: return "lesson " + l.lesson(r)
        case .homework: return "homework of the lesson " + l.lesson(id: r[Homework.lesson].text)
        case .mark:
            return "mark of " + l.pupil(id: r[Mark.student].text) + ", lesson " + l.lesson(id: r[Mark.lesson].text)
                + (l.name(.workType, r[Mark.workType].text).map { ", " + $0 } ?? "")
        case .attendance: return "attendance of " + l.pupil(id: r[Attendance.student].text) + ", lesson " + l.lesson(id: r[Attendance.lesson].text)
        case .finalMark:
            return "final mark of " + l.pupil(id: r[FinalMark.student].text) + ", " + (l.name(.subject, r[FinalMark.subject].text) ?? "?")
                + ", " + (l.name(.period, r[FinalMark.period].text) ?? "?")
        case .guardianship: return "guardian " + l.person(id: r[Guardianship.guardian].text, .guardian) + " of " + l.pupil(id: r[Guardianship.student].text)
        case .group:
            return "group \(r[Group.name].text ?? id) of class \(l.name(.classUnit, r[Group.classUnit].text) ?? "?"), \(l.name(.subject, r[Group.subject].text) ?? "?")"
        case .groupMember: return "member of group \(l.name(.group, r[GroupMember.group].text) ?? "?"): " + l.pupil(id: r[GroupMember.student].text)
        case .movement: return "movement (\(r[Movement.kind].text ?? "?"), \(r[Movement.date].text ?? "?")) of " + l.pupil(id: r[Movement.student].text)
        }
    }
}

/// The pieces a label is made of.
private struct Labeller {
    let lookup: RecordLookup

    func name(_ kind: EntityKind, _ id: String?) -> String? {
        guard let key = kind.nameKey else { return nil }
        return id.flatMap { lookup.record(kind, id: $0)?[key].text }
    }

    /// «Зайцева Мария Сергеевна»: surname, name, patronymic.
    func person(_ r: Record) -> String {
        guard let k = r.kind.personKeys else { return r.id }
        return [r[k.surname].text, r[k.name].text, r[k.patronymic].text].compactMap { $0 }.joined(separator: " ")
    }

    func person(id: String?, _ kind: EntityKind) -> String {
        id.flatMap { lookup.record(kind, id: $0) }.map(person) ?? "?"
    }

    /// «Зайцева Мария Сергеевна (5А, file 05-1010)».
    func pupil(_ r: Record) -> String {
        let details = [name(.classUnit, r[Student.classUnit].text), r[Student.fileNumber].text.map { "file " + $0 }].compactMap { $0 }
        return person(r) + (details.isEmpty ? "" : " (" + details.joined(separator: ", ") + ")")
    }

    func pupil(id: String?) -> String { id.flatMap { lookup.record(.student, id: $0) }.map(pupil) ?? "?" }

    /// «5А Математика 2026-09-07 #1» (and the group when the lesson is a group's).
    func lesson(_ r: Record) -> String {
        var parts = [name(.classUnit, r[Lesson.classUnit].text), name(.group, r[Lesson.group].text), name(.subject, r[Lesson.subject].text)].compactMap { $0 }
        parts.append((r[Lesson.date].text ?? "?") + " #" + (r[Lesson.number].int.map(String.init) ?? "?"))
        return parts.joined(separator: " ")
    }

    func lesson(id: String?) -> String { id.flatMap { lookup.record(.lesson, id: $0) }.map(lesson) ?? "?" }
}
