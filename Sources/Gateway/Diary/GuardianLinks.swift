import JournalModel
import JournalStore

/// Who was linked to whom (guardianship records) at a point of the change log (R8).
///
/// Built from the store's current links and walked back to the start of a chunk by
/// undoing the guardianship entries after it; then walked forward entry by entry while
/// the chunk is planned, so each event goes to the guardians linked at that moment.
struct GuardianLinks {
    /// Guardianship record id → (student, guardian).
    private var links: [String: (student: String, guardian: String)] = [:]
    /// Student → guardian → how many records link them (one, by the natural key).
    private var byStudent: [String: [String: Int]] = [:]

    /// The links as they were right after change-log entry `seq`.
    init(store: JournalStore, at seq: Int) throws {
        try store.forEachRecord(.guardianship) { g in
            if let s = g[Guardianship.student].text, let gd = g[Guardianship.guardian].text { links[g.id] = (s, gd) }
        }
        let later = try store.guardianshipChangesNewestFirst(after: seq)
        for e in later { undo(id: e.id, op: e.op, changes: e.changes) }
        for (_, l) in links { index(l, +1) }
    }

    /// The guardians linked to a student now (in the walk), sorted.
    func guardians(of student: String) -> [String] { (byStudent[student] ?? [:]).keys.sorted() }

    func isLinked(student: String, guardian: String) -> Bool { byStudent[student]?[guardian] != nil }

    /// Applies a guardianship entry met while walking forward.
    mutating func apply(_ e: DiaryLogEntry) {
        guard e.kind == .guardianship else { return }
        if let old = links[e.recordID] { index(old, -1) }
        switch e.op {
        case "delete":
            links[e.recordID] = nil
        default:
            var s = links[e.recordID]?.student, g = links[e.recordID]?.guardian
            for c in e.changes {
                if c.key == Guardianship.student { s = c.new.text }
                if c.key == Guardianship.guardian { g = c.new.text }
            }
            if let s, let g { links[e.recordID] = (s, g); index((s, g), +1) } else { links[e.recordID] = nil }
        }
    }

    private mutating func index(_ l: (student: String, guardian: String), _ delta: Int) {
        let n = (byStudent[l.student]?[l.guardian] ?? 0) + delta
        byStudent[l.student, default: [:]][l.guardian] = n > 0 ? n : nil
    }

    private mutating func undo(id: String, op: String, changes: [FieldChange]) {
        switch op {
        case "create":
            links[id] = nil
        case "delete":
            var s: String?, g: String?
            for c in changes {
                if c.key == Guardianship.student { s = c.old.text }
                if c.key == Guardianship.guardian { g = c.old.text }
            }
            if let s, let g { links[id] = (s, g) }
        default:
            guard var l = links[id] else { return }
            for c in changes {
                if c.key == Guardianship.student, let v = c.old.text { l.student = v }
                if c.key == Guardianship.guardian, let v = c.old.text { l.guardian = v }
            }
            links[id] = l
        }
    }
}
