import Foundation
import JournalModel
import SyncEngine

/// ЭПОС rows → canonical records. Reference fields hold ЭПОС ids (work types: the journal's
/// name, as forms differ per subject); the engine translates them through the identity map.
/// A row with `deleted_at` becomes a tombstone.
extension EPOSCounterpart {
    /// The records of one row of a paged list.
    func records(_ list: EPOSList, _ row: JSON, mode: EPOSCursor.Mode, ref: Reference) throws -> [RemoteRecord] {
        guard let id = row["id"]?.string else { return [] }
        let version = row["updated_at"]?.string
        let deleted = !(row["deleted_at"] ?? .null).isNull
        switch list {
        case .scheduleItems:
            if deleted {
                return [RemoteRecord(.lesson, externalID: id, version: version, deleted: true),
                        RemoteRecord(.homework, externalID: id, version: version, deleted: true)]
            }
            var out = [try lesson(row)]
            if let hw = homework(row) {
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
            guard let period = row["period_id"]?.string, ref.periods.contains(period) else { return [] }
            if deleted { return [RemoteRecord(.finalMark, externalID: id, version: version, deleted: true)] }
            return [try finalMark(row)]
        case .students:
            return []   // read per class with the reference data, not as a paged list
        }
    }

    func student(_ s: JSON, classID: String?) -> RemoteRecord {
        RemoteRecord(.student, externalID: s["id"]?.string ?? "", [
            "file_number": Self.text(s["personal_file"]), "surname": Self.text(s["last_name"]), "name": Self.text(s["first_name"]),
            "patronymic": Self.text(s["middle_name"]), "birth_date": date(s["birth_date"]),
            "snils": FieldValue(s["snils"]?.string.flatMap(Snils.digits)), "class": FieldValue(classID), "status": .text("active"),
        ], version: s["updated_at"]?.string)
    }

    /// A date field in the school's zone (a plain date as written).
    func date(_ j: JSON?) -> FieldValue {
        FieldValue(j?.string.flatMap { EPOSTimestamp.civilDate($0, in: zone) }?.description)
    }

    /// A schedule item as a lesson. ЭПОС names who taught (`teacher_id`) and, for a
    /// substitution, whom they replaced (`replaced_teacher_id`); the journal names the
    /// regular teacher (`teacher`) and who substituted (`substitute`).
    func lesson(_ l: JSON) throws -> RemoteRecord {
        let id = l["id"]?.string ?? ""
        guard let d = l["date"]?.string.flatMap({ EPOSTimestamp.civilDate($0, in: zone) }) else {
            throw PortalError(kind: .unexpected, status: 200, message: "schedule item \(id): no date")
        }
        if let subject = l["subject_id"]?.string { lessonSubject[id] = subject }
        let taught = l["teacher_id"]?.string, replaced = l["replaced_teacher_id"]?.string
        return RemoteRecord(.lesson, externalID: id, [
            "class": Self.text(l["class_unit_id"]), "group": Self.text(l["group_id"]), "subject": Self.text(l["subject_id"]),
            "date": .text(d.description), "number": FieldValue(l["lesson_number"]?.int),
            "teacher": FieldValue(replaced ?? taught), "substitute": FieldValue(replaced == nil ? nil : taught),
            "topic": Self.text(l["topic"]),
        ], version: l["updated_at"]?.string)
    }

    /// The homework of a schedule item (same external id as its lesson), nil when it has none.
    func homework(_ l: JSON) -> RemoteRecord? {
        guard let id = l["id"]?.string, let hw = l["homework"], case .object = hw else { return nil }
        return RemoteRecord(.homework, externalID: id, ["lesson": .text(id), "text": Self.text(hw["text"]), "due": date(hw["due_date"])],
                            version: l["updated_at"]?.string)
    }

    func mark(_ m: JSON, ref: Reference) throws -> RemoteRecord {
        let id = m["id"]?.string ?? ""
        guard let formID = m["control_form_id"]?.string, let form = ref.forms[formID] else {
            throw PortalError(kind: .unexpected, status: 200, message: "mark \(id): control form «\(m["control_form_id"]?.string ?? "null")» is not among the portal's control forms")
        }
        let point = m["is_point"] == .bool(true)
        var value: FieldValue = .null
        if !point, let raw = m["value"]?.string ?? m["value"]?.int.map(String.init) { value = .text(try codes.markToJournal(raw)) }
        return RemoteRecord(.mark, externalID: id, [
            "lesson": Self.text(m["schedule_item_id"]), "student": Self.text(m["student_id"]), "work_type": .text(form.workType),
            "value": value, "point": .init(bool: point), "weight": FieldValue(m["weight"]?.int),
        ], version: m["updated_at"]?.string)
    }

    /// An absence (with the reason mapped by name, or none yet: Н) or a lateness (ОП).
    func attendance(_ a: JSON, ref: Reference) throws -> RemoteRecord {
        let id = a["id"]?.string ?? ""
        var kind = "absent", reason: String?
        if let rid = a["absence_reason_id"]?.int {
            guard let r = ref.reasons[rid] else {
                throw PortalError(kind: .unexpected, status: 200, message: "attendance \(id): absence reason \(rid) is not among the portal's absence reasons")
            }
            reason = r
        } else if (a["late_minutes"]?.int ?? 0) > 0 {
            kind = "late"
        }
        return RemoteRecord(.attendance, externalID: id, ["lesson": Self.text(a["schedule_item_id"]), "student": Self.text(a["student_id"]),
                                                          "kind": .text(kind), "reason": FieldValue(reason)], version: a["updated_at"]?.string)
    }

    func finalMark(_ f: JSON) throws -> RemoteRecord {
        RemoteRecord(.finalMark, externalID: f["id"]?.string ?? "", [
            "student": Self.text(f["student_id"]), "subject": Self.text(f["subject_id"]), "period": Self.text(f["period_id"]),
            "value": .text(try codes.markToJournal(f["value"]?.string ?? "")),
        ], version: f["updated_at"]?.string)
    }

    /// The canonical record of an object fetched by id (`GET /core/api/{kind}/{id}`), for
    /// a conflict answer: the engine merges it, the adapter never overwrites it.
    func current(_ kind: EntityKind, _ row: JSON, ref: Reference) throws -> RemoteRecord {
        let id = row["id"]?.string ?? ""
        let version = row["updated_at"]?.string
        if !(row["deleted_at"] ?? .null).isNull { return RemoteRecord(kind, externalID: id, version: version, deleted: true) }
        switch kind {
        case .lesson: return try lesson(row)
        case .homework: return homework(row) ?? RemoteRecord(.homework, externalID: id, version: version, deleted: true)
        case .mark: return try mark(row, ref: ref)
        case .attendance: return try attendance(row, ref: ref)
        default: return try finalMark(row)
        }
    }
}
