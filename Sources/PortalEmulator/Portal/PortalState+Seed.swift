import Foundation
import JournalModel

/// Loading the portal's state from a seed directory or a saved state file.
///
/// Both use one object format (see docs/emulator.md); a seed leaves out `ver`s, which are
/// then given in a fixed order: students, then lessons by date with their assignments,
/// marks and attendance, then final marks.
extension PortalState {
    static let schoolKeys = ["schoolId", "name", "timeZone", "login", "password", "user", "marksAsNumbers", "year", "terms",
                             "assignmentTypes", "subjects", "teachers", "classes", "groups", "bells"]

    /// Reads `school.json`, `students.json`, `lessons.json` and `finalmarks.json` from `dir`.
    ///
    /// - Throws: `EmulatorError` naming the file, the object and the field at fault.
    static func load(seedDirectory dir: String) throws(EmulatorError) -> PortalState {
        let school = try readJSON(dir + "/school.json")
        var state = try PortalState(school: SeedFields(school, "school.json", allowed: schoolKeys))
        let people = try SeedFields(try readJSON(dir + "/students.json"), "students.json", allowed: ["parents", "students"])
        try state.loadPeople(people)
        let lessons = try SeedFields(.object([("lessons", try readJSON(dir + "/lessons.json"))]), "lessons.json", allowed: ["lessons"])
        try state.loadLessons(lessons)
        let finals = try SeedFields(.object([("finalMarks", try readJSON(dir + "/finalmarks.json"))]), "finalmarks.json", allowed: ["finalMarks"])
        try state.loadFinalMarks(finals)
        state.finishLoading()
        return state
    }

    /// Reads a state file written by `document(full: true)`.
    static func load(stateFile path: String) throws(EmulatorError) -> PortalState {
        let name = (path as NSString).lastPathComponent
        let doc = try SeedFields(try readJSON(path), name,
                                 allowed: ["format", "school", "parents", "students", "lessons", "finalMarks", "runtime"])
        guard try doc.optString("format") == stateFormat else {
            throw doc.problem("not an emulator state file (expected \"format\": \"\(stateFormat)\"); remove it to start from the seed")
        }
        var state = try PortalState(school: doc.object("school", allowed: schoolKeys))
        try state.loadPeople(doc)
        try state.loadLessons(doc)
        try state.loadFinalMarks(doc)
        try state.loadRuntime(doc.object("runtime", allowed: ["latestVer", "feedFloor", "nextLessonId", "nextAssignmentId",
                                                              "tombstones", "idempotency", "counters"]))
        state.finishLoading()
        return state
    }

    static let stateFormat = "asu-rso-emulator-state/1"

