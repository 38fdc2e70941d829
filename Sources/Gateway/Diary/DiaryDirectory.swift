import Foundation
import JournalModel
import JournalStore

/// The reference data the feed needs to write events: names of subjects, work types,
/// teachers and periods; students, guardians and who is linked to whom; classes, groups
/// and movements. Loaded once a run (the store does not change under the run lock);
/// lessons are read on demand and kept.
final class DiaryDirectory {
    let store: JournalStore
    let zone: TimeZone
    private(set) var subjects: [String: String] = [:]
    private(set) var workTypes: [String: Record] = [:]
    private(set) var teachers: [String: Record] = [:]
    private(set) var classes: [String: Record] = [:]
    private(set) var classByName: [String: String] = [:]
    private(set) var periods: [Record] = []
    private(set) var students: [String: Record] = [:]
    private(set) var guardians: [String: Record] = [:]
    /// Group id → its members.
    private(set) var groupMembers: [String: Set<String>] = [:]
    /// Student id → movements (withdrawal, arrival, transfer), oldest first.
    private(set) var movements: [String: [Record]] = [:]
    /// Class id → students who are in it now or were before a transfer (candidates for `studentsOf`).
    private var classCandidates: [String: [String]] = [:]
    private var lessons: [String: Record] = [:]
    private var recipients: [String: DiaryRecipient] = [:]

    init(store: JournalStore) throws {
        self.store = store
        self.zone = store.school.timeZone
        try store.forEachRecord(.subject) { subjects[$0.id] = $0[Subject.name].text ?? $0.id }
        try store.forEachRecord(.workType) { workTypes[$0.id] = $0 }
        try store.forEachRecord(.teacher) { teachers[$0.id] = $0 }
        try store.forEachRecord(.classUnit) { classes[$0.id] = $0; classByName[$0[ClassUnit.name].text ?? ""] = $0.id }
        try store.forEachRecord(.period) { periods.append($0) }
        periods.sort { ($0[Period.startDate].text ?? "") < ($1[Period.startDate].text ?? "") }
        try store.forEachRecord(.student) { students[$0.id] = $0 }
        try store.forEachRecord(.guardian) { guardians[$0.id] = $0 }
        try store.forEachRecord(.groupMember) { m in
            if let g = m[GroupMember.group].text, let s = m[GroupMember.student].text { groupMembers[g, default: []].insert(s) }
        }
        try store.forEachRecord(.movement) { m in
            if let s = m[Movement.student].text { movements[s, default: []].append(m) }
        }
        for k in movements.keys { movements[k]!.sort { ($0[Movement.date].text ?? "", $0.id) < ($1[Movement.date].text ?? "", $1.id) } }
        var candidates: [String: Set<String>] = [:]
        for (id, s) in students {
            if let c = s[Student.classUnit].text { candidates[c, default: []].insert(id) }
            for m in movements[id] ?? [] where m[Movement.kind].text == "transfer" {
                if let c = m[Movement.fromClass].text.flatMap({ classByName[$0] }) { candidates[c, default: []].insert(id) }
            }
        }
        classCandidates = candidates.mapValues { $0.sorted() }
    }

    func lesson(_ id: String) -> Record? {
        if let l = lessons[id] { return l }
        let l = store.record(.lesson, id: id)
        if let l { lessons[id] = l }
        return l
    }

    func teacherName(_ id: String?) -> String? { id.flatMap { teachers[$0] }.map(DiaryTexts.shortName) }

    /// The teacher who gave the lesson: the substitute when there was one (R7).
    func lessonTeacher(_ lesson: Record) -> String? {
        teacherName(lesson[Lesson.substitute].text) ?? teacherName(lesson[Lesson.teacher].text)
    }

    func grade(ofClass id: String?) -> Int? { id.flatMap { classes[$0] }?[ClassUnit.grade].int }

    /// The study period a date falls in.
    func period(on date: CivilDate) -> Record? {
        let d = date.description
        return periods.first { ($0[Period.startDate].text ?? "") <= d && d <= ($0[Period.endDate].text ?? "") }
    }

    /// The academic year that contains `date`, or the last one begun before it: «the year so far».
    func yearStart(for date: CivilDate) throws -> CivilDate? {
        var best: CivilDate?
        try store.forEachRecord(.year) { y in
            guard let s = CivilDate(iso: y[Year.startDate].text ?? ""), s <= date else { return }
            if best == nil || s > best! { best = s }
        }
        return best
    }

    /// «Фамилия Имя» of a student.
    func studentName(_ id: String) -> String {
        guard let s = students[id] else { return id }
        return [s[Student.surname].text, s[Student.name].text].compactMap { $0 }.joined(separator: " ")
    }

    /// A guardian as an event names them; the СНИЛС only when it is 11 digits with a valid checksum.
    func recipient(_ guardianID: String) -> DiaryRecipient? {
        if let r = recipients[guardianID] { return r }
        guard let g = guardians[guardianID] else { return nil }
        let snils = g[Guardian.snils].text.flatMap(Snils.digits).flatMap { Snils.checksumValid($0) ? $0 : nil }
        let r = DiaryRecipient(guardianID: guardianID, name: DiaryTexts.fullName(g), snils: snils)
        recipients[guardianID] = r
        return r
    }

    /// Whether the student had left the school before `date` (withdrawn before it and not
    /// enrolled again by it). A student marked withdrawn with no withdrawal movement on record
    /// counts as gone on every date: nothing is sent about them (R8 errs on the side of silence).
    func isWithdrawn(_ studentID: String, on date: CivilDate) -> Bool {
        let moves = (movements[studentID] ?? []).filter { $0[Movement.kind].text == "withdrawal" || $0[Movement.kind].text == "arrival" }
        if moves.isEmpty { return students[studentID]?[Student.status].text == "withdrawn" }
        let d = date.description
        var out = false
        for m in moves {
            let md = m[Movement.date].text ?? ""
            if m[Movement.kind].text == "withdrawal", md < d { out = true }
            if m[Movement.kind].text == "arrival", md <= d { out = false }
        }
        if !out, students[studentID]?[Student.status].text == "withdrawn",
           !moves.contains(where: { $0[Movement.kind].text == "withdrawal" }) { return true }
        return out
    }

    /// The class a student was in on a date: the current class, walked back over transfers
    /// dated after it.
    func classOf(_ studentID: String, on date: CivilDate) -> String? {
        var cls = students[studentID]?[Student.classUnit].text
        let d = date.description
        for m in (movements[studentID] ?? []).reversed() where m[Movement.kind].text == "transfer" && (m[Movement.date].text ?? "") > d {
            if let from = m[Movement.fromClass].text.flatMap({ classByName[$0] }) { cls = from }
        }
        return cls
    }

    /// The students a lesson is for on its date: its class (or group), active then.
    func studentsOf(lesson: Record) -> [String] {
        guard let cls = lesson[Lesson.classUnit].text, let date = CivilDate(iso: lesson[Lesson.date].text ?? "") else { return [] }
        let group = lesson[Lesson.group].text.map { groupMembers[$0] ?? [] }
        return (classCandidates[cls] ?? []).filter { id in
            classOf(id, on: date) == cls && (group?.contains(id) ?? true)
        }
    }
}
