import Foundation
import JournalModel

/// The school's reference data (`samples/epos/school.json`): read by the protocol, never
/// written through it.
struct EPOSSchool: Sendable {
    struct Year: Sendable { var id: String; var name: String; var begin: CivilDate; var end: CivilDate }
    struct Period: Sendable { var id: String; var name: String; var begin: CivilDate; var end: CivilDate }
    struct Subject: Sendable { var id: String; var name: String; var code: String }
    /// A kind of work for one subject; ids differ per subject and per region.
    struct ControlForm: Sendable { var id: String; var subjectID: String; var name: String; var weight: Int; var gradeSystemType: String }
    /// `absence_reasons`: integer ids that differ per region (map by name).
    struct AbsenceReason: Sendable { var id: Int; var name: String }
    struct Teacher: Sendable { var id: String; var lastName: String; var firstName: String; var middleName: String? }
    /// A class, named with a hyphen (`5-А`).
    struct ClassUnit: Sendable { var id: String; var name: String; var parallel: Int }
    /// A subgroup of a class for one subject, with its pupils.
    struct Group: Sendable { var id: String; var classUnitID: String; var subjectID: String; var name: String; var studentIDs: [String] }

    var schoolID: String
    var name: String
    var timeZone: String
    var login: String
    var password: String
    var profileID: String
    var year: Year
    var periods: [Period]
    var subjects: [Subject]
    var controlForms: [ControlForm]
    var absenceReasons: [AbsenceReason]
    var teachers: [Teacher]
    var classUnits: [ClassUnit]
    var groups: [Group]

