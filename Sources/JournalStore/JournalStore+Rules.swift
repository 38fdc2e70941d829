import Foundation
import JournalModel

/// The rules the store itself enforces on every writer (importer, sync, contingent,
/// conflict resolution, quarantine), because they depend on records other than the one
/// written: R1 for a class's grade.
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

    /// Called by ``write(_:origin:old:)`` before a class is written: a class becoming
    /// grade 1 while marks or homework sit on its lessons is refused (R1), as a constraint
    /// failure (the sync engine counts it as an item the journal refuses).
    func checkRegrade(_ r: Record, old: Record?) throws {
        guard r.kind == .classUnit, r[ClassUnit.grade].int == 1, old?[ClassUnit.grade].int != 1 else { return }
        if deferredRegrades != nil {
            deferredRegrades!.insert(r.id)
            return
        }
        try refuseRegrade(r)
    }

    /// Throws when the class, as it is to be written, breaks R1.
    private func refuseRegrade(_ cls: Record) throws {
        if let v = JournalRules.checkRegrade(cls, blockers: try gradeOneBlockers(classID: cls.id)) {
            throw StoreFailure.rule("class \(cls.id): \(v)", path: path)
        }
    }

    /// Runs `body` (a batch of writes, inside a transaction) with the grade check of
    /// classes put off to its end, as SQLite defers foreign keys: a file may make a class
    /// grade 1 and delete its marks further down. Then every class made grade 1 is checked.
    public func deferringRegradeChecks<T>(_ body: () throws -> T) throws -> T {
        deferredRegrades = []
        deferredGradeOneLessons = []
        defer { deferredRegrades = nil; deferredGradeOneLessons = [] }
        let v = try body()
        let classes = deferredRegrades ?? []
        deferredRegrades = nil
        try checkDeferredGradeOne()
        for id in classes.sorted() {
            if let cls = record(.classUnit, id: id) { try refuseRegrade(cls) }
        }
        return v
    }
}
