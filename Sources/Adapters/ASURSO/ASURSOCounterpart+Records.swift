import Foundation
import JournalModel
import SyncEngine

/// АСУ РСО objects → canonical records. Reference fields hold АСУ РСО ids; the engine
/// translates them through the identity map.
extension ASURSOCounterpart {
    static func id(_ j: JSON?) -> String? {
        switch j { case .int(let i)?: return String(i); case .string(let s)?: return s; default: return nil }
    }
    static func date(_ j: JSON?) -> FieldValue { FieldValue(j?.string.flatMap { CivilDate(iso: $0) }?.description) }
    static func text(_ j: JSON?) -> FieldValue { FieldValue(j?.string) }
    static func ver(_ j: JSON) -> String? { j["ver"]?.int.map(String.init) }

    func loadReference() async throws -> Reference {
        if let reference { return reference }
        let year = try await getOK("webapi/years/current")
        let terms = try await getOK("webapi/terms").array ?? []
        let types = try await getOK("webapi/grade/assignment/types", [("all", "true")]).array ?? []
        let subjects = try await getOK("webapi/subjects").array ?? []
        let teachers = try await getOK("webapi/teachers").array ?? []
        let classes = try await getOK("webapi/classes").array ?? []
        var records: [RemoteRecord] = []
        var maxVer = 0
        guard let yearID = year["id"]?.int, let yearStart = CivilDate(iso: year["startDate"]?.string ?? "") else {
            throw PortalError(kind: .unexpected, status: 200, message: "webapi/years/current has no id or startDate")
        }
        records.append(RemoteRecord(.year, externalID: String(yearID), ["name": Self.text(year["name"]),
                                    "start_date": Self.date(year["startDate"]), "end_date": Self.date(year["endDate"])]))
        var termList: [(Int, CivilDate)] = []
        for t in terms {
            guard let id = t["id"]?.int, let start = CivilDate(iso: t["startDate"]?.string ?? "") else { continue }
            termList.append((id, start))
            records.append(RemoteRecord(.period, externalID: String(id), ["year": .text(String(yearID)), "name": Self.text(t["name"]),
                                        "start_date": Self.date(t["startDate"]), "end_date": Self.date(t["endDate"])]))
        }
        var typeMap: [Int: (String, String)] = [:]
        var homeworkType: Int?
        for t in types {
            guard let id = t["id"]?.int else { continue }
            let abbr = t["abbr"]?.string ?? "", name = t["name"]?.string ?? ""
            let journal = try codes.workType(abbr: abbr, name: name)
            typeMap[id] = (abbr, name)
            if journal == "Домашнее задание" { homeworkType = id }
            records.append(RemoteRecord(.workType, externalID: String(id), ["name": .text(journal), "abbr": .text(abbr)]))
        }
        for s in subjects {
            guard let id = Self.id(s["id"]) else { continue }
            records.append(RemoteRecord(.subject, externalID: id, ["name": .text(try codes.subject(s["name"]?.string ?? ""))]))
        }
        for t in teachers {
            guard let id = Self.id(t["id"]) else { continue }
            records.append(RemoteRecord(.teacher, externalID: id, ["surname": Self.text(t["lastName"]), "name": Self.text(t["firstName"]),
                                                                   "patronymic": Self.text(t["middleName"])]))
        }
        var classIDs: [Int] = []
        var groups: [Int: (classID: Int, subject: String)] = [:]
        for c in classes {
            guard let id = c["id"]?.int else { continue }
            classIDs.append(id)
            let name = ClassName.normalize(c["name"]?.string ?? "") ?? (c["name"]?.string ?? "")
            records.append(RemoteRecord(.classUnit, externalID: String(id), ["name": .text(name), "grade": FieldValue(c["grade"]?.int),
                                                                             "teacher": FieldValue(Self.id(c["teacherId"]))]))
        }
        var guardians: Set<String> = []
        var members: [RemoteRecord] = []
        for classID in classIDs {
            for s in try await getOK("webapi/classes/\(classID)/students").array ?? [] {
                guard let sid = Self.id(s["id"]) else { continue }
                maxVer = max(maxVer, s["ver"]?.int ?? 0)
                records.append(student(s, classID: classID))
                for p in s["parents"]?.array ?? [] {
                    guard let pid = Self.id(p["id"]) else { continue }
                    if guardians.insert(pid).inserted {
                        records.append(RemoteRecord(.guardian, externalID: pid, ["surname": Self.text(p["lastName"]), "name": Self.text(p["firstName"]),
                                                    "patronymic": Self.text(p["middleName"]), "snils": FieldValue(p["snils"]?.string.flatMap(Snils.digits)),
                                                    "phone": Self.text(p["phone"])]))
                    }
                    records.append(RemoteRecord(.guardianship, externalID: "\(sid):\(pid)", ["student": .text(sid), "guardian": .text(pid)]))
                }
                for g in s["groups"]?.array ?? [] {
                    guard let gid = g["groupId"]?.int, let subj = Self.id(g["subjectId"]) else { continue }
                    groups[gid] = (classID, subj)
                    members.append(RemoteRecord(.groupMember, externalID: "\(gid):\(sid)", ["group": .text(String(gid)), "student": .text(sid)]))
                }
            }
        }
        // АСУ РСО sends no group names: a group is «N гр.», N its rank by id within its class and subject.
        var rank: [String: Int] = [:]
        for gid in groups.keys.sorted() {
            let g = groups[gid]!
            let n = (rank["\(g.classID)/\(g.subject)"] ?? 0) + 1
            rank["\(g.classID)/\(g.subject)"] = n
            records.append(RemoteRecord(.group, externalID: String(gid), ["class": .text(String(g.classID)), "subject": .text(g.subject), "name": .text("\(n) гр.")]))
        }
        records += members
        let ref = Reference(yearID: yearID, yearStart: yearStart, terms: termList, types: typeMap, homeworkType: homeworkType,
                            classes: classIDs.sorted(), records: records, maxVer: maxVer)
        reference = ref
        return ref
    }

