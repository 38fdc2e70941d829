/// The kinds of records the journal holds, in dependency order (a kind refers only to
/// kinds before it), with the fields each carries.
///
/// This one table drives the store's typed tables, the native JSON Lines format, the
/// change log and the sync engine's canonical records, so a field is declared once.
public enum EntityKind: String, CaseIterable, Sendable, Codable, Hashable, Comparable {
    case year, period, teacher, subject
    case workType = "work_type"
    case classUnit = "class"
    case student, guardian, guardianship, group
    case groupMember = "group_member"
    case lesson, homework, mark, attendance
    case finalMark = "final_mark"
    case movement

    /// The SQLite table holding this kind.
    public var table: String {
        switch self {
        case .year: return "academic_year"
        case .period: return "study_period"
        case .classUnit: return "class_unit"
        case .group: return "class_group"
        default: return rawValue
        }
    }

    public var fields: [FieldSpec] { EntityKind.schema[self]!.fields }

    /// Fields that identify a record apart from its id (unique in the store).
    public var naturalKey: [String] { EntityKind.schema[self]!.naturalKey }

    public func field(_ name: String) -> FieldSpec? { fields.first { $0.name == name } }

    public static func < (a: EntityKind, b: EntityKind) -> Bool { a.order < b.order }
    public var order: Int { EntityKind.allCases.firstIndex(of: self)! }

    private static let markValues = ["1", "2", "3", "4", "5", "зачёт", "незачёт"]

    private static let schema: [EntityKind: (fields: [FieldSpec], naturalKey: [String])] = [
        .year: ([.text("name"), .date("start_date"), .date("end_date")], ["name"]),
        .period: ([.ref("year", .year), .text("name"), .date("start_date"), .date("end_date")], ["year", "name"]),
        // Teachers are matched by name across counterparts (portals send no other key).
        .teacher: ([.text("surname"), .text("name"), .text("patronymic", required: false)], ["surname", "name", "patronymic"]),
        .subject: ([.text("name")], ["name"]),
        .workType: ([.text("name"), .text("abbr", required: false)], ["name"]),
        .classUnit: ([.text("name"), .int("grade"), .ref("teacher", .teacher, required: false)], ["name"]),
        .student: ([.text("file_number", required: false), .text("surname"), .text("name"),
                    .text("patronymic", required: false), .date("birth_date", required: false),
                    .text("snils", required: false), .code("gender", ["М", "Ж"], required: false),
                    .ref("class", .classUnit, required: false), .code("status", ["active", "withdrawn"])],
                   ["file_number"]),
        .guardian: ([.text("surname"), .text("name"), .text("patronymic", required: false),
                     .text("snils", required: false), .text("phone", required: false)], []),
        .guardianship: ([.ref("student", .student), .ref("guardian", .guardian)], ["student", "guardian"]),
        .group: ([.ref("class", .classUnit), .ref("subject", .subject), .text("name"),
                  .ref("teacher", .teacher, required: false)], ["class", "subject", "name"]),
        .groupMember: ([.ref("group", .group), .ref("student", .student)], ["group", "student"]),
        .lesson: ([.ref("class", .classUnit), .ref("group", .group, required: false), .ref("subject", .subject),
                   .date("date"), .int("number"), .ref("teacher", .teacher, required: false),
                   .ref("substitute", .teacher, required: false), .text("topic", required: false)],
                  ["class", "group", "date", "number"]),
        .homework: ([.ref("lesson", .lesson), .text("text"), .date("due", required: false)], ["lesson"]),
        .mark: ([.ref("lesson", .lesson), .ref("student", .student), .ref("work_type", .workType),
                 .code("value", markValues, required: false), .bool("point"), .int("weight", required: false)],
                ["lesson", "student", "work_type"]),
        .attendance: ([.ref("lesson", .lesson), .ref("student", .student), .code("kind", ["absent", "late"]),
                       .code("reason", ["Б", "УП", "НП"], required: false)], ["lesson", "student"]),
        // `value` is free text here so that rule R3 can name «н/а» and «осв» itself.
        .finalMark: ([.ref("student", .student), .ref("subject", .subject), .ref("period", .period),
                      .text("value")], ["student", "subject", "period"]),
        .movement: ([.ref("student", .student), .code("kind", MovementKind.allCases.map(\.rawValue)),
                     .date("date"), .text("from_class", required: false), .text("to_class", required: false),
                     .text("details", required: false)], []),
    ]
}

/// What a field holds.
public enum FieldType: Sendable, Hashable {
    case text, int, bool, date
    /// The id of a record of another kind.
    case ref(EntityKind)
    /// One of a closed list of codes.
    case code([String])
}

/// One field of an entity kind.
public struct FieldSpec: Sendable, Hashable {
    public let name: String
    public let type: FieldType
    public let required: Bool

    public static func text(_ n: String, required: Bool = true) -> FieldSpec { FieldSpec(name: n, type: .text, required: required) }
    public static func int(_ n: String, required: Bool = true) -> FieldSpec { FieldSpec(name: n, type: .int, required: required) }
    public static func bool(_ n: String) -> FieldSpec { FieldSpec(name: n, type: .bool, required: false) }
    public static func date(_ n: String, required: Bool = true) -> FieldSpec { FieldSpec(name: n, type: .date, required: required) }
    public static func ref(_ n: String, _ k: EntityKind, required: Bool = true) -> FieldSpec { FieldSpec(name: n, type: .ref(k), required: required) }
    public static func code(_ n: String, _ c: [String], required: Bool = true) -> FieldSpec { FieldSpec(name: n, type: .code(c), required: required) }
}

/// Kinds of student movement (движение учащихся).
public enum MovementKind: String, CaseIterable, Sendable {
    case arrival, withdrawal, transfer
    case dataChange = "data_change"
}