    static func readJSON(_ path: String) throws(EmulatorError) -> JSON {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EmulatorError("\(path): cannot be read (is the seed directory right? the default is samples/asu-rso)")
        }
        do {
            return try JSON.parse(bytes: [UInt8](data))
        } catch {
            // The parser counts characters from the start: turn that into line and column.
            var line = 1, col = 1
            for ch in String(decoding: data, as: UTF8.self).prefix(max(0, error.column - 1)) {
                if ch == "\n" || ch == "\r\n" { line += 1; col = 1 } else { col += 1 }
            }
            throw EmulatorError("\(path):\(line):\(col): \(error.message)")
        }
    }

    private init(school f: SeedFields) throws(EmulatorError) {
        let user = try f.object("user", allowed: ["id", "name"])
        let year = try f.object("year", allowed: ["id", "name", "startDate", "endDate"])
        var config = SchoolConfig(
            schoolID: try f.string("schoolId"), name: try f.string("name"), timeZone: try f.string("timeZone"),
            login: try f.string("login"), password: try f.string("password"),
            userID: try user.int("id"), userName: try user.string("name"),
            marksAsNumbers: try f.bool("marksAsNumbers", default: false),
            year: StudyYear(id: try year.int("id"), name: try year.string("name"), start: try year.date("startDate"), end: try year.date("endDate")),
            terms: [], assignmentTypes: [], subjects: [], teachers: [], classes: [], groups: [], bells: [])
        guard TimeZone(identifier: config.timeZone) != nil else { throw f.problem("timeZone «\(config.timeZone)» is not a known time zone") }
        guard config.password.data(using: .windowsCP1251) != nil else {
            throw f.problem("the password has characters Windows-1251 cannot encode; the platform hashes cp1251 bytes")
        }
        for t in try f.objects("terms", allowed: ["id", "name", "startDate", "endDate"]) {
            config.terms.append(Term(id: try t.int("id"), name: try t.string("name"), start: try t.date("startDate"), end: try t.date("endDate")))
        }
        for t in try f.objects("assignmentTypes", allowed: ["id", "abbr", "name", "order"]) {
            config.assignmentTypes.append(AssignmentType(id: try t.int("id"), abbr: try t.string("abbr"), name: try t.string("name"),
                                                         order: try t.optInt("order") ?? 0))
        }
        for s in try f.objects("subjects", allowed: ["id", "name"]) {
            config.subjects.append(Subject(id: try s.int("id"), name: try s.string("name")))
        }
        for t in try f.objects("teachers", allowed: ["id", "lastName", "firstName", "middleName"]) {
            config.teachers.append(Teacher(id: try t.int("id"), lastName: try t.string("lastName"), firstName: try t.string("firstName"),
                                           middleName: try t.optString("middleName")))
        }
        for c in try f.objects("classes", allowed: ["id", "name", "grade", "teacherId"]) {
            let cls = SchoolClass(id: try c.int("id"), name: try c.string("name"), grade: try c.int("grade"), teacherId: try c.optInt("teacherId"))
            if let t = cls.teacherId, config.teacher(t) == nil { throw c.problem("teacherId \(t) is not among the teachers") }
            config.classes.append(cls)
        }
        for g in try f.objects("groups", allowed: ["id", "classId", "subjectId", "name", "teacherId"]) {
            let group = StudyGroup(id: try g.int("id"), classId: try g.int("classId"), subjectId: try g.int("subjectId"),
                                   name: try g.string("name"), teacherId: try g.optInt("teacherId"))
            guard config.schoolClass(group.classId) != nil, config.subject(group.subjectId) != nil else {
                throw g.problem("classId \(group.classId) or subjectId \(group.subjectId) is unknown")
            }
            config.groups.append(group)
        }
        for b in try f.objects("bells", allowed: ["number", "startTime", "endTime"]) {
            config.bells.append(Bell(number: try b.int("number"), startTime: try b.string("startTime"), endTime: try b.string("endTime")))
        }
        let abbrs = config.assignmentTypes.map(\.abbr)
        guard Set(abbrs).count == abbrs.count, Set(config.assignmentTypes.map(\.id)).count == abbrs.count else {
            throw f.problem("assignment type ids and abbreviations must be unique")
        }
        self.init(config: config)
    }

    private mutating func loadPeople(_ f: SeedFields) throws(EmulatorError) {
        for p in try f.objects("parents", allowed: ["id", "lastName", "firstName", "middleName", "snils", "phone"]) {
            let parent = Parent(id: try p.int("id"), lastName: try p.string("lastName"), firstName: try p.string("firstName"),
                                middleName: try p.optString("middleName"), snils: try p.optString("snils"), phone: try p.optString("phone"))
            try Self.checkSnils(parent.snils, p)
            guard parents.updateValue(parent, forKey: parent.id) == nil else { throw p.problem("parent id \(parent.id) appears twice") }
        }
        for s in try f.objects("students", allowed: ["id", "classId", "lastName", "firstName", "middleName", "birthDate",
                                                     "personalFileNumber", "snils", "groupIds", "parentIds", "ver"]) {
            let student = Student(id: try s.int("id"), classId: try s.int("classId"), lastName: try s.string("lastName"),
                                  firstName: try s.string("firstName"), middleName: try s.optString("middleName"),
                                  birthDate: try s.optDate("birthDate"), personalFileNumber: try s.optString("personalFileNumber"),
                                  snils: try s.optString("snils"), groupIds: try s.ints("groupIds"), parentIds: try s.ints("parentIds"),
                                  ver: try s.optInt("ver") ?? 0)
            guard config.schoolClass(student.classId) != nil else { throw s.problem("classId \(student.classId) is not among the classes") }
            for g in student.groupIds where config.group(g)?.classId != student.classId {
                throw s.problem("groupId \(g) is not a group of class \(student.classId)")
            }
            for p in student.parentIds where parents[p] == nil { throw s.problem("parentId \(p) is not among the parents") }
            try Self.checkSnils(student.snils, s)
            guard students.updateValue(student, forKey: student.id) == nil else { throw s.problem("student id \(student.id) appears twice") }
        }
    }

    private static func checkSnils(_ snils: String?, _ f: SeedFields) throws(EmulatorError) {
        guard let snils else { return }
        guard let digits = Snils.digits(snils), Snils.checksumValid(digits) else {
            throw f.problem("field «snils» is not 11 digits with a valid checksum (value not shown: personal data)")
        }
    }
}
