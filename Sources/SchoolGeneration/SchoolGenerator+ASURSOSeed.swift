import Foundation
import JournalModel
import Formats

/// Writes the АСУ РСО emulator's seed (`school.json`, `students.json`, `lessons.json`,
/// `finalmarks.json`, see docs/emulator.md) for a generated school: the portal's side of
/// the same school, read back from the generated files, with a realistic share of
/// differences (marks changed, missing or only on the portal).
public struct ASURSOSeedWriter {
    public let school: String          // a generated school's directory
    public let out: String
    public let seed: UInt64

    public init(school: String, out: String, seed: UInt64) { self.school = school; self.out = out; self.seed = seed }

    struct Lesson { var json: [(String, JSON)]; var assignments: [String: (type: String, weight: Int, marks: [JSON])] = [:]; var homework: (String, String)?; var attendance: [JSON] = [] }

    public func write() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var rng = SeededRandom(seed: seed ^ 0xA5A5)
        var ids: [String: Int] = [:]
        var next: [String: Int] = ["class": 100, "teacher": 300, "subject": 70, "student": 9000, "parent": 7000, "lesson": 700_000, "group": 8800, "period": 10, "year": 0]
        func id(_ kind: String, _ local: String) -> Int {
            let k = kind + "/" + local
            if let v = ids[k] { return v }
            next[kind, default: 0] += 1
            ids[k] = next[kind]!
            return next[kind]!
        }
        let typeAbbr = ["wt-answer": "О", "wt-hw": "ДЗ", "wt-test": "КР", "wt-self": "СР"]
        var year: JSON = .null
        var terms: [JSON] = [], subjects: [JSON] = [], teachers: [JSON] = [], classes: [JSON] = [], groups: [JSON] = []
        var studentClass: [String: String] = [:]
        var groupMembers: [String: [Int]] = [:]
        var lessons: [Lesson] = []
        var lessonIndex: [String: Int] = [:]
        var finals: [JSON] = []
        try forEachJSONLine(school + "/journal.jsonl") { j in
            guard let type = j["type"]?.string, let lid = j["id"]?.string else { return }
            switch type {
            case "year": year = .object([("id", .int(2000 + id("year", lid))), ("name", j["name"] ?? .null), ("startDate", j["start_date"] ?? .null), ("endDate", j["end_date"] ?? .null)])
            case "period": terms.append(.object([("id", .int(id("period", lid))), ("name", j["name"] ?? .null), ("startDate", j["start_date"] ?? .null), ("endDate", j["end_date"] ?? .null)]))
            case "subject": subjects.append(.object([("id", .int(id("subject", lid))), ("name", j["name"] ?? .null)]))
            case "teacher": teachers.append(.object([("id", .int(id("teacher", lid))), ("lastName", j["surname"] ?? .null), ("firstName", j["name"] ?? .null), ("middleName", j["patronymic"] ?? .null)]))
            case "class":
                classes.append(.object([("id", .int(id("class", lid))), ("name", j["name"] ?? .null), ("grade", j["grade"] ?? .null),
                                        ("teacherId", j["teacher"]?.string.map { .int(id("teacher", $0)) } ?? .null)]))
            case "group":
                groups.append(.object([("id", .int(id("group", lid))), ("classId", .int(id("class", j["class"]?.string ?? ""))),
                                       ("subjectId", .int(id("subject", j["subject"]?.string ?? ""))), ("name", j["name"] ?? .null),
                                       ("teacherId", j["teacher"]?.string.map { .int(id("teacher", $0)) } ?? .null)]))
            case "group_member":
                groupMembers[j["student"]?.string ?? "", default: []].append(id("group", j["group"]?.string ?? ""))
            case "lesson":
                lessonIndex[lid] = lessons.count
                lessons.append(Lesson(json: [("id", .int(id("lesson", lid))), ("classId", .int(id("class", j["class"]?.string ?? ""))),
                                             ("date", j["date"] ?? .null), ("number", j["number"] ?? .null),
                                             ("subjectId", .int(id("subject", j["subject"]?.string ?? ""))),
                                             ("groupId", j["group"]?.string.map { .int(id("group", $0)) } ?? .null),
                                             ("teacherId", j["teacher"]?.string.map { .int(id("teacher", $0)) } ?? .null),
                                             ("substituteTeacherId", j["substitute"]?.string.map { .int(id("teacher", $0)) } ?? .null),
                                             ("room", .null), ("lessonTheme", j["topic"] ?? .null)]))
            case "homework":
                if let i = lessonIndex[j["lesson"]?.string ?? ""] { lessons[i].homework = (j["text"]?.string ?? "", j["due"]?.string ?? "") }
            case "mark":
                guard let i = lessonIndex[j["lesson"]?.string ?? ""], let student = j["student"]?.string else { return }
                if rng.chance(0.01) { return }   // not (yet) on the portal
                let wt = j["work_type"]?.string ?? "wt-answer", weight = j["weight"]?.int ?? 1
                var value = j["value"]?.string
                if value != nil, rng.chance(0.02) { value = rng.pick(["2", "3", "4", "5"]) }   // changed on the portal
                let portal = value.map { $0 == "зачёт" ? "зач" : $0 == "незачёт" ? "незач" : $0 }
                let mark: JSON = portal.map { .object([("studentId", .int(id("student", student))), ("mark", .string($0))]) }
                    ?? .object([("studentId", .int(id("student", student))), ("dutyMark", .bool(true))])
                lessons[i].assignments["\(wt)/\(weight)", default: (typeAbbr[wt] ?? "О", weight, [])].marks.append(mark)
            case "attendance":
                guard let i = lessonIndex[j["lesson"]?.string ?? ""], let student = j["student"]?.string else { return }
                let late = j["kind"]?.string == "late"
                lessons[i].attendance.append(.object([("studentId", .int(id("student", student))), ("code", .string(late ? "ОП" : "Н")),
                                                      ("reason", late ? .null : (j["reason"] ?? .null))]))
            case "final_mark":
                finals.append(.object([("studentId", .int(id("student", j["student"]?.string ?? ""))), ("subjectId", .int(id("subject", j["subject"]?.string ?? ""))),
                                       ("termId", .int(id("period", j["period"]?.string ?? ""))), ("mark", j["value"] ?? .null)]))
            default: break
            }
        }
        _ = studentClass
        let typeRows: [(String, String, Int)] = [("О", "Ответ на уроке", 1), ("ДЗ", "Домашнее задание", 3),
                                                 ("КР", "Контрольная работа", 5), ("СР", "Самостоятельная работа", 6)]
        let types: [JSON] = typeRows.map { row in
            JSON.object([("id", .int(row.2)), ("abbr", .string(row.0)), ("name", .string(row.1)), ("order", .int(row.2))])
        }
        var bells: [JSON] = []
        for n in 1...8 {
            let start = 8 * 60 + 30 + (n - 1) * 55, end = start + 40
            bells.append(.object([("number", .int(n)), ("startTime", .string(String(format: "%02d:%02d", start / 60, start % 60))),
                                  ("endTime", .string(String(format: "%02d:%02d", end / 60, end % 60)))]))
        }
        var schoolPairs: [(String, JSON)] = [("schoolId", .string("63-0001")), ("name", .string("МБОУ «Школа № 1»")), ("timeZone", .string("Europe/Samara"))]
        schoolPairs += [("login", .string("gateway")), ("password", .string("Журнал2026")),
                        ("user", .object([("id", .int(301)), ("name", .string("Администратор"))])), ("marksAsNumbers", .bool(false))]
        schoolPairs += [("year", year), ("terms", .array(terms)), ("assignmentTypes", .array(types)), ("subjects", .array(subjects)),
                        ("teachers", .array(teachers)), ("classes", .array(classes)), ("groups", .array(groups)), ("bells", .array(bells))]
        let schoolJSON = JSON.object(schoolPairs)
        try SchoolGenerator.LineFile.write(schoolJSON.pretty(), to: out + "/school.json")
        // Students and parents from the secretary's list the generator wrote.
        try writeStudents(id: id, groupMembers: groupMembers)
        var assignmentID = 500_000
        var lessonsOut = ""
        lessonsOut += "[\n"
        for (n, l) in lessons.enumerated() {
            var a: [JSON] = []
            for (_, v) in l.assignments.sorted(by: { $0.key < $1.key }) {
                assignmentID += 1
                a.append(.object([("id", .int(assignmentID)), ("type", .string(v.type)), ("assignmentName", .string("Работа на уроке")),
                                  ("weight", .int(v.weight)), ("dueDate", l.json.first { $0.0 == "date" }!.1), ("marks", .array(v.marks))]))
            }
            if let hw = l.homework {
                assignmentID += 1
                a.append(.object([("id", .int(assignmentID)), ("type", .string("ДЗ")), ("assignmentName", .string(hw.0)), ("weight", .int(0)),
                                  ("dueDate", .string(hw.1)), ("marks", .array([]))]))
            }
            lessonsOut += JSON.object(l.json + [("assignments", .array(a)), ("attendance", .array(l.attendance))]).serialized()
            lessonsOut += n + 1 < lessons.count ? ",\n" : "\n"
        }
        lessonsOut += "]\n"
        try SchoolGenerator.LineFile.write(lessonsOut, to: out + "/lessons.json")
        try SchoolGenerator.LineFile.write(JSON.array(finals).serialized(), to: out + "/finalmarks.json")
    }

    func writeStudents(id: (String, String) -> Int, groupMembers: [String: [Int]]) throws {
        let list = try ContingentSeedSource.read(school + "/contingent.csv")
        var parents: [JSON] = []
        var parentIDs: [String: Int] = [:]
        var students: [JSON] = []
        for s in list {
            var mine: [Int] = []
            for g in s.guardians ?? [] {
                let key = g.fullName + "|" + (g.phone ?? "")
                if parentIDs[key] == nil {
                    parentIDs[key] = 7000 + parentIDs.count + 1
                    parents.append(.object([("id", .int(parentIDs[key]!)), ("lastName", .string(g.surname)), ("firstName", .string(g.name)),
                                            ("middleName", g.patronymic.map(JSON.string) ?? .null), ("snils", .null), ("phone", g.phone.map(JSON.string) ?? .null)]))
                }
                mine.append(parentIDs[key]!)
            }
            let local = "stu-" + (s.fileNumber ?? "")
            students.append(.object([("id", .int(id("student", local))), ("classId", .int(id("class", "cls-" + s.className))),
                                     ("lastName", .string(s.surname)), ("firstName", .string(s.name)), ("middleName", s.patronymic.map(JSON.string) ?? .null),
                                     ("birthDate", s.birthDate.map { .string($0.description) } ?? .null), ("personalFileNumber", s.fileNumber.map(JSON.string) ?? .null),
                                     ("snils", s.snils.map { .string(Snils.formatted($0)) } ?? .null),
                                     ("groupIds", .array((groupMembers[local] ?? []).map(JSON.int))), ("parentIds", .array(mine.map(JSON.int)))]))
        }
        try SchoolGenerator.LineFile.write(JSON.object([("parents", .array(parents)), ("students", .array(students))]).serialized(),
                                           to: out + "/students.json")
    }
}

/// Calls `body` with each line of a JSON Lines file, parsed.
func forEachJSONLine(_ path: String, _ body: (JSON) throws -> Void) throws {
    var reader = try LineReader(path: path)
    while let line = try reader.next() {
        if line.isEmpty { continue }
        try body(try JSON.parse(bytes: line))
    }
}
