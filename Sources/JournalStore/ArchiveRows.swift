/// What the archive reads from the store for one class and period (issue 19): plain values,
/// no SQLite type, no string-keyed record.
public struct ArchivePeriod: Sendable, Hashable {
    public let id: String
    public let yearName: String
    public let yearStart: String
    public let yearEnd: String
    public let name: String
    public let start: String
    public let end: String
    public init(id: String, yearName: String, yearStart: String, yearEnd: String, name: String, start: String, end: String) {
        self.id = id; self.yearName = yearName; self.yearStart = yearStart; self.yearEnd = yearEnd
        self.name = name; self.start = start; self.end = end
    }
}

public struct ArchiveClass: Sendable, Hashable {
    public let id: String
    public let name: String
    public let grade: Int
    public let teacher: String?
}

public struct ArchiveStudent: Sendable, Hashable {
    public let id: String
    public let surname: String
    public let name: String
    public let patronymic: String?
    public var fullName: String { [surname, name, patronymic].compactMap { $0 }.joined(separator: " ") }
}

/// A subject as taught to the class or to one of its groups.
public struct ArchiveCourse: Sendable, Hashable {
    public let subjectID: String
    public let subject: String
    public let groupID: String?
    public let group: String?
    public let teacher: String?
    /// The pupils of the course (the group's members, or the class), by name.
    public let students: [ArchiveStudent]
    public let lessons: [ArchiveLesson]
}

public struct ArchiveLesson: Sendable, Hashable {
    public let id: String
    public let date: String
    public let number: Int
    public let topic: String?
    public let homework: String?
    /// Per pupil id: the marks (values in work-type order) and the attendance kind.
    public let marks: [String: [String]]
    public let attendance: [String: String]
}

public struct ArchiveFinalMark: Sendable, Hashable {
    public let studentID: String
    public let subject: String
    public let value: String
}

public struct ArchiveMovement: Sendable, Hashable {
    public let student: String
    public let kind: String
    public let date: String
    public let fromClass: String?
    public let toClass: String?
    public let details: String?
}

/// One class's journal for one period.
public struct ArchiveClassJournal: Sendable, Hashable {
    public let period: ArchivePeriod
    public let classUnit: ArchiveClass
    public let students: [ArchiveStudent]
    public let courses: [ArchiveCourse]
    public let finalMarks: [ArchiveFinalMark]
    public let movements: [ArchiveMovement]

    public var lessonCount: Int { courses.reduce(0) { $0 + $1.lessons.count } }
    public var markCount: Int { courses.reduce(0) { $0 + $1.lessons.reduce(0) { $0 + $1.marks.values.reduce(0) { $0 + $1.count } } } }
    public var absenceCount: Int { courses.reduce(0) { $0 + $1.lessons.reduce(0) { $0 + $1.attendance.count } } }
}
