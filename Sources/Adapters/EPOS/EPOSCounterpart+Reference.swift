import Foundation
import JournalModel
import SyncModel

/// Reference data: the academic year and its periods, subjects, control forms (→ work
/// types), absence reasons, classes, and per class its groups and students. (Teachers are
/// known from schedule items: ``EPOSTeachers``.)
extension EPOSCounterpart {
    /// A control form: its subject and the journal's work type for it.
    struct Form: Sendable {
        let id: String
        let subjectID: String
        let portalName: String
        let workType: String
    }

    /// What one run reads once.
    struct Reference: Sendable {
        var yearBegin: CivilDate
        var yearEnd: CivilDate
        var periods: Set<String>
        var forms: [String: Form]
        var formsBySubject: [String: [Form]]
        /// Absence reason id → the journal's reason (Б, УП, НП), and back (lowest id first).
        var reasons: [Int: String]
        var reasonIDs: [String: Int]
        /// The school's classes (`class_units`), and in the order their lists are walked (by id).
        var classes: Set<String>
        var classOrder: [String]
        /// Each group's class (a schedule item's `group_id` places it).
        var groupClass: [String: String]
        /// Year, periods, subjects, work types, classes, groups.
        var records: [RemoteRecord]
        /// Every class's students, with the class they were listed for.
        var students: [(record: RemoteRecord, updatedAt: String, classID: String)]
        var memberships: [RemoteRecord]
    }

    func loadReference() async throws -> Reference {
        if let reference { return reference }
        var records: [RemoteRecord] = []
        let yearsBody = try await getOK("core/api/academic_years", [("current", "true")])
        guard let year = try yearsBody.asObjects().first else {
            throw yearsBody.violation(expected: "the current academic year", got: "an empty array")
        }
        let yearID = try year.eposID("id"), begin = try year.eposDate("begin_date", in: zone), end = try year.eposDate("end_date", in: zone)
        records.append(RemoteRecord(.year, externalID: yearID, [Year.name: .text(Self.yearName(try year.string("name", nonEmpty: true))),
                                                                Year.startDate: .text(begin.description), Year.endDate: .text(end.description)]))
        var periods = Set<String>()
        for p in try await getOK("core/api/periods").asObjects() {
            let id = try p.eposID("id"), name = try p.string("name", nonEmpty: true)
            let b = try p.eposDate("begin_date", in: zone), e = try p.eposDate("end_date", in: zone)
            guard b <= end, e >= begin else { continue }   // another year's
            periods.insert(id)
            records.append(RemoteRecord(.period, externalID: id, [Period.year: .text(yearID), Period.name: .text(name),
                                                                  Period.startDate: .text(b.description), Period.endDate: .text(e.description)]))
        }
        var forms: [String: Form] = [:]
        var bySubject: [String: [Form]] = [:]
        var workTypes = Set<String>()
        for s in try await getOK("core/api/subjects").asObjects() {
            let id = try s.eposID("id")
            let (subject, adoptedSubject) = codes.subjectOrAdopt(try s.string("name", nonEmpty: true))
            if let adoptedSubject { adopt(adoptedSubject) }
            records.append(RemoteRecord(.subject, externalID: id, [Subject.name: .text(subject)]))
            for f in try await getOK("core/api/control_forms", [("subject_id", id)]).asObjects() {
                try f.eposBelongs("subject_id", to: id, "the subject asked for")
                let fid = try f.eposID("id"), name = try f.string("name", nonEmpty: true)
                let (workType, adoptedForm) = codes.workTypeOrAdopt(name)
                if let adoptedForm { adopt(adoptedForm) }
                let form = Form(id: fid, subjectID: id, portalName: name, workType: workType)
                forms[fid] = form
                bySubject[form.subjectID, default: []].append(form)
                workTypes.insert(form.workType)
            }
        }
        // Work types by the journal's name: one for every subject's form of that name.
        for w in workTypes.sorted() { records.append(RemoteRecord(.workType, externalID: w, [WorkType.name: .text(w)])) }
        var reasons: [Int: String] = [:], reasonIDs: [String: Int] = [:]
        var reasonList: [(Int, String)] = []
        for a in try await getOK("core/api/absence_reasons").asObjects() {
            reasonList.append((try a.int("id"), try a.string("name", nonEmpty: true)))
        }
        for (id, name) in reasonList.sorted(by: { $0.0 < $1.0 }) {
            // A reason without a line: absences with it are kept raw and parked (see attendance()).
            let (mapped, gap) = codes.reasonOrGap(name)
            reasonGaps[id] = gap.map { (name, $0) }
            guard let r = mapped else { continue }
            reasons[id] = r
            if reasonIDs[r] == nil { reasonIDs[r] = id }
        }
        var classes: [String] = []
        for c in try await getOK("core/api/class_units").asObjects() {
            let id = try c.eposID("id"), raw = try c.string("name", nonEmpty: true)
            guard let name = ClassName.normalize(raw) else {
                throw PortalError(kind: .unexpected, status: 200, message: "class unit \(id): «\(raw)» is not a class name the journal can read")
            }
            classes.append(id)
            records.append(RemoteRecord(.classUnit, externalID: id, [ClassUnit.name: .text(name), ClassUnit.grade: .int(try c.int("parallel", in: 0...12))]))
        }
        var students: [(record: RemoteRecord, updatedAt: String, classID: String)] = []
        var memberships: [RemoteRecord] = []
        var groupClass: [String: String] = [:]
        for classID in classes {
            var rank: [String: Int] = [:]
            var groups: [(id: String, subject: String, name: String, members: [String])] = []
            for g in try await getOK("core/api/groups", [("class_unit_id", classID)]).asObjects() {
                try g.eposBelongs("class_unit_id", to: classID, "the class asked for")
                groups.append((try g.eposID("id"), try g.eposID("subject_id"), try g.string("name"),
                               try g.array("student_ids").map { try $0.asString(nonEmpty: true) }))
            }
            for g in groups.sorted(by: { $0.id < $1.id }) {
                groupClass[g.id] = classID
                rank[g.subject, default: 0] += 1
                records.append(RemoteRecord(.group, externalID: g.id, [Group.classUnit: .text(classID), Group.subject: .text(g.subject),
                                                                       Group.name: .text(Self.groupName(g.name, rank: rank[g.subject]!))]))
                for sid in g.members {
                    memberships.append(RemoteRecord(.groupMember, externalID: "\(g.id):\(sid)", [GroupMember.group: .text(g.id), GroupMember.student: .text(sid)]))
                }
            }
            for s in try await getOK("core/api/students", [("class_unit_id", classID)]).asObjects() {
                // F7: a pupil of another class is never filed under the class asked for.
                try s.eposBelongs("class_unit_id", to: classID, "the class asked for")
                students.append((try student(s, classID: classID), try s.eposMoment("updated_at"), classID))
            }
        }
        let ref = Reference(yearBegin: begin, yearEnd: end, periods: periods, forms: forms, formsBySubject: bySubject,
                            reasons: reasons, reasonIDs: reasonIDs, classes: Set(classes), classOrder: Array(Set(classes)).sorted(), groupClass: groupClass,
                            records: records, students: students, memberships: memberships)
        reference = ref
        return ref
    }

