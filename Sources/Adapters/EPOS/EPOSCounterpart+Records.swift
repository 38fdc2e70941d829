import Foundation
import JournalModel
import SyncModel

/// ЭПОС rows → canonical records, read strictly (epos.md). Reference fields hold ЭПОС ids
/// (work types: the journal's name, as forms differ per subject); the engine translates them
/// through the identity map. A row with `deleted_at` becomes a tombstone.
extension EPOSCounterpart {
    /// The records of one row of a paged list.
    /// The records of one row of a paged list of the class `classID` (the list it was read from).
    func records(_ list: EPOSList, _ row: JSONReader, classID: String, mode: EPOSCursor.Mode, ref: Reference) throws -> [RemoteRecord] {
        let id = try row.eposID("id"), version = try row.eposMoment("updated_at")
        // Final marks are shown without `deleted_at`; the other lists with it (null while live).
        let deleted = list == .finalMarks && !row.has("deleted_at") ? false : try row.eposMoment("deleted_at", nullable: true) != nil
        switch list {
        case .scheduleItems:
            if deleted {
                return [RemoteRecord(.lesson, externalID: id, version: version, deleted: true),
                        RemoteRecord(.homework, externalID: id, version: version, deleted: true)]
            }
            setLessonClass(id, classID)
            var out = try lessonWithTeachers(row, classID: classID, ref: ref)
            if let hw = try homework(row) {
                out.append(hw)
            } else if mode == .since && knownHomework(id) {
                // Removed on the portal (a full pull's sweep finds such removals by itself).
                out.append(RemoteRecord(.homework, externalID: id, version: version, deleted: true))
            }
            return out
        case .marks:
            if deleted { return [RemoteRecord(.mark, externalID: id, version: version, deleted: true)] }
            return [try mark(row, ref: ref)]
        case .attendances:
            if deleted { return [RemoteRecord(.attendance, externalID: id, version: version, deleted: true)] }
            return [try attendance(row, ref: ref)]
        case .finalMarks:
            // Other years' final marks are not this journal's.
            guard ref.periods.contains(try row.eposID("period_id")) else { return [] }
            if deleted { return [RemoteRecord(.finalMark, externalID: id, version: version, deleted: true)] }
            return [try finalMark(row)]
        case .students:
            return []   // read per class with the reference data, not as a paged list
        }
    }

    func student(_ s: JSONReader, classID: String) throws -> RemoteRecord {
        var fields = try Self.person(s, .student)
        fields[Student.fileNumber] = .text(try s.string("personal_file", nonEmpty: true))
        fields[Student.birthDate] = .text(try s.eposDate("birth_date", in: zone).description)
        fields[Student.snils] = FieldValue(try s.snils("snils", nullable: true))
        fields[Student.classUnit] = .text(classID)
        fields[Student.status] = .text("active")
        return RemoteRecord(.student, externalID: try s.eposID("id"), fields, version: try s.eposMoment("updated_at"))
    }

    /// A schedule item as a lesson, preceded by the records of its teachers the run has not
    /// delivered yet (``EPOSTeachers``: the journal's names under the ЭПОС id).
    func lessonWithTeachers(_ l: JSONReader, classID: String, ref: Reference) throws -> [RemoteRecord] {
        var out: [RemoteRecord] = []
        let lesson = try self.lesson(l, classID: classID, ref: ref)
        for key in [Lesson.teacher, Lesson.substitute] {
            guard let t = lesson.fields[key].text, !teachersDelivered.contains(t), let names = teachers.names(t) else { continue }
            _ = markDelivered(t)
            out.append(RemoteRecord(.teacher, externalID: t, names))
        }
        out.append(lesson)
        return out
    }

    /// A schedule item of the class `classID` (the list it was read from, or the class a
    /// create named: the rows do not carry it) as a lesson. ЭПОС names who taught
    /// (`teacher_id`) and, for a substitution, whom they replaced (`replaced_teacher_id`);
    /// the journal names the regular teacher (`teacher`) and who substituted (`substitute`).
    /// A teacher the journal does not know is left out, with a warning.
    func lesson(_ l: JSONReader, classID: String, ref: Reference) throws -> RemoteRecord {
        let id = try l.eposID("id")
        let date = try l.eposDate("date", in: zone), subject = try l.eposID("subject_id")
        let taught = try l.eposID("teacher_id"), replaced = try l.eposID("replaced_teacher_id", nullable: true)
        let record = RemoteRecord(.lesson, externalID: id, [
            Lesson.classUnit: .text(classID), Lesson.group: FieldValue(try l.eposID("group_id", nullable: true)), Lesson.subject: .text(subject),
            Lesson.date: .text(date.description), Lesson.number: .int(try l.int("lesson_number", in: 1...12)),
            Lesson.teacher: FieldValue(known(replaced ?? taught)), Lesson.substitute: FieldValue(replaced == nil ? nil : known(taught)),
            Lesson.topic: FieldValue(try l.string("topic", nullable: true)),
        ], version: try l.eposMoment("updated_at"))
        setLessonSubject(id, subject)
        return record
    }

