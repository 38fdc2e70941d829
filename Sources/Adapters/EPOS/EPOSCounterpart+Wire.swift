import Foundation
import JournalModel
import SyncModel

/// Canonical fields → the ЭПОС object's fields (request bodies).
extension EPOSCounterpart {
    /// Lateness the journal records without minutes is sent as this many (the portal needs
    /// 1…45 with `absence_reason_id` null); an existing lateness keeps the portal's minutes.
    static let lateMinutesWhenUnknown = 1

    /// The body fields for the journal fields `names` (all of them for a create).
    func wire(_ op: OutboundOperation, names: [String], creating: Bool, ref: Reference) async throws -> [(String, JSON)] {
        let f = op.fields
        let has = Set(names)
        func str(_ name: String) -> JSON { f[name]?.text.map(JSON.string) ?? .null }
        var out: [(String, JSON)] = []
        switch op.kind {
        case .lesson:
            if has.contains("class") { out.append(("class_unit_id", str("class"))) }
            if has.contains("group") { out.append(("group_id", str("group"))) }
            if has.contains("subject") { out.append(("subject_id", str("subject"))) }
            if has.contains("date") { out.append(("date", str("date"))) }
            if has.contains("number") { out.append(("lesson_number", f["number"]?.int.map(JSON.int) ?? .null)) }
            if has.contains("teacher") || has.contains("substitute") {
                // ЭПОС: who taught, and whom they replaced.
                let regular = f["teacher"]?.text, substitute = f["substitute"]?.text
                out.append(("teacher_id", (substitute ?? regular).map(JSON.string) ?? .null))
                out.append(("replaced_teacher_id", substitute == nil ? .null : regular.map(JSON.string) ?? .null))
            }
            if has.contains("topic") { out.append(("topic", str("topic"))) }
        case .mark:
            if has.contains("lesson") { out.append(("schedule_item_id", str("lesson"))) }
            if has.contains("student") { out.append(("student_id", str("student"))) }
            if has.contains("work_type") { out.append(("control_form_id", .string(try await controlForm(op, ref: ref)))) }
            if has.contains("value") || has.contains("point") {
                let point = f["point"]?.bool ?? false
                if point {
                    out += [("value", .null), ("is_point", .bool(true))]
                } else {
                    guard let v = f["value"]?.text else { throw EPOSWireProblem(message: "mark \(op.localID) has neither a value nor «точка»") }
                    out += [("value", .string(try codes.markToPortal(v))), ("is_point", .bool(false)), ("point_date", .null)]
                }
            }
            if has.contains("weight"), let w = f["weight"]?.int { out.append(("weight", .int(w))) }
        case .attendance:
            if has.contains("lesson") { out.append(("schedule_item_id", str("lesson"))) }
            if has.contains("student") { out.append(("student_id", str("student"))) }
            if has.contains("kind") || has.contains("reason") {
                if f["kind"]?.text == "late" {
                    out.append(("absence_reason_id", .null))
                    if creating || has.contains("kind") { out.append(("late_minutes", .int(Self.lateMinutesWhenUnknown))) }
                } else {
                    var reason: JSON = .null
                    if let r = f["reason"]?.text {
                        guard let id = ref.reasonIDs[r] else {
                            throw EPOSWireProblem(message: "the portal lists no absence reason for «\(r)»: add its name to mappings/epos/absence_reasons.tsv")
                        }
                        reason = .int(id)
                    }
                    out += [("absence_reason_id", reason), ("late_minutes", .null)]
                }
            }
        case .finalMark:
            if has.contains("student") { out.append(("student_id", str("student"))) }
            if has.contains("subject") { out.append(("subject_id", str("subject"))) }
            if has.contains("period") { out.append(("period_id", str("period"))) }
            if has.contains("value") { out.append(("value", .string(try codes.markToPortal(f["value"]?.text ?? "")))) }
        default:
            throw EPOSWireProblem(message: "ЭПОС.Школа takes no \(op.kind.rawValue) records")
        }
        return out
    }

    /// The control form of a mark's work type in its lesson's subject: the form named as the
    /// work type, else the first form the code table maps to it.
    func controlForm(_ op: OutboundOperation, ref: Reference) async throws -> String {
        let workType = op.fields["work_type"]?.text ?? ""
        guard let lesson = op.fields["lesson"]?.text else { throw EPOSWireProblem(message: "mark \(op.localID) names no lesson") }
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
