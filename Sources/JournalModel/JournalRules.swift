import Foundation

/// A broken rule or a malformed field, with the field it concerns.
public struct Violation: Sendable, Hashable, CustomStringConvertible {
    /// The regulation rule (`R1`…`R14`), or nil for a plain format problem.
    public let rule: String?
    public let field: String?
    public let message: String

    public init(rule: String? = nil, field: String? = nil, _ message: String) {
        self.rule = rule; self.field = field; self.message = message
    }

    public var description: String {
        var s = ""
        if let rule { s += "\(rule): " }
        if let field { s += "field «\(field)»: " }
        return s + message
    }
}

/// Reads other records while a record is validated (from the store, a file being imported, or both).
public protocol RecordLookup {
    func record(_ kind: EntityKind, id: String) -> Record?
}

/// The regulation rules checked on every record that enters the journal.
public struct JournalRules: Sendable {
    /// Today's date in the school's time zone (R2).
    public let today: CivilDate

    public init(today: CivilDate) { self.today = today }

    public init(timeZone: TimeZone, now: Date = Date()) { self.today = CivilDate.today(in: timeZone, now: now) }

    /// Field types, required fields and codes: what the schema alone says.
    public static func checkFields(_ r: Record) -> [Violation] {
        var out: [Violation] = []
        for (key, v) in r.fields.entries {
            let spec = key.spec
            if v.isNull {
                if spec.required && spec.type != .bool { out.append(Violation(field: spec.name, "is required")) }
                continue
            }
            switch spec.type {
            case .text, .ref:
                if (v.text ?? "").isBlank {
                    out.append(Violation(field: spec.name, "is empty"))
                }
            case .int:
                if case .int = v {} else { out.append(Violation(field: spec.name, "\(v) is not a whole number")) }
            case .bool:
                if v != .int(0) && v != .int(1) { out.append(Violation(field: spec.name, "\(v) is not true or false")) }
            case .date:
                if CivilDate(iso: v.text ?? "") == nil || (v.text ?? "").count != 10 {
                    out.append(Violation(field: spec.name, "\(v) is not a date (YYYY-MM-DD)"))
                }
            case .code(let codes):
                if !codes.contains(v.text ?? "") {
                    out.append(Violation(field: spec.name, "«\(v)» is not one of \(codes.joined(separator: ", "))"))
                }
            }
        }
        if r.kind == .lesson, case .int(let n) = r[Lesson.number], !JournalRules.lessonNumbers.contains(n) {
            out.append(Violation(field: "number", "lesson number \(n) is outside 1–12 (the lessons of a school day are numbered 1 to 12)"))
        }
        if r.kind == .mark {
            if r[Mark.value].isNull && !r[Mark.point].bool { out.append(Violation(field: "value", "is required unless the mark is a «точка» (point)")) }
            if !r[Mark.value].isNull && r[Mark.point].bool { out.append(Violation(field: "value", "a «точка» (point) carries no value")) }
        }
        return out
    }

    /// The numbers a lesson may have in its day.
    public static let lessonNumbers = 1...12

    /// R1 for a class's grade: a class that holds marks or homework cannot become grade 1.
    /// `blockers` are what stands in the way; nil when nothing does.
    public static func checkRegrade(_ cls: Record, blockers: GradeOneBlockers) -> Violation? {
        guard cls.kind == .classUnit, cls[ClassUnit.grade].int == 1, !blockers.isEmpty else { return nil }
        var parts: [String] = []
        var examples: [String] = []
        if blockers.marks > 0 {
            parts.append("\(blockers.marks) mark(s)")
            examples.append("marks " + sample(blockers.markIDs, of: blockers.marks))
        }
        if blockers.homework > 0 {
            parts.append("\(blockers.homework) homework")
            examples.append("homework " + sample(blockers.homeworkIDs, of: blockers.homework))
        }
        return Violation(rule: "R1", field: "grade",
                         "class \(cls[ClassUnit.name].text ?? cls.id) cannot become grade 1: \(parts.joined(separator: " and ")) on its lessons stand in the way (\(examples.joined(separator: "; "))); grade 1 keeps only attendance and topics, so delete those first or keep the grade")
    }

    private static func sample(_ ids: [String], of count: Int) -> String {
        let shown = ids.prefix(3)
        return shown.joined(separator: ", ") + (count > shown.count ? ", …" : "")
    }

    /// The regulation rules R1 (grade 1), R2 (no lesson in advance) and R3 (final marks).
    public func checkRules(_ r: Record, lookup: RecordLookup) -> [Violation] {
        var out: [Violation] = []
        switch r.kind {
        case .lesson:
            if let d = CivilDate(iso: r[Lesson.date].text ?? ""), d > today {
                out.append(Violation(rule: "R2", field: "date",
                                     "lesson dated \(d) is in the future (today is \(today) in the school's time zone); lessons are not recorded in advance"))
            }
        case .mark, .homework:
            if let lessonID = r[r.kind == .mark ? Mark.lesson : Homework.lesson].text, let lesson = lookup.record(.lesson, id: lessonID),
               let classID = lesson[Lesson.classUnit].text, let cls = lookup.record(.classUnit, id: classID),
               cls[ClassUnit.grade].int == 1 {
                let what = r.kind == .mark ? "marks" : "homework"
                out.append(Violation(rule: "R1", "class \(cls[ClassUnit.name]) is grade 1: no \(what) on subjects, only attendance and topics"))
            }
        case .finalMark:
            let v = r[FinalMark.value].text ?? ""
            if ["н/а", "осв"].contains(v.lowercased()) {
                out.append(Violation(rule: "R3", field: "value", "final mark «\(v)» is not allowed; a final mark is 1–5, зачёт or незачёт"))
            } else if !["1", "2", "3", "4", "5", "зачёт", "незачёт"].contains(v) {
                out.append(Violation(field: "value", "«\(v)» is not a final mark (1–5, зачёт, незачёт)"))
            }
        default:
            break
        }
        return out
    }
}

/// The marks and homework on a class's lessons: what keeps it from becoming grade 1 (R1).
public struct GradeOneBlockers: Sendable, Equatable {
    public var marks: Int
    public var homework: Int
    /// Some (or all) of their ids, ascending.
    public var markIDs: [String]
    public var homeworkIDs: [String]

    public init(marks: Int = 0, homework: Int = 0, markIDs: [String] = [], homeworkIDs: [String] = []) {
        self.marks = marks; self.homework = homework; self.markIDs = markIDs; self.homeworkIDs = homeworkIDs
    }

    public var isEmpty: Bool { marks == 0 && homework == 0 }
}
