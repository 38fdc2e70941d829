import Foundation
import JournalModel
import SyncModel

/// Canonical fields → the ЭПОС object's fields (request bodies).
extension EPOSCounterpart {
    /// Lateness the journal records without minutes is sent as this many (the portal needs
    /// 1…45 with `absence_reason_id` null); an existing lateness keeps the portal's minutes.
    static let lateMinutesWhenUnknown = 1

    /// The body fields for the journal fields `names` (all of them for a create).
    func wire(_ op: OutboundOperation, names: [Field], creating: Bool, ref: Reference) async throws -> [(String, JSON)] {
        let f = op.fields
        let has = Set(names)
        func str(_ key: Field) -> JSON { f[key].text.map(JSON.string) ?? .null }
        var out: [(String, JSON)] = []
        switch op.kind {
        case .lesson:
            if has.contains(Lesson.classUnit) { out.append(("class_unit_id", str(Lesson.classUnit))) }
            if has.contains(Lesson.group) { out.append(("group_id", str(Lesson.group))) }
            if has.contains(Lesson.subject) { out.append(("subject_id", str(Lesson.subject))) }
            if has.contains(Lesson.date) { out.append(("date", str(Lesson.date))) }
            if has.contains(Lesson.number) { out.append(("lesson_number", f[Lesson.number].int.map(JSON.int) ?? .null)) }
            if has.contains(Lesson.teacher) || has.contains(Lesson.substitute) {
                // ЭПОС: who taught, and whom they replaced.
                let regular = f[Lesson.teacher].text, substitute = f[Lesson.substitute].text
                out.append(("teacher_id", (substitute ?? regular).map(JSON.string) ?? .null))
                out.append(("replaced_teacher_id", substitute == nil ? .null : regular.map(JSON.string) ?? .null))
            }
            if has.contains(Lesson.topic) { out.append(("topic", str(Lesson.topic))) }
        case .mark:
            if has.contains(Mark.lesson) { out.append(("schedule_item_id", str(Mark.lesson))) }
            if has.contains(Mark.student) { out.append(("student_id", str(Mark.student))) }
            if has.contains(Mark.workType) { out.append(("control_form_id", .string(try await controlForm(op, ref: ref)))) }
            if has.contains(Mark.value) || has.contains(Mark.point) {
                let point = f[Mark.point].bool
                if point {
                    out += [("value", .null), ("is_point", .bool(true))]
                } else {
                    guard let v = f[Mark.value].text else { throw EPOSWireProblem(message: "mark \(op.localID) has neither a value nor «точка»") }
                    out += [("value", .string(try codes.markToPortal(v))), ("is_point", .bool(false)), ("point_date", .null)]
                }
            }
            if has.contains(Mark.weight), let w = f[Mark.weight].int { out.append(("weight", .int(w))) }
        case .attendance:
            if has.contains(Attendance.lesson) { out.append(("schedule_item_id", str(Attendance.lesson))) }
            if has.contains(Attendance.student) { out.append(("student_id", str(Attendance.student))) }
            if has.contains(Attendance.kind) || has.contains(Attendance.reason) {
                if f[Attendance.kind].text == "late" {
                    out.append(("absence_reason_id", .null))
                    if creating || has.contains(Attendance.kind) { out.append(("late_minutes", .int(Self.lateMinutesWhenUnknown))) }
                } else {
                    var reason: JSON = .null
                    if let r = f[Attendance.reason].text {
                        guard let id = ref.reasonIDs[r] else {
                            throw EPOSWireProblem(message: "the portal lists no absence reason for «\(r)»: add its name to mappings/epos/absence_reasons.tsv")
                        }
                        reason = .int(id)
                    }
                    out += [("absence_reason_id", reason), ("late_minutes", .null)]
                }
            }
        case .finalMark:
            if has.contains(FinalMark.student) { out.append(("student_id", str(FinalMark.student))) }
            if has.contains(FinalMark.subject) { out.append(("subject_id", str(FinalMark.subject))) }
            if has.contains(FinalMark.period) { out.append(("period_id", str(FinalMark.period))) }
            if has.contains(FinalMark.value) { out.append(("value", .string(try codes.markToPortal(f[FinalMark.value].text ?? "")))) }
        default:
            throw EPOSWireProblem(message: "ЭПОС.Школа takes no \(op.kind.rawValue) records")
        }
        return out
    }

    /// The control form of a mark's work type in its lesson's subject: the form named as the
    /// work type, else the first form the code table maps to it.
    func controlForm(_ op: OutboundOperation, ref: Reference) async throws -> String {
        let workType = op.fields[Mark.workType].text ?? ""
        guard let lesson = op.fields[Mark.lesson].text else { throw EPOSWireProblem(message: "mark \(op.localID) names no lesson") }
        let subject = try await subject(ofLesson: lesson)
        let forms = ref.formsBySubject[subject] ?? []
        let candidates = forms.filter { $0.workType == workType }
        guard let form = candidates.first(where: { CodeTable.fold($0.portalName) == CodeTable.fold(workType) }) ?? candidates.first else {
            throw EPOSWireProblem(message: "subject \(subject) has no control form for the work type «\(workType)» (forms: \(forms.map(\.portalName).joined(separator: ", "))); add a line to mappings/epos/control_forms.tsv")
        }
        return form.id
    }

    /// The subject of a schedule item: seen in this run, else read from the portal.
    func subject(ofLesson id: String) async throws -> String {
        if let s = lessonSubject[id] { return s }
        let (row, _) = try await fetch("core/api/schedule_items", id)
        guard let s = row?.value["subject_id"]?.string else { throw EPOSWireProblem(message: "lesson \(id) is not on the portal") }
        lessonSubject[id] = s
        return s
    }
}
