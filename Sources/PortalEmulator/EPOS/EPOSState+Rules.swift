import Foundation
import JournalModel

/// Checking a write: field types first, then references, then the portal's rules
/// (R1, R2, R3, classes and groups, one record per slot). Every problem is reported, each
/// with its field, as the `details` of a 422.
extension EPOSState {
    /// Fields a client may send back unchanged but never sets (ignored on writes).
    static let readOnlyFields: Set<String> = ["id", "updated_at", "deleted_at", "values", "external_id"]

    /// The object a write would produce: `current`'s fields (none for a create) with the
    /// body's applied, defaults filled in on a create.
    func candidate(_ kind: EPOSKind, body: [(String, JSON)], current: EPOSRecord?) -> (fields: [String: JSON], problems: [EPOSProblem]) {
        var fields = current?.fields ?? [:]
        var problems: [EPOSProblem] = []
        for (name, value) in body where !Self.readOnlyFields.contains(name) {
            guard let field = kind.field(name) else {
                problems.append(EPOSProblem(field: name, message: "неизвестное поле (есть: \(kind.fields.map(\.name).joined(separator: ", ")))"))
                continue
            }
            let normalised: JSON
            switch Self.typed(field, value) {
            case .failure(let message): problems.append(EPOSProblem(field: name, message: message)); continue
            case .success(let v): normalised = v
            }
            if let current, field.immutable, normalised != current[name] {
                problems.append(EPOSProblem(field: name, message: "нельзя изменить: удалите запись и создайте новую"))
                continue
            }
            fields[name] = normalised
        }
        if current == nil {
            for field in kind.fields where fields[field.name] == nil {
                if field.required {
                    problems.append(EPOSProblem(field: field.name, message: "обязательное поле"))
                } else {
                    fields[field.name] = field.type == .bool ? .bool(false) : .null
                }
            }
            if kind == .mark, fields["weight"]?.isNull != false {
                fields["weight"] = .int(school.controlForm(fields["control_form_id"]?.string)?.weight ?? 1)
            }
        }
        return (fields, problems)
    }

    private enum Typed { case success(JSON), failure(String) }

