import Foundation
import JournalModel

/// The rules the store itself enforces on every writer (importer, sync, contingent,
/// conflict resolution, quarantine), because they depend on records other than the one
/// written: R1, from the class's side (its grade) and from the marks', homework's and
/// lessons' side.
extension JournalStore {
    /// The marks and homework on the lessons of a class; `limit` ids of each (nil: all).
    public func gradeOneBlockers(classID: String, limit: Int? = 3) throws -> GradeOneBlockers {
        let cap = limit.map { " LIMIT \($0)" } ?? ""
        var b = GradeOneBlockers()
        b.marks = try db.scalar("SELECT count(*) FROM mark JOIN lesson ON lesson.id = mark.lesson WHERE lesson.class = ?", [.text(classID)])?.int ?? 0
        if b.marks > 0 {
            b.markIDs = try db.rows("SELECT mark.id FROM mark JOIN lesson ON lesson.id = mark.lesson WHERE lesson.class = ? ORDER BY mark.id" + cap,
                                    [.text(classID)]).compactMap { $0[0].text }
        }
        b.homework = try db.scalar("SELECT count(*) FROM homework JOIN lesson ON lesson.id = homework.lesson WHERE lesson.class = ?", [.text(classID)])?.int ?? 0
        if b.homework > 0 {
            b.homeworkIDs = try db.rows("SELECT homework.id FROM homework JOIN lesson ON lesson.id = homework.lesson WHERE lesson.class = ? ORDER BY homework.id" + cap,
                                        [.text(classID)]).compactMap { $0[0].text }
        }
        return b
    }

    /// Called by ``write(_:origin:old:)`` before a mark, homework or lesson is written: R1
    /// from their side. A mark or homework put on a lesson of a grade-1 class, or a lesson
    /// with marks or homework moved into one, is refused (the importer says so per line
    /// before; the sync engine, which checks fields only, gets it here).
    func checkGradeOne(_ r: Record, old: Record?) throws {
        switch r.kind {
        case .mark, .homework:
            guard let lesson = r["lesson"].text, old?["lesson"].text != lesson,
                  let name = try db.scalar("SELECT class_unit.name FROM lesson JOIN class_unit ON class_unit.id = lesson.class WHERE lesson.id = ? AND class_unit.grade = 1",
                                           [.text(lesson)])?.text else { return }
            let what = r.kind == .mark ? "marks" : "homework"
            throw DatabaseError.rule("\(r.kind.rawValue) \(r.id): R1: class \(name) is grade 1: no \(what) on subjects, only attendance and topics", path: path)
        case .lesson:
            guard let old, let cls = r["class"].text, old["class"].text != cls,
                  let name = try db.scalar("SELECT name FROM class_unit WHERE id = ? AND grade = 1", [.text(cls)])?.text else { return }
            let marks = try db.scalar("SELECT count(*) FROM mark WHERE lesson = ?", [.text(r.id)])?.int ?? 0
            let homework = try db.scalar("SELECT count(*) FROM homework WHERE lesson = ?", [.text(r.id)])?.int ?? 0
            guard marks + homework > 0 else { return }
            throw DatabaseError.rule("lesson \(r.id): R1: cannot move to class \(name), which is grade 1: the lesson holds \(marks) mark(s) and \(homework) homework", path: path)
        default:
            return
        }
    }

    /// Called by ``write(_:origin:old:)`` before a class is written: a class becoming
    /// grade 1 while marks or homework sit on its lessons is refused (R1), as a constraint
    /// failure (the sync engine counts it as an item the journal refuses).
    func checkRegrade(_ r: Record, old: Record?) throws {
        guard r.kind == .classUnit, r["grade"].int == 1, old?["grade"].int != 1 else { return }
        if deferredRegrades != nil {
            deferredRegrades!.insert(r.id)
            return
        }
        try refuseRegrade(r)
    }

    /// Throws when the class, as it is to be written, breaks R1.
    private func refuseRegrade(_ cls: Record) throws {
        if let v = JournalRules.checkRegrade(cls, blockers: try gradeOneBlockers(classID: cls.id)) {
            throw DatabaseError.rule("class \(cls.id): \(v)", path: path)
        }
    }

    /// Runs `body` (a batch of writes, inside a transaction) with the grade check of
    /// classes put off to its end, as SQLite defers foreign keys: a file may make a class
    /// grade 1 and delete its marks further down. Then every class made grade 1 is checked.
    public func deferringRegradeChecks<T>(_ body: () throws -> T) throws -> T {
        deferredRegrades = []
        defer { deferredRegrades = nil }
        let v = try body()
        let classes = deferredRegrades ?? []
        deferredRegrades = nil
        for id in classes.sorted() {
            if let cls = record(.classUnit, id: id) { try refuseRegrade(cls) }
        }
        return v
    }
}