    /// Surname, name and patronymic of a teacher or pupil. A patronymic may be null (people
    /// without one; the emulator's sample has such a pupil).
    static func person(_ p: JSONReader, _ kind: EntityKind) throws -> FieldValues {
        let k = kind.personKeys!
        var f = FieldValues(kind)
        f[k.surname] = .text(try p.string("last_name", nonEmpty: true))
        f[k.name] = .text(try p.string("first_name", nonEmpty: true))
        f[k.patronymic] = FieldValue(try p.string("middle_name", nullable: true))
        return f
    }

    /// `2026-2027` → `2026/2027`, the journal's spelling of a year; other names as they are.
    static func yearName(_ raw: String) -> String {
        let parts = raw.split(whereSeparator: { "-–—/".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, parts.allSatisfy({ $0.count == 4 && Int($0) != nil }) else { return raw }
        return parts[0] + "/" + parts[1]
    }

    /// A group's name as the journal writes it, «1 гр.»: the number before «гр.» in the
    /// portal's name («5-А англ. 1 гр.»), else the group's rank by id within its class and subject.
    static func groupName(_ raw: String?, rank: Int) -> String {
        if let raw, let r = raw.range(of: #"(\d+)\s*гр\.?\s*$"#, options: .regularExpression) {
            let digits = raw[r].prefix { $0.isNumber }
            if let n = Int(digits) { return "\(n) гр." }
        }
        return "\(rank) гр."
    }

}