    func student(_ s: JSON, classID: Int?) -> RemoteRecord {
        RemoteRecord(.student, externalID: Self.id(s["id"]) ?? "", [
            "file_number": Self.text(s["personalFileNumber"]), "surname": Self.text(s["lastName"]), "name": Self.text(s["firstName"]),
            "patronymic": Self.text(s["middleName"]), "birth_date": Self.date(s["birthDate"]),
            "snils": FieldValue(s["snils"]?.string.flatMap(Snils.digits)),
            "class": FieldValue((classID.map(String.init)) ?? Self.id(s["classId"])), "status": .text("active"),
        ], version: Self.ver(s))
    }

    func lesson(_ l: JSON, classID: Int, date: CivilDate) -> RemoteRecord {
        RemoteRecord(.lesson, externalID: Self.id(l["classmeetingId"] ?? l["id"]) ?? "", [
            "class": .text(String(classID)), "group": FieldValue(Self.id(l["groupId"])), "subject": FieldValue(Self.id(l["subjectId"])),
            "date": .text(date.description), "number": FieldValue(l["number"]?.int), "teacher": FieldValue(Self.id(l["teacherId"])),
            "substitute": FieldValue(Self.id(l["substituteTeacherId"])), "topic": Self.text(l["lessonTheme"]),
        ], version: Self.ver(l))
    }

    /// An assignment: the homework record when it is «Домашнее задание» with weight 0; in
    /// any case remembered so its marks know their work type and weight.
    func assignment(_ a: JSON, lessonID: Int, ref: Reference) -> RemoteRecord? {
        guard let id = a["id"]?.int ?? a["assignmentId"]?.int, let type = a["typeId"]?.int else { return nil }
        let weight = a["weight"]?.int ?? 1
        assignments[id] = (lessonID, type, weight)
        // A mark's weight is its assignment's: marks go to an assignment of their weight.
        if assignmentBySlot["\(lessonID)/\(type)/\(weight)"] == nil { assignmentBySlot["\(lessonID)/\(type)/\(weight)"] = id }
        guard type == ref.homeworkType, weight == 0 else { return nil }
        return RemoteRecord(.homework, externalID: String(id), ["lesson": .text(String(lessonID)), "text": Self.text(a["assignmentName"]),
                                                               "due": Self.date(a["dueDate"])], version: Self.ver(a))
    }

    func mark(_ m: JSON, assignmentID: Int) throws -> RemoteRecord? {
        guard let a = assignments[assignmentID], let sid = Self.id(m["studentId"]) else { return nil }
        var value: FieldValue = .null
        if let raw = Self.id(m["mark"]) { value = .text(try codes.markToJournal(raw)) }
        let point: Bool = { if case .bool(true)? = m["dutyMark"] { return true }; return false }()
        return RemoteRecord(.mark, externalID: "\(assignmentID):\(sid)", [
            "lesson": .text(String(a.lesson)), "student": .text(sid), "work_type": .text(String(a.type)),
            "value": point ? .null : value, "point": .init(bool: point), "weight": .int(a.weight),
        ], version: Self.ver(m))
    }

    func attendance(_ a: JSON, lessonID: String) throws -> RemoteRecord? {
        guard let sid = Self.id(a["studentId"]) else { return nil }
        let (kind, reason) = try codes.attendanceToJournal(code: a["code"]?.string ?? "", reason: a["reason"]?.string)
        return RemoteRecord(.attendance, externalID: "\(lessonID):\(sid)", ["lesson": .text(lessonID), "student": .text(sid),
                                                                           "kind": .text(kind), "reason": FieldValue(reason)], version: Self.ver(a))
    }

    func finalMark(_ f: JSON) throws -> RemoteRecord {
        let sid = Self.id(f["studentId"]) ?? "", subj = Self.id(f["subjectId"]) ?? "", term = Self.id(f["termId"]) ?? ""
        return RemoteRecord(.finalMark, externalID: "\(sid):\(subj):\(term)", [
            "student": .text(sid), "subject": .text(subj), "period": .text(term),
            "value": .text(try codes.markToJournal(Self.id(f["mark"]) ?? "")),
        ], version: Self.ver(f))
    }

