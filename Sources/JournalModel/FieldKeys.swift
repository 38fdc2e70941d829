/// The fields of every kind, declared once: each kind's namespace names its fields as
/// typed keys (`Mark.value`, `Lesson.date`), in schema order. ``EntityKind/fields`` and the
/// natural keys are derived from these tables, so a field exists exactly when its key does,
/// and a misspelt key does not compile.
///
/// Generated once from the old schema table; edit by hand (keep `index` equal to the
/// position in `all`: ``EntityKind`` checks it when the schema is first read).

/// A field of a kind, addressed by its position in the kind's schema.
public struct Field: Hashable, Sendable, CustomStringConvertible {
    public let kind: EntityKind
    public let index: Int
    public let spec: FieldSpec
    public var name: String { spec.name }
    public var description: String { "\(kind.rawValue).\(spec.name)" }

    init(_ kind: EntityKind, _ index: Int, _ spec: FieldSpec) { self.kind = kind; self.index = index; self.spec = spec }

    public static func == (a: Field, b: Field) -> Bool { a.kind == b.kind && a.index == b.index }
    public func hash(into h: inout Hasher) { h.combine(kind); h.combine(index) }
}

/// What every kind's namespace provides.
public protocol KindSchema {
    static var entity: EntityKind { get }
    /// The fields in schema order (`all[i].index == i`).
    static var all: [Field] { get }
    /// The fields that identify a record apart from its id (unique in the store).
    static var naturalKey: [Field] { get }
}

enum FieldCodes {
    static let markValues = ["1", "2", "3", "4", "5", "зачёт", "незачёт"]
    static let genders = ["М", "Ж"]
    static let statuses = ["active", "withdrawn"]
    static let attendanceKinds = ["absent", "late"]
    static let reasons = ["Б", "УП", "НП"]
    static var movementKinds: [String] { MovementKind.allCases.map(\.rawValue) }
}

public enum Year: KindSchema {
    public static let entity = EntityKind.year
    public static let name = Field(.year, 0, .text("name"))
    public static let startDate = Field(.year, 1, .date("start_date"))
    public static let endDate = Field(.year, 2, .date("end_date"))
    public static let all = [name, startDate, endDate]
    public static let naturalKey: [Field] = [name]
}

public enum Period: KindSchema {
    public static let entity = EntityKind.period
    public static let year = Field(.period, 0, .ref("year", .year))
    public static let name = Field(.period, 1, .text("name"))
    public static let startDate = Field(.period, 2, .date("start_date"))
    public static let endDate = Field(.period, 3, .date("end_date"))
    public static let all = [year, name, startDate, endDate]
    public static let naturalKey: [Field] = [year, name]
}

public enum Teacher: KindSchema {
    public static let entity = EntityKind.teacher
    public static let surname = Field(.teacher, 0, .text("surname"))
    public static let name = Field(.teacher, 1, .text("name"))
    public static let patronymic = Field(.teacher, 2, .text("patronymic", required: false))
    public static let all = [surname, name, patronymic]
    public static let naturalKey: [Field] = [surname, name, patronymic]
}

public enum Subject: KindSchema {
    public static let entity = EntityKind.subject
    public static let name = Field(.subject, 0, .text("name"))
    public static let all = [name]
    public static let naturalKey: [Field] = [name]
}

public enum WorkType: KindSchema {
    public static let entity = EntityKind.workType
    public static let name = Field(.workType, 0, .text("name"))
    public static let abbr = Field(.workType, 1, .text("abbr", required: false))
    public static let all = [name, abbr]
    public static let naturalKey: [Field] = [name]
}

public enum ClassUnit: KindSchema {
    public static let entity = EntityKind.classUnit
    public static let name = Field(.classUnit, 0, .text("name"))
    public static let grade = Field(.classUnit, 1, .int("grade"))
    public static let teacher = Field(.classUnit, 2, .ref("teacher", .teacher, required: false))
    public static let all = [name, grade, teacher]
    public static let naturalKey: [Field] = [name]
}

