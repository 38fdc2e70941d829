import Foundation
import JournalModel
import SyncModel

/// Reference data (page 0 of a full pull, and what every run maps through): the year,
/// terms, assignment types, subjects, teachers, classes, and per class its students with
/// their parents and groups. Every answer is read strictly (asu-rso.md).
extension ASURSOCounterpart {
    /// The whole reference, with the class lists (a full pull's page 0 and its final marks).
    func loadReference() async throws -> Reference {
        if let reference { return reference }
        var ref = try await loadCoreReference()
        try await readClassLists(into: &ref)
        reference = ref
        return ref
    }

    /// What the change feed and the push map through: the year, terms, assignment types,
    /// subjects, teachers and classes, without the class lists (one request per class and
    /// every pupil with parents and groups: a full pull's, not a night's).
    func loadCoreReference() async throws -> Reference {
        if let reference { return reference }
        if let coreReference { return coreReference }
        var records: [RemoteRecord] = []
        let year = try await getOK("webapi/years/current").asObject()
        let yearID = try year.asuID("id"), yearStart = try year.asuDate("startDate")
        records.append(RemoteRecord(.year, externalID: String(yearID), [Year.name: .text(try year.string("name", nonEmpty: true)),
                                    Year.startDate: .text(yearStart.description), Year.endDate: .text(try year.asuDate("endDate").description)]))
        var termList: [(id: Int, start: CivilDate)] = []
        for t in try await getOK("webapi/terms").asObjects() {
            let id = try t.asuID("id"), start = try t.asuDate("startDate")
            termList.append((id, start))
            records.append(RemoteRecord(.period, externalID: String(id), [Period.year: .text(String(yearID)), Period.name: .text(try t.string("name", nonEmpty: true)),
                                        Period.startDate: .text(start.description), Period.endDate: .text(try t.asuDate("endDate").description)]))
        }
        var typeMap: [Int: (abbr: String, name: String)] = [:]
        var homeworkType: Int?
        for t in try await getOK("webapi/grade/assignment/types", [("all", "true")]).asObjects() {
            let id = try t.asuID("id"), abbr = try t.string("abbr"), name = try t.string("name", nonEmpty: true)
            let (journal, adopted, warning) = codes.workTypeOrAdopt(abbr: abbr, name: name)
            if let adopted { adopt(adopted) }
            if let warning { warn(warning) }
            typeMap[id] = (abbr, name)
            if journal == "Домашнее задание" { homeworkType = id }
            records.append(RemoteRecord(.workType, externalID: String(id), [WorkType.name: .text(journal), WorkType.abbr: .text(abbr)]))
        }
        for s in try await getOK("webapi/subjects").asObjects() {
            let (subject, adopted) = codes.subjectOrAdopt(try s.string("name", nonEmpty: true))
            if let adopted { adopt(adopted) }
            records.append(RemoteRecord(.subject, externalID: String(try s.asuID("id")), [Subject.name: .text(subject)]))
        }
        for t in try await getOK("webapi/teachers").asObjects() {
            records.append(RemoteRecord(.teacher, externalID: String(try t.asuID("id")), try Self.person(t, .teacher)))
        }
        var classIDs: [Int] = []
        for c in try await getOK("webapi/classes").asObjects() {
            let id = try c.asuID("id"), raw = try c.string("name", nonEmpty: true)
            classIDs.append(id)
            records.append(RemoteRecord(.classUnit, externalID: String(id), [ClassUnit.name: .text(ClassName.normalize(raw) ?? raw),
                                        ClassUnit.grade: .int(try c.int("grade", in: 0...12)),
                                        ClassUnit.teacher: .text(String(try c.asuID("teacherId")))]))
        }
        let ref = Reference(yearID: yearID, yearStart: yearStart, terms: termList, types: typeMap, homeworkType: homeworkType,
                            classes: classIDs.sorted(), listedClasses: classIDs, classOf: [:], records: records, maxVer: 0)
        coreReference = ref
        return ref
    }

    /// Reads each class's pupils with their parents and groups into `ref`: their records,
    /// each pupil's class and the newest pupil `ver`.
    private func readClassLists(into ref: inout Reference) async throws {
        var records: [RemoteRecord] = []
        var guardians: Set<String> = []
        var members: [RemoteRecord] = []
        var groups: [Int: (classID: Int, subject: String)] = [:]
        var classOf: [Int: Int] = [:]
        var maxVer = 0
        for classID in ref.listedClasses {
            let path = "webapi/classes/\(classID)/students"
            for s in try await getOK(path).asObjects() {
                // F7: a pupil of another class (or school) is never filed under the class asked for.
                if try s.optionalField("classId") != nil { try s.int("classId", equals: classID, "the class asked for") }
                let sid = try s.asuID("id")
                maxVer = max(maxVer, try s.asuVer())
                classOf[sid] = classID
                records.append(try student(s, classID: classID, version: String(try s.asuVer())))
                for p in try s.objects("parents") {
                    let pid = String(try p.asuID("id"))
                    var fields = try Self.person(p, .guardian)
                    fields[Guardian.snils] = FieldValue(try p.snils("snils", nullable: true))
                    fields[Guardian.phone] = FieldValue(try p.string("phone", nullable: true))
                    if guardians.insert(pid).inserted { records.append(RemoteRecord(.guardian, externalID: pid, fields)) }
                    records.append(RemoteRecord(.guardianship, externalID: "\(sid):\(pid)", [Guardianship.student: .text(String(sid)), Guardianship.guardian: .text(pid)]))
                }
                for g in try s.objects("groups") {
                    let gid = try g.asuID("groupId"), subject = try g.asuID("subjectId")
                    groups[gid] = (classID, String(subject))
                    members.append(RemoteRecord(.groupMember, externalID: "\(gid):\(sid)", [GroupMember.group: .text(String(gid)), GroupMember.student: .text(String(sid))]))
                }
            }
        }
        // АСУ РСО sends no group names: a group is «N гр.», N its rank by id within its class and subject.
        var rank: [String: Int] = [:]
        for gid in groups.keys.sorted() {
            let g = groups[gid]!
            let n = (rank["\(g.classID)/\(g.subject)"] ?? 0) + 1
            rank["\(g.classID)/\(g.subject)"] = n
            records.append(RemoteRecord(.group, externalID: String(gid), [Group.classUnit: .text(String(g.classID)), Group.subject: .text(g.subject), Group.name: .text("\(n) гр.")]))
        }
        records += members
        ref.records += records
        ref.classOf = classOf
        ref.maxVer = maxVer
    }

    /// Surname, name and patronymic of a teacher, pupil or parent. A patronymic may be null
    /// (people without one; the emulator's sample has such a pupil).
    /// A person's name as a record of `kind` (teacher, student, guardian) holds it.
    static func person(_ p: JSONReader, _ kind: EntityKind) throws -> FieldValues {
        let k = kind.personKeys!
        var f = FieldValues(kind)
        f[k.surname] = .text(try p.string("lastName", nonEmpty: true))
        f[k.name] = .text(try p.string("firstName", nonEmpty: true))
        f[k.patronymic] = FieldValue(try p.string("middleName", nullable: true))
        return f
    }
}