    /// The teacher id when the journal knows the teacher (bound, or under the same id); else
    /// nil, and a warning once per run.
    func known(_ teacher: String) -> String? {
        if teachers.names(teacher) != nil { return teacher }
        _ = warnOnce(teacher,
            "ЭПОС.Школа teacher \(teacher) is not in the journal: lessons naming them were taken without that teacher; name them in epos/teachers.tsv of the mappings («\(teacher)<TAB>surname<TAB>name<TAB>patronymic», as the journal spells them) or add them to the journal with the id \(teacher), then run the sync with --full")
        return nil
    }

    /// The homework of a schedule item (same external id as its lesson), nil when it has
    /// none. `due_date` may be null: the gateway itself writes a homework without one.
    func homework(_ l: JSONReader) throws -> RemoteRecord? {
        guard let hw = try l.object("homework", nullable: true) else { return nil }
        let id = try l.eposID("id")
        return RemoteRecord(.homework, externalID: id, [Homework.lesson: .text(id), Homework.text: .text(try hw.string("text")),
                                                        Homework.due: FieldValue(try hw.eposDate("due_date", nullable: true, in: zone)?.description)],
                            version: try l.eposMoment("updated_at"))
    }

    func mark(_ m: JSONReader, ref: Reference) throws -> RemoteRecord {
        let formField = try m.field("control_form_id"), formID = try formField.asString(nonEmpty: true)
        guard let form = ref.forms[formID] else {
            throw formField.violation(expected: "one of the portal's control forms (core/api/control_forms)", got: "another id")
        }
        // «точка»: no value yet; otherwise a value.
        let point = try m.bool("is_point")
        let raw = try m.string("value", nullable: point, nonEmpty: true)
        if point, raw != nil { throw m.violation(at: "value", expected: "null (is_point is true)", got: "a value") }
        // A value without a line stays raw and is listed: the engine parks the mark.
        let mapped = raw.map(codes.markOrGap)
        return RemoteRecord(.mark, externalID: try m.eposID("id"), [
            Mark.lesson: .text(try m.eposID("schedule_item_id")), Mark.student: .text(try m.eposID("student_id")), Mark.workType: .text(form.workType),
            Mark.value: FieldValue(mapped?.value), Mark.point: .init(bool: point),
            Mark.weight: .int(try m.int("weight", in: 0...Int.max)),
        ], version: try m.eposMoment("updated_at"), unmapped: mapped?.gap.map { [$0] } ?? [])
    }

    /// An absence (with the reason mapped by name, or none yet: Н) or a lateness (ОП).
    func attendance(_ a: JSONReader, ref: Reference) throws -> RemoteRecord {
        var kind = "absent", reason: String?
        var unmapped: [UnmappedCode] = []
        let reasonField = try a.field("absence_reason_id")
        let late = try a.int("late_minutes", nullable: true, in: 0...Int.max)
        if !reasonField.isNull {
            let rid = try reasonField.asInt()
            if let r = ref.reasons[rid] {
                reason = r
            } else if let g = reasonGaps[rid] {
                // No line for this reason: kept raw (its name) and listed; the engine parks the record.
                reason = g.0
                unmapped = [g.1]
            } else {
                throw reasonField.violation(expected: "one of the ids of core/api/absence_reasons", got: String(rid))
            }
        } else if (late ?? 0) > 0 {
            kind = "late"
        }
        return RemoteRecord(.attendance, externalID: try a.eposID("id"), [
            Attendance.lesson: .text(try a.eposID("schedule_item_id")), Attendance.student: .text(try a.eposID("student_id")),
            Attendance.kind: .text(kind), Attendance.reason: FieldValue(reason)], version: try a.eposMoment("updated_at"), unmapped: unmapped)
    }

    func finalMark(_ f: JSONReader) throws -> RemoteRecord {
        let mapped = codes.markOrGap(try f.string("value", nonEmpty: true))
        return RemoteRecord(.finalMark, externalID: try f.eposID("id"), [
            FinalMark.student: .text(try f.eposID("student_id")), FinalMark.subject: .text(try f.eposID("subject_id")), FinalMark.period: .text(try f.eposID("period_id")),
            FinalMark.value: .text(mapped.value),
        ], version: try f.eposMoment("updated_at"), unmapped: mapped.gap.map { [$0] } ?? [])
    }

    /// The canonical record of an object fetched by id (`GET /core/api/{kind}/{id}`), for
    /// a conflict answer: the engine merges it, the adapter never overwrites it.
    /// A schedule item's class is the one its list or its create named (`classID` when given).
    func current(_ kind: EntityKind, _ row: JSONReader, ref: Reference, classID: String? = nil) throws -> RemoteRecord {
        let id = try row.eposID("id"), version = try row.eposMoment("updated_at")
        if try row.optionalField("deleted_at").map({ !$0.isNull }) == true { return RemoteRecord(kind, externalID: id, version: version, deleted: true) }
        switch kind {
        case .lesson:
            guard let cls = classID ?? lessonClass[id] else {
                throw PortalError(kind: .unexpected, status: 200, message: "schedule item \(id): its class is not known (read neither from a class's list nor from a create)")
            }
            return try lesson(row, classID: cls, ref: ref)
        case .homework: return try homework(row) ?? RemoteRecord(.homework, externalID: id, version: version, deleted: true)
        case .mark: return try mark(row, ref: ref)
        case .attendance: return try attendance(row, ref: ref)
        default: return try finalMark(row)
        }
    }
}
