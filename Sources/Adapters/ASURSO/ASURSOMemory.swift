import JournalModel

/// What the АСУ РСО adapter learns while it reads pages: each assignment's lesson, type and
/// weight; the first assignment of each (lesson, type, weight) slot; each lesson's place
/// (class, date).
///
/// A page that breaks the document leaves nothing of it behind. Reading one opens a mark;
/// while a mark is open every change notes the entry's value before it, and a failed page
/// puts those values back (newest first). Copying the three maps before every page, as
/// was done before, cost a copy of everything learned so far per page: quadratic over a
/// full pull (a 2,000-pupil school has ~2,700 class-week pages and ~200 k assignments).
struct ASURSOMemory: Sendable {
    typealias Assignment = (lesson: Int, type: Int, weight: Int)
    typealias Place = (classID: Int, date: CivilDate)

    private(set) var assignments: [Int: Assignment] = [:]
    private(set) var slots: [String: Int] = [:]
    private(set) var places: [Int: Place] = [:]

    private enum Undo: Sendable {
        case assignment(Int, Assignment?)
        case slot(String, Int?)
        case place(Int, Place?)
    }
    private var undo: [Undo] = []
    private var open = 0

    mutating func setAssignment(_ id: Int, _ a: Assignment) {
        if open > 0 { undo.append(.assignment(id, assignments[id])) }
        assignments[id] = a
    }

    /// Takes `id` as the slot's assignment unless the slot has one already.
    mutating func claimSlot(_ slot: String, _ id: Int) {
        guard slots[slot] == nil else { return }
        if open > 0 { undo.append(.slot(slot, nil)) }
        slots[slot] = id
    }

    /// Sets the slot's assignment (a push's answer names the one it created).
    mutating func setSlot(_ slot: String, _ id: Int) {
        if open > 0 { undo.append(.slot(slot, slots[slot])) }
        slots[slot] = id
    }

    mutating func setPlace(_ lesson: Int, _ p: Place?) {
        if open > 0 { undo.append(.place(lesson, places[lesson])) }
        places[lesson] = p
    }

    /// Opens a mark before a page is read (marks nest: a feed page may read a class-week page).
    mutating func begin() -> Int {
        open += 1
        return undo.count
    }

    /// The page was read: its changes stay.
    mutating func commit(_ mark: Int) {
        open -= 1
        if open == 0 { undo.removeAll(keepingCapacity: true) }
    }

    /// The page broke the document: its changes are put back.
    mutating func rollback(_ mark: Int) {
        while undo.count > mark {
            switch undo.removeLast() {
            case .assignment(let id, let old): assignments[id] = old
            case .slot(let s, let old): slots[s] = old
            case .place(let l, let old): places[l] = old
            }
        }
        open -= 1
    }
}