    /// A class-week page: lessons, homework, marks and attendance.
    func journalRecords(_ page: JSON, classID: Int, ref: Reference) throws -> [RemoteRecord] {
        var out: [RemoteRecord] = []
        for day in page["weekDays"]?.array ?? [] {
            guard let date = CivilDate(iso: day["date"]?.string ?? "") else { continue }
            for l in day["lessons"]?.array ?? [] {
                guard let lid = (l["classmeetingId"] ?? l["id"])?.int else { continue }
                lessonPlace[lid] = (classID, date)
                out.append(lesson(l, classID: classID, date: date))
                var marks: [RemoteRecord] = []
                for a in l["assignments"]?.array ?? [] {
                    if let hw = assignment(a, lessonID: lid, ref: ref) { out.append(hw) }
                    guard let aid = a["id"]?.int else { continue }
                    for m in a["marks"]?.array ?? [] { if let r = try mark(m, assignmentID: aid) { marks.append(r) } }
                }
                out += marks
                for a in l["attendance"]?.array ?? [] { if let r = try attendance(a, lessonID: String(lid)) { out.append(r) } }
            }
        }
        return out
    }

    /// Records of one change-feed item.
    func feedRecords(kind: String, delete: Bool, data: JSON, ver: Int, ref: Reference) async throws -> [RemoteRecord] {
        let v = String(ver)
        switch kind {
        case "student":
            guard let id = Self.id(data["id"] ?? data["studentId"]) else { return [] }
            if delete { return [RemoteRecord(.student, externalID: id, version: v, deleted: true)] }
            var s = student(data, classID: data["classId"]?.int); s.version = v
            return [s]
        case "lesson":
            guard let id = Self.id(data["classmeetingId"] ?? data["id"]) else { return [] }
            if delete { return [RemoteRecord(.lesson, externalID: id, version: v, deleted: true)] }
            guard let cid = data["classId"]?.int, let date = CivilDate(iso: data["date"]?.string ?? "") else { return [] }
            lessonPlace[Int(id) ?? 0] = (cid, date)
            var l = lesson(data, classID: cid, date: date); l.version = v
            return [l]
        case "assignment":
            guard let id = (data["id"] ?? data["assignmentId"])?.int else { return [] }
            if delete {
                let wasHomework = assignments[id].map { $0.type == ref.homeworkType && $0.weight == 0 } ?? true
                return wasHomework ? [RemoteRecord(.homework, externalID: String(id), version: v, deleted: true)] : []
            }
            guard let lid = (data["classMeetingId"] ?? data["classmeetingId"])?.int else { return [] }
            var hw = assignment(data, lessonID: lid, ref: ref); hw?.version = v
            return hw.map { [$0] } ?? []
        case "mark":
            guard let aid = data["assignmentId"]?.int, let sid = Self.id(data["studentId"]) else { return [] }
            if delete { return [RemoteRecord(.mark, externalID: "\(aid):\(sid)", version: v, deleted: true)] }
            if !knownAssignment(aid), let lid = data["classmeetingId"]?.int { try await learnAssignments(ofLesson: lid, ref: ref) }
            guard var m = try mark(data, assignmentID: aid) else {
                throw PortalError(kind: .unexpected, status: 200, message: "mark of unknown assignment \(aid) in the change feed")
            }
            m.version = v
            return [m]
        case "attendance":
            guard let lid = Self.id(data["classmeetingId"]), let sid = Self.id(data["studentId"]) else { return [] }
            if delete { return [RemoteRecord(.attendance, externalID: "\(lid):\(sid)", version: v, deleted: true)] }
            var a = try attendance(data, lessonID: lid); a?.version = v
            return a.map { [$0] } ?? []
        case "finalmark":
            if delete {
                return [RemoteRecord(.finalMark, externalID: "\(Self.id(data["studentId"]) ?? ""):\(Self.id(data["subjectId"]) ?? ""):\(Self.id(data["termId"]) ?? "")",
                                     version: v, deleted: true)]
            }
            var f = try finalMark(data); f.version = v
            return [f]
        default:
            return []
        }
    }

    /// Reads the class-week page of a lesson to learn its assignments (a mark in the
    /// feed names its assignment, not the assignment's type and weight).
    func learnAssignments(ofLesson lessonID: Int, ref: Reference) async throws {
        if lessonPlace[lessonID] == nil, let locate = lessonLocator { lessonPlace[lessonID] = locate(String(lessonID)) }
        guard let place = lessonPlace[lessonID] else {
            throw PortalError(kind: .unexpected, status: 200, message: "the change feed has a mark of lesson \(lessonID), which this gateway has never seen: run `sync asu-rso --full`")
        }
        let body = try await getOK("webapi/journal", [("classId", String(place.classID)), ("weekStart", place.date.weekStart.description)])
        _ = try journalRecords(body, classID: place.classID, ref: ref)
    }
}
