import JournalModel

/// Plain rows of the journal as the reports read them (no SQLite types, no records).
public enum ReportRows {
    public struct Year: Sendable { public let id, name: String; public let start, end: CivilDate }
    public struct Period: Sendable {
        public let id, year, name: String; public let start, end: CivilDate
        public init(id: String, year: String, name: String, start: CivilDate, end: CivilDate) {
            self.id = id; self.year = year; self.name = name; self.start = start; self.end = end
        }
    }
    public struct Subject: Sendable { public let id, name: String }
    public struct ClassUnit: Sendable { public let id, name: String; public let grade: Int; public let teacher: String? }
    public struct Student: Sendable {
        public let id: String; public let fileNumber: String?; public let surname, name: String; public let patronymic: String?
        public let classID: String?; public let active: Bool
        public var fullName: String { [surname, name, patronymic].compactMap { $0 }.joined(separator: " ") }
    }
    public struct Movement: Sendable {
        public let id, student, kind: String; public let date: CivilDate; public let fromClass, toClass, details, enteredAt: String?
    }
    public struct Group: Sendable { public let id, classID, subject, name: String; public let teacher: String?; public let members: [String] }
    public struct Lesson: Sendable {
        public let id, classID: String; public let group: String?; public let subject: String; public let date: CivilDate
        public let number: Int; public let teacher, substitute: String?; public let hasTopic: Bool
    }
    public struct Attendance: Sendable { public let id, lesson, student: String; public let late: Bool; public let reason: String? }
    public struct Mark: Sendable { public let id, lesson, student, workType: String; public let value, enteredAt: String? }
    public struct FinalMark: Sendable { public let id, student, subject, period, value: String; public let enteredAt: String? }
    /// A record and when something about it was entered (a change-log time, UTC).
    public struct Entered: Sendable { public let record: String; public let at: String? }
    public struct Pair: Hashable, Sendable {
        public let a, b: String
        public init(_ a: String, _ b: String) { self.a = a; self.b = b }
    }
}
