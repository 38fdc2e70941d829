import JournalModel

/// The ЭПОС objects the emulator keeps with an `updated_at`: the kinds `/_emulator/stats`
/// counts. One table (`fields`) drives parsing, validation, rendering and the state file.
enum EPOSKind: String, CaseIterable, Sendable, Comparable {
    case student
    case scheduleItem = "schedule_item"
    case mark
    case attendance
    case finalMark = "final_mark"

    /// The path segment under `/core/api/`.
    var path: String {
        switch self {
        case .student: return "students"
        case .scheduleItem: return "schedule_items"
        case .mark: return "marks"
        case .attendance: return "attendances"
        case .finalMark: return "final_marks"
        }
    }

    init?(path: String) {
        guard let k = EPOSKind.allCases.first(where: { $0.path == path }) else { return nil }
        self = k
    }

    /// The prefix of ids the portal gives (`mk-5112`).
    var idPrefix: String {
        switch self {
        case .student: return "st"
        case .scheduleItem: return "si"
        case .mark: return "mk"
        case .attendance: return "at"
        case .finalMark: return "fm"
        }
    }

    /// Clients create, update and delete these; students change only through `/_emulator/edit`
    /// (the region's contingent owns them).
    var writable: Bool { self != .student }

    /// Whether rows carry `deleted_at` (students are moved, never deleted).
    var softDeletes: Bool { self != .student }

    /// The seed and state file holding this kind.
    var fileName: String { path + ".json" }

    static func < (a: EPOSKind, b: EPOSKind) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

    /// The object's own fields in wire order (without `id`, `external_id`, `updated_at`, `deleted_at`).
    var fields: [EPOSField] { Self.schema[self]! }

    func field(_ name: String) -> EPOSField? { fields.first { $0.name == name } }

    private static let schema = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.makeFields()) })

    private func makeFields() -> [EPOSField] {
        switch self {
        case .student:
            return [.init("last_name", .nonEmpty, required: true), .init("first_name", .nonEmpty, required: true),
                    .init("middle_name", .text, nullable: true), .init("birth_date", .date, nullable: true),
                    .init("personal_file", .text, nullable: true), .init("snils", .snils, nullable: true),
                    .init("class_unit_id", .ref(.classUnit), required: true)]
        case .scheduleItem:
            return [.init("class_unit_id", .ref(.classUnit), required: true, immutable: true),
                    .init("date", .date, required: true), .init("lesson_number", .int(1...12), required: true),
                    .init("subject_id", .ref(.subject), required: true),
                    .init("group_id", .ref(.group), nullable: true, immutable: true),
                    .init("teacher_id", .ref(.teacher), nullable: true), .init("replaced_teacher_id", .ref(.teacher), nullable: true),
                    .init("topic", .text, nullable: true), .init("homework", .homework, nullable: true)]
        case .mark:
            return [.init("student_id", .ref(.student), required: true, immutable: true),
                    .init("schedule_item_id", .ref(.scheduleItem), required: true, immutable: true),
                    .init("control_form_id", .ref(.controlForm), required: true),
                    .init("value", .markValue, nullable: true), .init("weight", .int(0...10)),
                    .init("is_point", .bool), .init("point_date", .date, nullable: true),
                    .init("comment", .text, nullable: true), .init("is_exam", .bool)]
        case .attendance:
            return [.init("student_id", .ref(.student), required: true, immutable: true),
                    .init("schedule_item_id", .ref(.scheduleItem), required: true, immutable: true),
                    .init("absence_reason_id", .ref(.absenceReason), nullable: true),
                    .init("late_minutes", .int(1...45), nullable: true)]
        case .finalMark:
            return [.init("student_id", .ref(.student), required: true, immutable: true),
                    .init("subject_id", .ref(.subject), required: true, immutable: true),
                    .init("period_id", .ref(.period), required: true, immutable: true),
                    .init("value", .markValue, required: true)]
        }
    }
}

/// What an id field points at.
enum EPOSRef: Sendable, Equatable {
    case classUnit, subject, group, teacher, period, controlForm, student, scheduleItem
    /// The one integer id of the protocol (`absence_reason_id: 6`).
    case absenceReason
}

/// One field of an ЭПОС object.
struct EPOSField: Sendable {
    enum FieldType: Sendable, Equatable {
        /// Any string.
        case text
        /// A string with something besides spaces.
        case nonEmpty
        case int(ClosedRange<Int>)
        case bool
        /// `YYYY-MM-DD`.
        case date
        case ref(EPOSRef)
        /// `"1"`…`"5"`, `"зачёт"`, `"незачёт"`.
        case markValue
        /// `{"text": "…", "due_date": "YYYY-MM-DD" | null}`.
        case homework
        /// 11 digits, no separators, valid checksum.
        case snils
    }

    let name: String
    let type: FieldType
    /// Must be given when the object is created.
    let required: Bool
    let nullable: Bool
    /// Cannot change after creation: delete the object and create another.
    let immutable: Bool

    init(_ name: String, _ type: FieldType, required: Bool = false, nullable: Bool = false, immutable: Bool = false) {
        self.name = name; self.type = type; self.required = required; self.nullable = nullable; self.immutable = immutable
    }
}

/// One stored ЭПОС object: its fields by name plus what the portal keeps about it.
struct EPOSRecord: Sendable {
    let kind: EPOSKind
    let id: String
    /// Every field of the kind, null where unset.
    var fields: [String: JSON]
    var externalID: String?
    /// Milliseconds since 1970 (UTC); shown in the school's offset.
    var updatedAt: Int64
    var deletedAt: Int64?
    /// Bumped by every change; the ETag is derived from it and the id.
    var revision: Int
    /// MD5 of the create request's body: a second create with the same body is a replay.
    var createMD5: String?

    var isLive: Bool { deletedAt == nil }

    subscript(_ name: String) -> JSON { fields[name] ?? .null }
    func string(_ name: String) -> String? { fields[name]?.string }

    /// The opaque strong ETag, quotes included (`"9f2c…"`): FNV-1a of id and revision.
    var etag: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in "\(id)#\(revision)".utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }
}

/// One validation problem: the `details` items of a 422.
struct EPOSProblem: Sendable, Equatable {
    var field: String
    var message: String
    var json: JSON { .object([("field", .string(field)), ("message", .string(message))]) }
}

/// The values the portal accepts, and what it refuses as final marks (R3).
enum EPOSCodes {
    static let markValues = ["1", "2", "3", "4", "5", "зачёт", "незачёт"]
    static let forbiddenFinal: Set<String> = ["н/а", "осв"]

    /// The mark's `values`: the grade on the five-point and hundred-point scales.
    static func values(_ value: String?) -> JSON {
        guard let value else { return .array([]) }
        if let n = Int(value) {
            return .array([.object([("grade_system_type", .string("five")),
                                    ("grade", .object([("origin", .string(value)), ("five", .double(Double(n))),
                                                       ("hundred", .double(Double(n * 20)))]))])])
        }
        return .array([.object([("grade_system_type", .string("zachet")),
                                ("grade", .object([("origin", .string(value)), ("five", .null),
                                                   ("hundred", .double(value == "зачёт" ? 100 : 0))]))])])
    }
}