    /// The zone of `updated_at` offsets and of «today» (R2); `Asia/Yekaterinburg` in Perm.
    var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "Asia/Yekaterinburg")! }

    func classUnit(_ id: String?) -> ClassUnit? { classUnits.first { $0.id == id } }
    func subject(_ id: String?) -> Subject? { subjects.first { $0.id == id } }
    func group(_ id: String?) -> Group? { groups.first { $0.id == id } }
    func teacher(_ id: String?) -> Teacher? { teachers.first { $0.id == id } }
    func period(_ id: String?) -> Period? { periods.first { $0.id == id } }
    func controlForm(_ id: String?) -> ControlForm? { controlForms.first { $0.id == id } }
    func absenceReason(_ id: Int?) -> AbsenceReason? { absenceReasons.first { $0.id == id } }

    static let keys = ["school_id", "name", "time_zone", "login", "password", "profile_id", "academic_year", "periods",
                       "subjects", "control_forms", "absence_reasons", "teachers", "class_units", "groups"]

    /// Reads `school.json` (or the state file's `school`), checking ids and references.
    ///
    /// - Throws: `EmulatorError` naming the file, the object and the field.
    init(_ f: SeedFields) throws(EmulatorError) {
        schoolID = try f.string("school_id"); name = try f.string("name"); timeZone = try f.string("time_zone")
        login = try f.string("login"); password = try f.string("password"); profileID = try f.string("profile_id")
        guard TimeZone(identifier: timeZone) != nil else { throw f.problem("time_zone «\(timeZone)» is not a known time zone") }
        guard !password.contains(" "), !login.contains(" ") else { throw f.problem("login and password may not contain spaces (the ready line)") }
        let y = try f.object("academic_year", allowed: ["id", "name", "begin_date", "end_date"])
        year = Year(id: try y.string("id"), name: try y.string("name"), begin: try y.date("begin_date"), end: try y.date("end_date"))
        periods = []
        for p in try f.objects("periods", allowed: ["id", "name", "begin_date", "end_date"]) {
            periods.append(Period(id: try p.string("id"), name: try p.string("name"), begin: try p.date("begin_date"), end: try p.date("end_date")))
        }
        subjects = []
        for s in try f.objects("subjects", allowed: ["id", "name", "code"]) {
            subjects.append(Subject(id: try s.string("id"), name: try s.string("name"), code: try s.string("code")))
        }
        controlForms = []
        absenceReasons = []
        teachers = []
        classUnits = []
        groups = []
        for c in try f.objects("control_forms", allowed: ["id", "subject_id", "name", "weight", "grade_system_type"]) {
            let form = ControlForm(id: try c.string("id"), subjectID: try c.string("subject_id"), name: try c.string("name"),
                                   weight: try c.optInt("weight") ?? 1, gradeSystemType: try c.optString("grade_system_type") ?? "five")
            guard subject(form.subjectID) != nil else { throw c.problem("subject_id «\(form.subjectID)» is not among the subjects") }
            controlForms.append(form)
        }
        for r in try f.objects("absence_reasons", allowed: ["id", "name"]) {
            absenceReasons.append(AbsenceReason(id: try r.int("id"), name: try r.string("name")))
        }
        for t in try f.objects("teachers", allowed: ["id", "last_name", "first_name", "middle_name"]) {
            teachers.append(Teacher(id: try t.string("id"), lastName: try t.string("last_name"), firstName: try t.string("first_name"),
                                    middleName: try t.optString("middle_name")))
        }
        for c in try f.objects("class_units", allowed: ["id", "name", "parallel"]) {
            classUnits.append(ClassUnit(id: try c.string("id"), name: try c.string("name"), parallel: try c.int("parallel")))
        }
        for g in try f.objects("groups", allowed: ["id", "class_unit_id", "subject_id", "name", "student_ids"]) {
            var ids: [String] = []
            for v in try g.array("student_ids") {
                guard let s = v.string else { throw g.problem("student_ids: expected strings") }
                ids.append(s)
            }
            let group = Group(id: try g.string("id"), classUnitID: try g.string("class_unit_id"), subjectID: try g.string("subject_id"),
                              name: try g.string("name"), studentIDs: ids)
            guard classUnit(group.classUnitID) != nil, subject(group.subjectID) != nil else {
                throw g.problem("class_unit_id «\(group.classUnitID)» or subject_id «\(group.subjectID)» is unknown")
            }
            groups.append(group)
        }
        let lists: [(String, [String])] = [("periods", periods.map(\.id)), ("subjects", subjects.map(\.id)),
                                           ("control_forms", controlForms.map(\.id)), ("absence_reasons", absenceReasons.map { String($0.id) }),
                                           ("teachers", teachers.map(\.id)), ("class_units", classUnits.map(\.id)), ("groups", groups.map(\.id))]
        for (name, ids) in lists where Set(ids).count != ids.count {
            throw f.problem("\(name): ids must be unique")
        }
    }

    /// The `school.json` object (also the state file's `school`).
    var document: JSON {
        func date(_ d: CivilDate) -> JSON { .string(d.description) }
        func text(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
        return .object([
            ("school_id", .string(schoolID)), ("name", .string(name)), ("time_zone", .string(timeZone)),
            ("login", .string(login)), ("password", .string(password)), ("profile_id", .string(profileID)),
            ("academic_year", .object([("id", .string(year.id)), ("name", .string(year.name)),
                                       ("begin_date", date(year.begin)), ("end_date", date(year.end))])),
            ("periods", .array(periods.map { .object([("id", .string($0.id)), ("name", .string($0.name)),
                                                      ("begin_date", date($0.begin)), ("end_date", date($0.end))]) })),
            ("subjects", .array(subjects.map { .object([("id", .string($0.id)), ("name", .string($0.name)), ("code", .string($0.code))]) })),
            ("control_forms", .array(controlForms.map { .object([("id", .string($0.id)), ("subject_id", .string($0.subjectID)),
                                                                  ("name", .string($0.name)), ("weight", .int($0.weight)),
                                                                  ("grade_system_type", .string($0.gradeSystemType))]) })),
            ("absence_reasons", .array(absenceReasons.map { .object([("id", .int($0.id)), ("name", .string($0.name))]) })),
            ("teachers", .array(teachers.map { .object([("id", .string($0.id)), ("last_name", .string($0.lastName)),
                                                        ("first_name", .string($0.firstName)), ("middle_name", text($0.middleName))]) })),
            ("class_units", .array(classUnits.map { .object([("id", .string($0.id)), ("name", .string($0.name)), ("parallel", .int($0.parallel))]) })),
            ("groups", .array(groups.map { .object([("id", .string($0.id)), ("class_unit_id", .string($0.classUnitID)),
                                                    ("subject_id", .string($0.subjectID)), ("name", .string($0.name)),
                                                    ("student_ids", .array($0.studentIDs.map(JSON.string)))]) })),
        ])
    }
}
