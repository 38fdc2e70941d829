import JournalModel

/// The school's reference data: read by the protocol, never written through it.
struct SchoolConfig: Sendable {
    var schoolID: String
    var name: String
    var timeZone: String
    var login: String
    var password: String
    var userID: Int
    var userName: String
    var marksAsNumbers: Bool
    var year: StudyYear
    var terms: [Term]
    var assignmentTypes: [AssignmentType]
    var subjects: [Subject]
    var teachers: [Teacher]
    var classes: [SchoolClass]
    var groups: [StudyGroup]
    var bells: [Bell]

    func term(_ id: Int) -> Term? { terms.first { $0.id == id } }
    func assignmentType(_ id: Int) -> AssignmentType? { assignmentTypes.first { $0.id == id } }
    func subject(_ id: Int) -> Subject? { subjects.first { $0.id == id } }
    func teacher(_ id: Int) -> Teacher? { teachers.first { $0.id == id } }
    func schoolClass(_ id: Int) -> SchoolClass? { classes.first { $0.id == id } }
    func group(_ id: Int) -> StudyGroup? { groups.first { $0.id == id } }
    func bell(_ number: Int) -> Bell? { bells.first { $0.number == number } }
}

struct StudyYear: Sendable { var id: Int; var name: String; var start: CivilDate; var end: CivilDate }
struct Term: Sendable { var id: Int; var name: String; var start: CivilDate; var end: CivilDate }
/// A kind of work (`typeId`); ids differ from server to server.
struct AssignmentType: Sendable { var id: Int; var abbr: String; var name: String; var order: Int }
struct Subject: Sendable { var id: Int; var name: String }
struct Teacher: Sendable { var id: Int; var lastName: String; var firstName: String; var middleName: String? }
struct SchoolClass: Sendable { var id: Int; var name: String; var grade: Int; var teacherId: Int? }
/// A subgroup of a class for one subject (English in two groups).
struct StudyGroup: Sendable { var id: Int; var classId: Int; var subjectId: Int; var name: String; var teacherId: Int? }
struct Bell: Sendable { var number: Int; var startTime: String; var endTime: String }
/// A legal representative; a parent of several children is one record under each.
struct Parent: Sendable {
    var id: Int; var lastName: String; var firstName: String; var middleName: String?
    var snils: String?; var phone: String?
}

struct Student: Sendable {
    var id: Int
    var classId: Int
    var lastName: String
    var firstName: String
    var middleName: String?
    var birthDate: CivilDate?
    var personalFileNumber: String?
    var snils: String?
    var groupIds: [Int]
    var parentIds: [Int]
    var ver: Int
}

/// A lesson («classmeeting»), with its attendance; its assignments live in `PortalState.assignments`.
struct Lesson: Sendable {
    var id: Int
    var classId: Int
    var date: CivilDate
    var number: Int
    var subjectId: Int
    var groupId: Int?
    var teacherId: Int
    var substituteTeacherId: Int?
    var room: String?
    var startTime: String?
    var endTime: String?
    var theme: String?
    var ver: Int
    /// Assignment ids in the order the page lists them.
    var assignmentIds: [Int] = []
    /// Attendance by student id.
    var attendance: [Int: Attendance] = [:]
}

struct Assignment: Sendable {
    var id: Int
    var lessonId: Int
    var typeId: Int
    var name: String
    var weight: Int
    var dueDate: CivilDate
    var ver: Int
    /// Marks by student id.
    var marks: [Int: Mark] = [:]
}

/// A current mark: a value, or the «точка» (`duty`, work owed) with no value.
struct Mark: Sendable { var value: String?; var duty: Bool; var ver: Int }
/// `code` «Н» absent or «ОП» late; `reason` «Б», «УП», «НП» or not yet set.
struct Attendance: Sendable { var code: String; var reason: String?; var ver: Int }

struct FinalMarkKey: Hashable, Comparable, Sendable {
    var studentId: Int; var subjectId: Int; var termId: Int
    static func < (a: Self, b: Self) -> Bool { (a.studentId, a.subjectId, a.termId) < (b.studentId, b.subjectId, b.termId) }
}
struct FinalMark: Sendable { var value: String; var ver: Int }

/// Values the platform accepts, and what it refuses on final marks (R3).
enum Codes {
    static let markValues: Set<String> = ["1", "2", "3", "4", "5", "зач", "незач"]
    static let forbiddenFinal: Set<String> = ["н/а", "осв"]
    static let attendanceCodes: Set<String> = ["Н", "ОП"]
    static let reasons: Set<String> = ["Б", "УП", "НП"]
}

/// What a `ver` belongs to: one object of the feed's six kinds.
enum ObjectKey: Hashable, Sendable {
    case student(Int)
    case lesson(Int)
    case assignment(Int)
    case mark(assignment: Int, student: Int)
    case attendance(lesson: Int, student: Int)
    case finalMark(FinalMarkKey)

    /// The feed's `kind`.
    var kind: String {
        switch self {
        case .student: return "student"
        case .lesson: return "lesson"
        case .assignment: return "assignment"
        case .mark: return "mark"
        case .attendance: return "attendance"
        case .finalMark: return "finalmark"
        }
    }
}

/// A deleted object: its delete `ver` and the identifying fields the feed's delete item carries.
struct Tombstone: Sendable { var ver: Int; var data: JSON }

/// One entry of the ver sequence; stale once its object has a newer ver.
struct LogEntry: Sendable { var ver: Int; var key: ObjectKey }

/// A batch answer remembered under its `Idempotency-Key`, with the MD5 of the request body.
struct StoredResponse: Sendable { var status: Int; var body: String; var storedAt: Double; var requestMD5: String }

/// Counters that `/_emulator/stats` (and `/_emulator/idempotency`) report.
struct Counters: Sendable {
    var operationsApplied = 0
    var idempotentReplays = 0
    var faultsInjected = 0
    /// Replays whose request body differed from the first one: a client reusing a key for other content.
    var mismatchedReplays = 0
}
