import Foundation
import JournalModel
import SyncEngine

/// Reference data: the academic year and its periods, subjects, control forms (→ work
/// types), absence reasons, classes, teachers, and per class its groups and students.
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
        /// Year, periods, subjects, work types, teachers, classes, groups.
        var records: [RemoteRecord]
        var students: [(record: RemoteRecord, updatedAt: String)]
        var memberships: [RemoteRecord]
    }

    func loadReference() async throws -> Reference {
        if let reference { return reference }
        var records: [RemoteRecord] = []
        let years = try await getOK("core/api/academic_years", [("current", "true")]).array ?? []
        guard let year = years.first, let yearID = year["id"]?.string,
              let begin = year["begin_date"]?.string.flatMap({ EPOSTimestamp.civilDate($0, in: zone) }),
              let end = year["end_date"]?.string.flatMap({ EPOSTimestamp.civilDate($0, in: zone) }) else {
            throw PortalError(kind: .unexpected, status: 200, message: "GET core/api/academic_years?current=true: no current year with id, begin_date and end_date")
        }
        records.append(RemoteRecord(.year, externalID: yearID, ["name": .text(Self.yearName(year["name"]?.string ?? "")),
                                                                "start_date": .text(begin.description), "end_date": .text(end.description)]))
        var periods = Set<String>()
        for p in try await getOK("core/api/periods").array ?? [] {
            guard let id = p["id"]?.string, let b = p["begin_date"]?.string.flatMap({ EPOSTimestamp.civilDate($0, in: zone) }),
                  let e = p["end_date"]?.string.flatMap({ EPOSTimestamp.civilDate($0, in: zone) }), b <= end, e >= begin else { continue }
            periods.insert(id)
            records.append(RemoteRecord(.period, externalID: id, ["year": .text(yearID), "name": Self.text(p["name"]),
                                                                  "start_date": .text(b.description), "end_date": .text(e.description)]))
        }
        var forms: [String: Form] = [:]
        var bySubject: [String: [Form]] = [:]
        var workTypes = Set<String>()
        for s in try await getOK("core/api/subjects").array ?? [] {
            guard let id = s["id"]?.string else { continue }
            records.append(RemoteRecord(.subject, externalID: id, ["name": .text(try codes.subject(s["name"]?.string ?? ""))]))
            for f in try await getOK("core/api/control_forms", [("subject_id", id)]).array ?? [] {
                guard let fid = f["id"]?.string else { continue }
                let name = f["name"]?.string ?? ""
                let form = Form(id: fid, subjectID: f["subject_id"]?.string ?? id, portalName: name, workType: try codes.workType(name))
                forms[fid] = form
                bySubject[form.subjectID, default: []].append(form)
                workTypes.insert(form.workType)
            }
        }
        // Work types by the journal's name: one for every subject's form of that name.
        for w in workTypes.sorted() { records.append(RemoteRecord(.workType, externalID: w, ["name": .text(w)])) }
        var reasons: [Int: String] = [:], reasonIDs: [String: Int] = [:]
        for a in (try await getOK("core/api/absence_reasons").array ?? []).sorted(by: { ($0["id"]?.int ?? 0) < ($1["id"]?.int ?? 0) }) {
            guard let id = a["id"]?.int else { continue }
            let r = try codes.reason(a["name"]?.string ?? "")
            reasons[id] = r
            if reasonIDs[r] == nil { reasonIDs[r] = id }
        }
        for t in try await getOK("core/api/teachers").array ?? [] {
            guard let id = t["id"]?.string else { continue }
            records.append(RemoteRecord(.teacher, externalID: id, ["surname": Self.text(t["last_name"]), "name": Self.text(t["first_name"]),
                                                                   "patronymic": Self.text(t["middle_name"])]))
        }
        var classes: [String] = []
        for c in try await getOK("core/api/class_units").array ?? [] {
            guard let id = c["id"]?.string else { continue }
            let raw = c["name"]?.string ?? ""
            guard let name = ClassName.normalize(raw) else {
                throw PortalError(kind: .unexpected, status: 200, message: "class unit \(id): «\(raw)» is not a class name the journal can read")
            }
            classes.append(id)
            records.append(RemoteRecord(.classUnit, externalID: id, ["name": .text(name),
                                                                     "grade": FieldValue(c["parallel"]?.int ?? ClassName.grade(of: name))]))
        }
        var students: [(RemoteRecord, String)] = []
        var memberships: [RemoteRecord] = []
        for classID in classes {
            let groups = try await getOK("core/api/groups", [("class_unit_id", classID)]).array ?? []
            var rank: [String: Int] = [:]
            for g in groups.sorted(by: { ($0["id"]?.string ?? "") < ($1["id"]?.string ?? "") }) {
                guard let gid = g["id"]?.string, let subject = g["subject_id"]?.string else { continue }
                rank[subject, default: 0] += 1
                records.append(RemoteRecord(.group, externalID: gid, ["class": .text(classID), "subject": .text(subject),
                                                                      "name": .text(Self.groupName(g["name"]?.string, rank: rank[subject]!))]))
                for sid in (g["student_ids"]?.array ?? []).compactMap(\.string) {
                    memberships.append(RemoteRecord(.groupMember, externalID: "\(gid):\(sid)", ["group": .text(gid), "student": .text(sid)]))
                }
            }
            for s in try await getOK("core/api/students", [("class_unit_id", classID)]).array ?? [] {
                guard let sid = s["id"]?.string else { continue }
                students.append((student(s, classID: classID), s["updated_at"]?.string ?? ""))
            }
        }
        let ref = Reference(yearBegin: begin, yearEnd: end, periods: periods, forms: forms, formsBySubject: bySubject,
                            reasons: reasons, reasonIDs: reasonIDs, records: records,
                            students: students.map { (record: $0.0, updatedAt: $0.1) }, memberships: memberships)
        reference = ref
        return ref
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

    static func text(_ j: JSON?) -> FieldValue { FieldValue(j?.string) }
}
