import JournalModel
import JournalStore

/// Who was in which class on which day, worked out from the movements (docs/reports.md).
///
/// A pupil's class changes on the date of each arrival (into `to_class`), transfer (into
/// `to_class`) and withdrawal (out of the school); the state holds from that day on. The
/// school's first list ever (the arrivals dated the day of the earliest movement) is where
/// everyone starts, not an arrival. A pupil without any such movement (a journal imported
/// without contingent lists) is in their current class all along when active, never when not.
struct Membership {
    struct Change { let date: CivilDate; let className: String?; let movement: ReportRows.Movement }
    struct Timeline { var initial: String?; var changes: [Change] }

    private(set) var timelines: [String: Timeline] = [:]
    /// The date of the school's first list (nil: no movements at all).
    let firstListDate: CivilDate?
    /// The movements of the first list (they are the start, not arrivals).
    let firstListMovements: Set<String>

    init(students: [ReportRows.Student], movements: [ReportRows.Movement], classByID: [String: ReportRows.ClassUnit]) {
        let moving = movements.filter { $0.kind != MovementKind.dataChange.rawValue }
        let first = moving.map(\.date).min()
        firstListDate = first
        firstListMovements = Set(moving.filter { $0.date == first && $0.kind == MovementKind.arrival.rawValue }.map(\.id))
        let byStudent = Dictionary(grouping: moving, by: \.student)
        for s in students {
            let current = s.active ? s.classID.flatMap { classByID[$0]?.name } : nil
            guard let ms = byStudent[s.id], !ms.isEmpty else {
                timelines[s.id] = Timeline(initial: current, changes: [])
                continue
            }
            let sorted = ms.sorted { ($0.date, $0.enteredAt ?? "", $0.id) < ($1.date, $1.enteredAt ?? "", $1.id) }
            var t = Timeline(initial: nil, changes: [])
            for m in sorted {
                if firstListMovements.contains(m.id) { t.initial = m.toClass; continue }
                let to: String? = m.kind == MovementKind.withdrawal.rawValue ? nil : m.toClass
                t.changes.append(Change(date: m.date, className: to, movement: m))
            }
            timelines[s.id] = t
        }
    }

    /// The pupil's class on `date`: before that day's movements, or after them.
    func className(of student: String, on date: CivilDate, afterMovements: Bool) -> String? {
        guard let t = timelines[student] else { return nil }
        var state = t.initial
        for c in t.changes {
            if c.date < date || (afterMovements && c.date == date) { state = c.className } else { break }
        }
        return state
    }

    /// Whether the pupil was in the class on any day of `[from, to]`.
    func wasIn(_ student: String, _ className: String, from: CivilDate, to: CivilDate) -> Bool {
        guard let t = timelines[student] else { return false }
        if self.className(of: student, on: from, afterMovements: true) == className { return true }
        return t.changes.contains { $0.date > from && $0.date <= to && $0.className == className }
    }

    /// The pupils in the class at some time in `[from, to]`.
    func pupils(of className: String, from: CivilDate, to: CivilDate) -> [String] {
        timelines.keys.filter { wasIn($0, className, from: from, to: to) }
    }

    /// The pupils in the class on `date` (after that day's movements).
    func pupils(of className: String, on date: CivilDate) -> [String] {
        timelines.keys.filter { self.className(of: $0, on: date, afterMovements: true) == className }
    }

    /// When the pupil left the class during `(from, to]`, if they did (the last such day).
    func leftDate(_ student: String, _ className: String, from: CivilDate, to: CivilDate) -> CivilDate? {
        guard let t = timelines[student] else { return nil }
        var state = self.className(of: student, on: from, afterMovements: true)
        var left: CivilDate?
        for c in t.changes where c.date > from && c.date <= to {
            if state == className && c.className != className { left = c.date }
            if c.className == className { left = nil }
            state = c.className
        }
        return left
    }

    /// When the pupil came into the class during `(from, to]`, if they did.
    func arrivedDate(_ student: String, _ className: String, from: CivilDate, to: CivilDate) -> CivilDate? {
        guard let t = timelines[student] else { return nil }
        if self.className(of: student, on: from, afterMovements: false) == className { return nil }
        return t.changes.first { $0.date >= from && $0.date <= to && $0.className == className }?.date
    }
}
