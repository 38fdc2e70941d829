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

    public var fields: [FieldSpec] { EntityKind.schemas[order].fields }

    /// The typed keys of this kind's fields, in schema order (`keys[i].index == i`).
    public var keys: [Field] { EntityKind.schemas[order].keys }

    /// How many fields the kind has (the length of its ``FieldValues``).
    public var fieldCount: Int { EntityKind.schemas[order].keys.count }

    /// The typed keys sorted by name: the order of the JSON forms.
    public var keysByName: [Field] { EntityKind.schemas[order].keysByName }

    /// Fields that identify a record apart from its id (unique in the store).
    public var naturalKey: [String] { EntityKind.schemas[order].naturalKey }

    /// The typed keys of ``naturalKey``.
    public var naturalKeyFields: [Field] { EntityKind.schemas[order].naturalKeyFields }

    /// The field named `name` (names from files and portals: resolve once per kind or file).
    public func field(_ name: String) -> FieldSpec? { key(name)?.spec }

    /// The typed key of the field named `name`, nil when the kind has no such field.
    public func key(_ name: String) -> Field? { EntityKind.schemas[order].byName[name] }

    public static func < (a: EntityKind, b: EntityKind) -> Bool { a.order < b.order }
    /// The position in ``allCases`` (a switch, not a hash: it runs once a field access).
    public var order: Int {
        switch self {
        case .year: return 0
        case .period: return 1
        case .teacher: return 2
        case .subject: return 3
        case .workType: return 4
        case .classUnit: return 5
        case .student: return 6
        case .guardian: return 7
        case .guardianship: return 8
        case .group: return 9
        case .groupMember: return 10
        case .lesson: return 11
        case .homework: return 12
        case .mark: return 13
        case .attendance: return 14
        case .finalMark: return 15
        case .movement: return 16
        }
    }

    /// The namespace declaring this kind's fields (FieldKeys.swift).
    public var schema: any KindSchema.Type {
        switch self {
        case .year: return Year.self
        case .period: return Period.self
        case .teacher: return Teacher.self
        case .subject: return Subject.self
        case .workType: return WorkType.self
        case .classUnit: return ClassUnit.self
        case .student: return Student.self
        case .guardian: return Guardian.self
        case .guardianship: return Guardianship.self
        case .group: return Group.self
        case .groupMember: return GroupMember.self
        case .lesson: return Lesson.self
        case .homework: return Homework.self
        case .mark: return Mark.self
        case .attendance: return Attendance.self
        case .finalMark: return FinalMark.self
        case .movement: return Movement.self
        }
    }

    private struct Schema: Sendable {
        let keys: [Field]
        let fields: [FieldSpec]
        let naturalKeyFields: [Field]
        let naturalKey: [String]
        let byName: [String: Field]
        let keysByName: [Field]
    }

    /// Read once from the namespaces; a key whose index is not its position stops here.
    private static let schemas: [Schema] = allCases.map { kind in
        let s = kind.schema
        precondition(allCases[kind.order] == kind, "EntityKind.order disagrees with allCases at \(kind)")
        for (i, f) in s.all.enumerated() {
            precondition(f.index == i && f.kind == kind && s.entity == kind, "FieldKeys.swift: \(f) is declared at index \(f.index) but listed at \(i)")
        }
        return Schema(keys: s.all, fields: s.all.map(\.spec), naturalKeyFields: s.naturalKey, naturalKey: s.naturalKey.map(\.name),
                      byName: Dictionary(uniqueKeysWithValues: s.all.map { ($0.name, $0) }),
                      keysByName: s.all.sorted { $0.name < $1.name })
    }
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
