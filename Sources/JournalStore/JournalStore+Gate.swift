import Foundation
import JournalModel

/// The one validation gate: every record written through ``write(_:origin:old:)``, by
/// whichever writer (journal import, contingent import, sync pull, conflict resolution,
/// quarantine), passes the checks of its kind — field types, required fields, code value
/// sets (``JournalRules/checkFields(_:)``) and the rules R1–R3
/// (``JournalRules/checkRules(_:lookup:)``) — before anything is written. References are
/// SQLite's foreign keys. A violation is thrown as ``DatabaseError/rule(_:path:)`` (a
/// constraint failure: the journal refuses the record) and nothing is written.
///
/// Cheap on a million-record import: R1 for marks and homework asks nothing when the
/// journal has no grade-1 class, and one indexed lookup (the lesson's class) otherwise;
/// today's date is computed once a minute.
extension JournalStore {
    /// Throws when `r` (normalized) may not be written as it is.
    func gate(_ r: Record, old: Record?) throws {
        var problems = JournalRules.checkFields(r)
        switch r.kind {
        case .mark, .homework:
            // checkRules holds only R1 for these: asked only when the lesson may be on a grade-1 class.
            if let lesson = r["lesson"].text, try lessonMayBeOnGradeOne(lesson, r) {
                problems += JournalRules(today: today).checkRules(r, lookup: self)
            }
        case .lesson:
            problems += JournalRules(today: today).checkRules(r, lookup: self)
            if let v = try lessonMove(r, old: old) { problems.append(v) }
        default:
            problems += JournalRules(today: today).checkRules(r, lookup: self)
        }
        if r.kind == .classUnit {
            // Loaded before the class changes, then grown: see ``gradeOneClasses``.
            _ = try gradeOneClassIDs()
            if r["grade"].int == 1 { gradeOneClasses?.insert(r.id) }
        }
        guard problems.isEmpty else {
            throw DatabaseError.rule("\(r.kind.rawValue) \(r.id): \(problems.map(\.description).joined(separator: "; "))", path: path)
        }
    }

    /// The superset of grade-1 classes, loaded on first use.
    func gradeOneClassIDs() throws -> Set<String> {
        if let known = gradeOneClasses { return known }
        var ids = Set<String>()
        try db.forEach("SELECT id FROM \(EntityKind.classUnit.table) WHERE grade = 1") { if let id = $0[0].text { ids.insert(id) } }
        gradeOneClasses = ids
        return ids
    }

    /// Whether a lesson may be on a grade-1 class (then R1 is checked in full). A lesson
    /// not in the store yet (a forward reference inside ``deferringRegradeChecks(_:)``)
    /// leaves the record's check to the end of the batch.
    private func lessonMayBeOnGradeOne(_ lesson: String, _ r: Record) throws -> Bool {
        let classes = try gradeOneClassIDs()
        guard !classes.isEmpty else { return false }
        guard let cls = try db.scalar("SELECT class FROM \(EntityKind.lesson.table) WHERE id = ?", [.text(lesson)]) else {
            if deferredRegrades != nil { deferredGradeOneChecks.append((r.kind, r.id)) }
            return false
        }
        return cls.text.map(classes.contains) ?? false
    }

    /// R1 for a lesson moved to a grade-1 class while marks or homework sit on it.
    private func lessonMove(_ r: Record, old: Record?) throws -> Violation? {
        guard let old, let cls = r["class"].text, old["class"] != r["class"], try gradeOneClassIDs().contains(cls),
              let target = record(.classUnit, id: cls), target["grade"].int == 1 else { return nil }
        let marks = try db.scalar("SELECT count(*) FROM mark WHERE lesson = ?", [.text(r.id)])?.int ?? 0
        let homework = try db.scalar("SELECT count(*) FROM homework WHERE lesson = ?", [.text(r.id)])?.int ?? 0
        guard marks + homework > 0 else { return nil }
        return Violation(rule: "R1", field: "class",
                         "the lesson cannot move to class \(target["name"]), which is grade 1, with \(marks) mark(s) and \(homework) homework on it; grade 1 keeps only attendance and topics")
    }

    /// At the end of a deferred batch: R1 for the marks and homework written before their lesson.
    func checkDeferredGradeOne() throws {
        let pending = deferredGradeOneChecks
        deferredGradeOneChecks = []
        let rules = JournalRules(today: today)
        for (kind, id) in pending {
            guard let r = record(kind, id: id) else { continue }
            let problems = rules.checkRules(r, lookup: self)
            if !problems.isEmpty {
                throw DatabaseError.rule("\(kind.rawValue) \(id): \(problems.map(\.description).joined(separator: "; "))", path: path)
            }
        }
    }
}