    /// A value checked against its field's type, in the form the portal stores it.
    private static func typed(_ field: EPOSField, _ value: JSON) -> Typed {
        if value.isNull { return field.nullable ? .success(.null) : .failure("не может быть null") }
        switch field.type {
        case .text:
            return value.string != nil ? .success(value) : .failure("ожидается строка")
        case .nonEmpty:
            guard let s = value.string, !s.trimmingCharacters(in: .whitespaces).isEmpty else { return .failure("ожидается непустая строка") }
            return .success(value)
        case .int(let range):
            guard case .int(let i) = value else { return .failure("ожидается целое число") }
            return range.contains(i) ? .success(value) : .failure("от \(range.lowerBound) до \(range.upperBound), получено \(i)")
        case .bool:
            guard case .bool = value else { return .failure("ожидается true или false") }
            return .success(value)
        case .date:
            guard let s = value.string, s.utf8.count == 10, CivilDate(iso: s) != nil else { return .failure("ожидается дата ГГГГ-ММ-ДД") }
            return .success(value)
        case .ref(.absenceReason):
            guard case .int = value else { return .failure("ожидается целое число (id из absence_reasons)") }
            return .success(value)
        case .ref:
            guard let s = value.string, !s.isEmpty else { return .failure("ожидается идентификатор-строка") }
            return .success(value)
        case .markValue:
            guard let s = value.string else { return .failure("ожидается строка: \"1\"…\"5\", \"зачёт\", \"незачёт\"") }
            if EPOSCodes.forbiddenFinal.contains(s) { return .failure("«\(s)» не ставится: допустимы 1–5, зачёт, незачёт (R3)") }
            guard EPOSCodes.markValues.contains(s) else { return .failure("«\(s)» не отметка: допустимы 1, 2, 3, 4, 5, зачёт, незачёт") }
            return .success(value)
        case .snils:
            guard let s = value.string, s.utf8.count == 11, Snils.digits(s) == s, Snils.checksumValid(s) else {
                return .failure("ожидается СНИЛС: 11 цифр без разделителей с верной контрольной суммой")
            }
            return .success(value)
        case .homework:
            guard case .object(let pairs) = value else { return .failure("ожидается объект {\"text\": …, \"due_date\": …} или null") }
            for (k, _) in pairs where k != "text" && k != "due_date" { return .failure("неизвестное поле «\(k)» (есть: text, due_date)") }
            guard let text = value["text"]?.string, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                return .failure("text: ожидается непустая строка")
            }
            let due = value["due_date"] ?? .null
            if !due.isNull {
                guard let s = due.string, s.utf8.count == 10, CivilDate(iso: s) != nil else { return .failure("due_date: ожидается дата ГГГГ-ММ-ДД") }
            }
            return .success(.object([("text", .string(text)), ("due_date", due)]))
        }
    }

    /// Ids that point nowhere (a deleted schedule item or student still exists here).
    func referenceProblems(_ kind: EPOSKind, _ f: [String: JSON]) -> [EPOSProblem] {
        var problems: [EPOSProblem] = []
        for field in kind.fields {
            guard case .ref(let ref) = field.type, let v = f[field.name], !v.isNull else { continue }
            let found: Bool
            switch ref {
            case .classUnit: found = school.classUnit(v.string) != nil
            case .subject: found = school.subject(v.string) != nil
            case .group: found = school.group(v.string) != nil
            case .teacher: found = school.teacher(v.string) != nil
            case .period: found = school.period(v.string) != nil
            case .controlForm: found = school.controlForm(v.string) != nil
            case .absenceReason: found = school.absenceReason(v.int) != nil
            case .student: found = record(.student, v.string ?? "") != nil
            case .scheduleItem: found = record(.scheduleItem, v.string ?? "") != nil
            }
            if !found { problems.append(EPOSProblem(field: field.name, message: "нет такого идентификатора: «\(v.string ?? v.serialized())»")) }
        }
        return problems
    }

    /// References, then the portal's rules for a live object.
    ///
    /// - Parameters:
    ///   - selfID: the object being changed (it does not collide with itself); nil for a create.
    ///   - today: the school's today for R2; nil skips R2 (loading a seed).
    func problems(_ kind: EPOSKind, _ f: [String: JSON], selfID: String?, today: CivilDate?) -> [EPOSProblem] {
        let refs = referenceProblems(kind, f)
        guard refs.isEmpty else { return refs }
        var p: [EPOSProblem] = []
        func add(_ field: String, _ message: String) { p.append(EPOSProblem(field: field, message: message)) }
        switch kind {
        case .student:
            break
        case .scheduleItem:
            checkScheduleItem(f, selfID: selfID, today: today, add)
        case .mark, .attendance:
            guard let item = live(.scheduleItem, f["schedule_item_id"]?.string) else {
                add("schedule_item_id", "урок удалён"); return p
            }
            guard let student = live(.student, f["student_id"]?.string) else { add("student_id", "ученик удалён"); return p }
            let cls = school.classUnit(item.string("class_unit_id"))!
            if student.string("class_unit_id") != cls.id {
                add("student_id", "ученик \(student.id) не из класса \(cls.name)")
            } else if let g = school.group(item.string("group_id")), !g.studentIDs.contains(student.id) {
                add("student_id", "ученик \(student.id) не в группе «\(g.name)»")
            }
            if let today, let date = lessonDate(of: item), date > today {
                add("schedule_item_id", "урок \(date.russian) ещё не прошёл: записи наперёд не вносятся (R2)")
            }
            if kind == .mark { checkMark(f, item: item, cls: cls, add) } else { checkAttendance(f, selfID: selfID, add) }
        case .finalMark:
            if let s = live(.student, f["student_id"]?.string), school.classUnit(s.string("class_unit_id"))?.parallel == 1 {
                add("student_id", "1 класс: итоговые отметки не выставляются (R1)")
            }
            let key = ([EPOSKind.finalMark.rawValue] + ["student_id", "subject_id", "period_id"].map { f[$0]?.string ?? "" }).joined(separator: "|")
            if let other = indexed(key).subtracting([selfID ?? ""]).min() {
                add("period_id", "итоговая отметка за этот период по предмету уже есть: \(other)")
            }
        }
        return p
    }

    private func checkScheduleItem(_ f: [String: JSON], selfID: String?, today: CivilDate?, _ add: (String, String) -> Void) {
        let cls = school.classUnit(f["class_unit_id"]?.string)!
        let date = CivilDate(iso: f["date"]?.string ?? "")!
        if date < school.year.begin || date > school.year.end { add("date", "\(date.russian) вне учебного года \(school.year.name)") }
        if let today, date > today { add("date", "урок \(date.russian) ещё не прошёл: записи наперёд не вносятся (R2)") }
        if let g = school.group(f["group_id"]?.string) {
            if g.classUnitID != cls.id { add("group_id", "группа «\(g.name)» из другого класса") }
            if g.subjectID != f["subject_id"]?.string { add("group_id", "группа «\(g.name)» по другому предмету") }
        }
        if !(f["replaced_teacher_id"] ?? .null).isNull {
            if (f["teacher_id"] ?? .null).isNull { add("teacher_id", "при замене нужен учитель, который провёл урок") }
            if f["replaced_teacher_id"] == f["teacher_id"] { add("replaced_teacher_id", "совпадает с teacher_id") }
        }
        if let hw = f["homework"], !hw.isNull {
            if cls.parallel == 1 { add("homework", "1 класс: домашние задания не задаются (R1)") }
            if let due = hw["due_date"]?.string.flatMap(CivilDate.init(iso:)), due < date { add("homework", "срок сдачи раньше даты урока") }
        }
        let number = f["lesson_number"] ?? .null
        let group = f["group_id"] ?? .null
        let slot = [EPOSKind.scheduleItem.rawValue, cls.id, date.description, number.serialized()].joined(separator: "|")
        let clash = indexed(slot).subtracting([selfID ?? ""]).sorted().compactMap { record(.scheduleItem, $0) }.first {
            $0["group_id"].isNull || group.isNull || $0["group_id"] == group
        }
        if let clash {
            add("lesson_number", "в классе \(cls.name) \(date.russian) урок № \(number.int ?? 0) уже есть: \(clash.id)")
        }
    }

    private func checkMark(_ f: [String: JSON], item: EPOSRecord, cls: EPOSSchool.ClassUnit, _ add: (String, String) -> Void) {
        if cls.parallel == 1 { add("schedule_item_id", "1 класс: отметки не ставятся (R1)") }
        if let form = school.controlForm(f["control_form_id"]?.string), form.subjectID != item.string("subject_id") {
            add("control_form_id", "форма контроля «\(form.name)» (\(form.id)) относится к предмету \(form.subjectID), а урок — \(item.string("subject_id") ?? "?")")
        }
        let isPoint = f["is_point"] == .bool(true)
        let value = f["value"] ?? .null
        if value.isNull && !isPoint { add("value", "обязательное поле (без отметки бывает только «точка», is_point: true)") }
        if !value.isNull && isPoint { add("value", "у «точки» (is_point: true) нет отметки: value — null") }
        if !(f["point_date"] ?? .null).isNull && !isPoint { add("point_date", "срок бывает только у «точки» (is_point: true)") }
    }

    private func checkAttendance(_ f: [String: JSON], selfID: String?, _ add: (String, String) -> Void) {
        if !(f["absence_reason_id"] ?? .null).isNull && !(f["late_minutes"] ?? .null).isNull {
            add("late_minutes", "опоздавший был на уроке: при late_minutes причина отсутствия (absence_reason_id) — null")
        }
        let key = [EPOSKind.attendance.rawValue, f["student_id"]?.string ?? "", f["schedule_item_id"]?.string ?? ""].joined(separator: "|")
        if let other = indexed(key).subtracting([selfID ?? ""]).min() {
            add("student_id", "у ученика уже есть запись посещаемости на этом уроке: \(other)")
        }
    }
}