public enum Student: KindSchema {
    public static let entity = EntityKind.student
    public static let fileNumber = Field(.student, 0, .text("file_number", required: false))
    public static let surname = Field(.student, 1, .text("surname"))
    public static let name = Field(.student, 2, .text("name"))
    public static let patronymic = Field(.student, 3, .text("patronymic", required: false))
    public static let birthDate = Field(.student, 4, .date("birth_date", required: false))
    public static let snils = Field(.student, 5, .text("snils", required: false))
    public static let gender = Field(.student, 6, .code("gender", FieldCodes.genders, required: false))
    public static let classUnit = Field(.student, 7, .ref("class", .classUnit, required: false))
    public static let status = Field(.student, 8, .code("status", FieldCodes.statuses))
    public static let all = [fileNumber, surname, name, patronymic, birthDate, snils, gender, classUnit, status]
    public static let naturalKey: [Field] = [fileNumber]
}

public enum Guardian: KindSchema {
    public static let entity = EntityKind.guardian
    public static let surname = Field(.guardian, 0, .text("surname"))
    public static let name = Field(.guardian, 1, .text("name"))
    public static let patronymic = Field(.guardian, 2, .text("patronymic", required: false))
    public static let snils = Field(.guardian, 3, .text("snils", required: false))
    public static let phone = Field(.guardian, 4, .text("phone", required: false))
    public static let all = [surname, name, patronymic, snils, phone]
    public static let naturalKey: [Field] = []
}

public enum Guardianship: KindSchema {
    public static let entity = EntityKind.guardianship
    public static let student = Field(.guardianship, 0, .ref("student", .student))
    public static let guardian = Field(.guardianship, 1, .ref("guardian", .guardian))
    public static let all = [student, guardian]
    public static let naturalKey: [Field] = [student, guardian]
}

public enum Group: KindSchema {
    public static let entity = EntityKind.group
    public static let classUnit = Field(.group, 0, .ref("class", .classUnit))
    public static let subject = Field(.group, 1, .ref("subject", .subject))
    public static let name = Field(.group, 2, .text("name"))
    public static let teacher = Field(.group, 3, .ref("teacher", .teacher, required: false))
    public static let all = [classUnit, subject, name, teacher]
    public static let naturalKey: [Field] = [classUnit, subject, name]
}

public enum GroupMember: KindSchema {
    public static let entity = EntityKind.groupMember
    public static let group = Field(.groupMember, 0, .ref("group", .group))
    public static let student = Field(.groupMember, 1, .ref("student", .student))
    public static let all = [group, student]
    public static let naturalKey: [Field] = [group, student]
}

public enum Lesson: KindSchema {
    public static let entity = EntityKind.lesson
    public static let classUnit = Field(.lesson, 0, .ref("class", .classUnit))
    public static let group = Field(.lesson, 1, .ref("group", .group, required: false))
    public static let subject = Field(.lesson, 2, .ref("subject", .subject))
    public static let date = Field(.lesson, 3, .date("date"))
    public static let number = Field(.lesson, 4, .int("number"))
    public static let teacher = Field(.lesson, 5, .ref("teacher", .teacher, required: false))
    public static let substitute = Field(.lesson, 6, .ref("substitute", .teacher, required: false))
    public static let topic = Field(.lesson, 7, .text("topic", required: false))
    public static let all = [classUnit, group, subject, date, number, teacher, substitute, topic]
    public static let naturalKey: [Field] = [classUnit, group, date, number]
}

public enum Homework: KindSchema {
    public static let entity = EntityKind.homework
    public static let lesson = Field(.homework, 0, .ref("lesson", .lesson))
    public static let text = Field(.homework, 1, .text("text"))
    public static let due = Field(.homework, 2, .date("due", required: false))
    public static let all = [lesson, text, due]
    public static let naturalKey: [Field] = [lesson]
}

