import Foundation
import JournalModel

/// The one validation gate: every record written through ``write(_:origin:old:)``, by
/// whichever writer (journal import, contingent import, sync pull, conflict resolution,
/// quarantine), passes the checks of its kind — field types, required fields, code value
/// sets (``JournalRules/checkFields(_:)``) and the rules R1–R3
/// (``JournalRules/checkRules(_:lookup:)``) — before anything is written. References are
/// SQLite's foreign keys. A violation is thrown as ``StoreFailure/rule(_:path:)`` (a
/// constraint failure: the journal refuses the record) and nothing is written.
///
/// Cheap on a million-record import: R1 for a mark or homework is one look into a set of
/// the lessons that may be on a grade-1 class (no query; empty in a journal without
/// grade-1 lessons), and today's date is computed once a minute.
extension JournalStore {
    /// Throws when `r` (normalized; `old`: the stored record) may not be written as it is.
    func gate(_ r: Record, old: Record?) throws {
        var problems = JournalRules.checkFields(r)
        switch r.kind {
        case .mark, .homework:
            // checkRules holds only R1 for these: asked only when the lesson may be on a grade-1 class.
            if let lesson = r[r.kind == .mark ? Mark.lesson : Homework.lesson].text, try gradeOneSets().lessons.contains(lesson) {
                problems += JournalRules(today: today).checkRules(r, lookup: self)
            }
        case .lesson:
            problems += JournalRules(today: today).checkRules(r, lookup: self)
            if let cls = r[Lesson.classUnit].text, try gradeOneSets().classes.contains(cls) {
                gradeOneLessons?.insert(r.id)
                if old?[Lesson.classUnit] != r[Lesson.classUnit] {
                    // Marks may point forward in a deferred batch: checked at its end then.
                    if deferredRegrades != nil { deferredGradeOneLessons.insert(r.id) } else if let v = try lessonOnGradeOne(r) { problems.append(v) }
                }
            }
        case .classUnit:
            problems += JournalRules(today: today).checkRules(r, lookup: self)
            if r[ClassUnit.grade].int == 1, try !gradeOneSets().classes.contains(r.id) {
                gradeOneClasses?.insert(r.id)
                // Its lessons may be on a grade-1 class from now on.
                try db.forEach("SELECT id FROM \(EntityKind.lesson.table) WHERE class = ?", [.text(r.id)]) {
                    if let id = $0[0].text { gradeOneLessons?.insert(id) }
                }
            }
        default:
            problems += waivingSchoolSettings(JournalRules(today: today).checkRules(r, lookup: self), of: r)
        }
        guard problems.isEmpty else {
            throw StoreFailure.rule("\(r.kind.rawValue) \(r.id): \(problems.map(\.description).joined(separator: "; "))", path: path)
        }
    }

    /// Supersets of the grade-1 classes and of the lessons on them (see ``gradeOneClasses``),
    /// loaded on first use — and before any class or lesson is written or deleted, so that
    /// no rollback can bring back a grade or a lesson's class they do not hold.
    @discardableResult
    func gradeOneSets() throws -> (classes: Set<String>, lessons: Set<String>) {
        if let classes = gradeOneClasses, let lessons = gradeOneLessons { return (classes, lessons) }
        var classes = Set<String>(), lessons = Set<String>()
        try db.forEach("SELECT id FROM \(EntityKind.classUnit.table) WHERE grade = 1") { if let id = $0[0].text { classes.insert(id) } }
        if !classes.isEmpty {
            // By the lessons' class index, class by class (a join made SQLite scan every lesson:
            // 76 ms against 4 ms at 2,000 pupils, on every run that writes a mark).
            try db.forEach("SELECT id FROM \(EntityKind.lesson.table) WHERE class IN (SELECT id FROM \(EntityKind.classUnit.table) WHERE grade = 1)") {
                if let id = $0[0].text { lessons.insert(id) }
            }
        }
        gradeOneClasses = classes
        gradeOneLessons = lessons
        return (classes, lessons)
    }

    /// R1 for a lesson put on a grade-1 class while marks or homework sit on it.
    private func lessonOnGradeOne(_ r: Record) throws -> Violation? {
        guard let cls = r[Lesson.classUnit].text, let target = record(.classUnit, id: cls), target[ClassUnit.grade].int == 1 else { return nil }
        let marks = try db.scalar("SELECT count(*) FROM \(EntityKind.mark.table) WHERE lesson = ?", [.text(r.id)])?.int ?? 0
        let homework = try db.scalar("SELECT count(*) FROM \(EntityKind.homework.table) WHERE lesson = ?", [.text(r.id)])?.int ?? 0
        guard marks + homework > 0 else { return nil }
        return Violation(rule: "R1", field: "class",
                         "class \(target[ClassUnit.name]) is grade 1: the lesson cannot be on it with \(marks) mark(s) and \(homework) homework; grade 1 keeps only attendance and topics")
    }

    /// At the end of a deferred batch: R1 for the lessons it put on a grade-1 class (their
    /// marks and homework may have come before them in the batch).
    func checkDeferredGradeOne() throws {
        let lessons = deferredGradeOneLessons
        deferredGradeOneLessons = []
        for id in lessons.sorted() {
            guard let r = record(.lesson, id: id), let v = try lessonOnGradeOne(r) else { continue }
            throw StoreFailure.rule("lesson \(id): \(v)", path: path)
        }
    }
}