public enum Mark: KindSchema {
    public static let entity = EntityKind.mark
    public static let lesson = Field(.mark, 0, .ref("lesson", .lesson))
    public static let student = Field(.mark, 1, .ref("student", .student))
    public static let workType = Field(.mark, 2, .ref("work_type", .workType))
    public static let value = Field(.mark, 3, .code("value", FieldCodes.markValues, required: false))
    public static let point = Field(.mark, 4, .bool("point"))
    public static let weight = Field(.mark, 5, .int("weight", required: false))
    public static let all = [lesson, student, workType, value, point, weight]
    public static let naturalKey: [Field] = [lesson, student, workType]
}

public enum Attendance: KindSchema {
    public static let entity = EntityKind.attendance
    public static let lesson = Field(.attendance, 0, .ref("lesson", .lesson))
    public static let student = Field(.attendance, 1, .ref("student", .student))
    public static let kind = Field(.attendance, 2, .code("kind", FieldCodes.attendanceKinds))
    public static let reason = Field(.attendance, 3, .code("reason", FieldCodes.reasons, required: false))
    public static let all = [lesson, student, kind, reason]
    public static let naturalKey: [Field] = [lesson, student]
}

public enum FinalMark: KindSchema {
    public static let entity = EntityKind.finalMark
    public static let student = Field(.finalMark, 0, .ref("student", .student))
    public static let subject = Field(.finalMark, 1, .ref("subject", .subject))
    public static let period = Field(.finalMark, 2, .ref("period", .period))
    public static let value = Field(.finalMark, 3, .text("value"))
    public static let all = [student, subject, period, value]
    public static let naturalKey: [Field] = [student, subject, period]
}

public enum Movement: KindSchema {
    public static let entity = EntityKind.movement
    public static let student = Field(.movement, 0, .ref("student", .student))
    public static let kind = Field(.movement, 1, .code("kind", FieldCodes.movementKinds))
    public static let date = Field(.movement, 2, .date("date"))
    public static let fromClass = Field(.movement, 3, .text("from_class", required: false))
    public static let toClass = Field(.movement, 4, .text("to_class", required: false))
    public static let details = Field(.movement, 5, .text("details", required: false))
    public static let all = [student, kind, date, fromClass, toClass, details]
    public static let naturalKey: [Field] = []
}

extension EntityKind {
    /// The field that names a record of this kind in listings (`name`); for a person the
    /// given name. Nil for kinds without one (a mark, a lesson).
    public var nameKey: Field? {
        switch self {
        case .year: return Year.name
        case .period: return Period.name
        case .teacher: return Teacher.name
        case .subject: return Subject.name
        case .workType: return WorkType.name
        case .classUnit: return ClassUnit.name
        case .student: return Student.name
        case .guardian: return Guardian.name
        case .group: return Group.name
        default: return nil
        }
    }

    /// Surname, name and patronymic of a person kind (teacher, student, guardian); nil otherwise.
    public var personKeys: (surname: Field, name: Field, patronymic: Field)? {
        switch self {
        case .teacher: return (Teacher.surname, Teacher.name, Teacher.patronymic)
        case .student: return (Student.surname, Student.name, Student.patronymic)
        case .guardian: return (Guardian.surname, Guardian.name, Guardian.patronymic)
        default: return nil
        }
    }
}

extension EntityKind {
    /// The field naming the pupil a record is about (marks, attendance, final marks,
    /// guardianships, group memberships, movements); nil for other kinds.
    public var studentKey: Field? {
        switch self {
        case .mark: return Mark.student
        case .attendance: return Attendance.student
        case .finalMark: return FinalMark.student
        case .guardianship: return Guardianship.student
        case .groupMember: return GroupMember.student
        case .movement: return Movement.student
        default: return nil
        }
    }
}
