import Foundation
import Adapters
import JournalModel
import JournalStore
import SyncEngine

/// The writes a class list calls for, worked out against the store before anything is written.
struct ContingentPlan {
    var writes: [Record] = []
    var deletions: [(EntityKind, String)] = []
    /// The list's state of each pupil it names, kept as the base of the next import.
    var bases: [(id: String, fields: FieldValues)] = []
    /// Fields the secretary and another source (a portal, a person) changed differently.
    var conflicts: [(id: String, conflict: MergeDecision.Conflict)] = []
    var errors: [String]
    var result: ContingentImportResult

    private let store: JournalStore
    private let policy: PolicyTable
    private let date: CivilDate
    private var classIDs: [String: String] = [:]
    /// The store's guardians, and those this list adds: who a named guardian is (``GuardianIdentity``).
    private var guardians: GuardianMatcher
    private var takenIDs: Set<String> = []

    /// The name the list's bases and conflicts are kept under, as a counterpart's are.
    static let counterpart = "contingent"

    /// - Parameter policy: who wins a field the list and the journal both changed; the
    ///   importer passes ``contingentPolicy(_:)``.
    init(store: JournalStore, list: ContingentList, file: String, mode: ContingentMode, date: CivilDate,
         confirmWithdrawals: Bool = false, policy: PolicyTable = ContingentPlan.contingentPolicy(.defaults)) throws {
        self.store = store
        self.policy = policy
        self.date = date
        guardians = GuardianMatcher(guardians: [], guardianships: [])
        errors = list.errors
        result = ContingentImportResult(warnings: list.warnings, date: date, mode: mode)
        guard errors.isEmpty else { return }

        let students = try store.records(.student)
        takenIDs = Set(students.map(\.id))
        var byFile: [String: Record] = [:], bySnils: [String: Record] = [:], byPerson: [String: Record] = [:]
        var snilsHolders: [String: [Record]] = [:]
        for s in students {
            if let f = s[Student.fileNumber].text { byFile[f] = s }
            if let n = s[Student.snils].text { bySnils[n] = s; snilsHolders[n, default: []].append(s) }
            byPerson[ContingentPlan.personKey(s[Student.surname].text, s[Student.name].text, s[Student.patronymic].text, s[Student.birthDate].text)] = s
        }
        for c in try store.records(.classUnit) { if let n = c[ClassUnit.name].text { classIDs[n] = c.id } }
        guardians = GuardianMatcher(guardians: try store.records(.guardian), guardianships: try store.records(.guardianship))

        var matchedBy: [String: Int] = [:]
        var rowOf: [String: ContingentRow] = [:]
        var studentOfLine: [Int: String] = [:]
        for row in list.rows {
            let match = row.fileNumber.flatMap { byFile[$0] } ?? row.snils.flatMap { bySnils[$0] }
                ?? byPerson[ContingentPlan.personKey(row.surname, row.name, row.patronymic, row.birthDate?.description)]
            if let m = match {
                if let other = matchedBy[m.id] {
                    errors.append("\(file):\(row.line): this row and line \(other) are the same student (\(m[Student.fileNumber].text ?? m.id))")
                    continue
                }
                matchedBy[m.id] = row.line
                rowOf[m.id] = row
                studentOfLine[row.line] = m.id
            }
            plan(row: row, existing: match)
        }
        warnSharedSnils(list, snilsHolders, rowOf: rowOf, studentOfLine: studentOfLine)
        if mode == .snapshot {
            // The brake: a list that would withdraw more than 10% of the active pupils (a
            // truncated export, the wrong file) holds every withdrawal until a person confirms.
            let active = students.filter { $0[Student.status].text == "active" }
            let leaving = active.filter { matchedBy[$0.id] == nil }
            result.activeBefore = active.count
            let hold = !confirmWithdrawals && leaving.count * 100 > active.count * ContingentImporter.withdrawalLimitPercent
            for s in leaving {
                if hold { result.withdrawalsHeld.append(s[Student.fileNumber].text ?? s.id); continue }
                var w = s
                w[Student.status] = .text("withdrawn")
                writes.append(w)
                writes.append(movement(s.id, .withdrawal, from: className(of: s), to: nil, details: nil))
                result.withdrawn.append(s[Student.fileNumber].text ?? s.id)
                result.updated += 1
            }
        }
    }

    /// A row whose СНИЛС another pupil in the store keeps (one the list does not give a
    /// СНИЛС of its own) is a warning naming both by personal file; two rows of the list
    /// sharing one the reader has already named.
    private mutating func warnSharedSnils(_ list: ContingentList, _ holders: [String: [Record]],
                                          rowOf: [String: ContingentRow], studentOfLine: [Int: String]) {
        let column = list.columns[.snils]
        for row in list.rows {
            guard let snils = row.snils, let others = holders[snils] else { continue }
            for other in others where other.id != studentOfLine[row.line] && rowOf[other.id]?.snils == nil {
                let this = row.fileNumber.map { "personal file \($0)" } ?? "the pupil on this line"
                let that = other[Student.fileNumber].text.map { "personal file \($0)" } ?? "pupil \(other.id)"
                let where_ = rowOf[other.id].map { "on line \($0.line)" } ?? "in the store"
                result.warnings.append(ContingentWarning(line: row.line, column: column?.label,
                    "column «\(column?.header ?? "СНИЛС")»: \(this) has the same СНИЛС as \(that) \(where_); one of them is wrong, please check both"))
            }
        }
    }

    /// The policy for the list against the journal: policy.tsv, except that a pupil's field
    /// which policy.tsv gives to "remote" — the secretary and the regional contingent alike —
    /// is queued when both changed it differently: neither may silently revert the other.
    static func contingentPolicy(_ policy: PolicyTable) -> PolicyTable {
        var p = policy
        for key in Student.all where policy.authority(key) == .remote {
            p = p.setting(key, .queue)
        }
        return p
    }

    /// The pupil the list describes, merged field by field with what the journal holds
    /// against the list's last import (its base): a field only the list changed flows, a
    /// field only the journal changed (a portal's correction) stays, a field both changed
    /// differently goes by ``policy`` (queued, by default). Without a base (a new pupil, or
    /// the first import since bases were kept) the list's values are taken, as before.
    private mutating func merged(_ listed: Record, existing old: Record) -> Record {
        let remote = listed.normalized.fields
        defer { bases.append((old.id, remote)) }
        guard let base = (try? store.syncBase(counterpart: Self.counterpart, .student, localID: old.id))??.fields else { return listed }
        let open = Set(((try? store.openConflicts(counterpart: Self.counterpart, .student, localID: old.id)) ?? []).map(\.field))
        let d = RecordMerge.merge(kind: .student, base: .present(base), local: .present(old.normalized.fields), remote: .present(remote),
                                  policy: policy, blocked: open)
        conflicts += d.conflicts.map { (old.id, $0) }
        guard case .write(let fields) = d.local else { return old }
        return Record(.student, id: old.id, fields)
    }

    static func personKey(_ surname: String?, _ name: String?, _ patronymic: String?, _ birth: String?) -> String {
        [surname, name, patronymic, birth].map { ($0 ?? "").lowercased() }.joined(separator: "|")
    }

    static func guardianKey(_ g: Record) -> String {
        [g[Guardian.surname].text, g[Guardian.name].text, g[Guardian.patronymic].text, g[Guardian.phone].text].map { ($0 ?? "").lowercased() }.joined(separator: "|")
    }

    private func className(of s: Record) -> String? {
        guard let id = s[Student.classUnit].text else { return nil }
        return store.record(.classUnit, id: id)?[ClassUnit.name].text ?? classIDs.first { $0.value == id }?.key
    }

    private mutating func classID(_ name: String) -> String {
        if let id = classIDs[name] { return id }
        let id = "cls-" + name
        classIDs[name] = id
        writes.append(Record(.classUnit, id: id, [ClassUnit.name: .text(name), ClassUnit.grade: .int(ClassName.grade(of: name) ?? 0)]))
        return id
    }

    private mutating func newID(_ prefix: String, _ basis: String) -> String {
        var id = prefix + basis
        var n = 2
        while takenIDs.contains(id) { id = prefix + basis + "-\(n)"; n += 1 }
        takenIDs.insert(id)
        return id
    }

    private func movement(_ student: String, _ kind: MovementKind, from: String?, to: String?, details: JSON?) -> Record {
        Record(.movement, id: "mv-\(student)-\(kind.rawValue)-\(date)", [
            Movement.student: .text(student), Movement.kind: .text(kind.rawValue), Movement.date: .text(date.description),
            Movement.fromClass: FieldValue(from), Movement.toClass: FieldValue(to), Movement.details: FieldValue(details?.serialized()),
        ])
    }

    private mutating func plan(row: ContingentRow, existing: Record?) {
        let cls = classID(row.className)
        var s = existing ?? Record(.student, id: newID("stu-", row.fileNumber ?? Self.shortHash(Self.personKey(row.surname, row.name, row.patronymic, row.birthDate?.description))))
        let before = s
        // Empty cells never erase what the store knows.
        func set(_ f: Field, _ v: String?) { if let v, !v.isEmpty { s[f] = .text(v) } }
        set(Student.fileNumber, row.fileNumber)
        set(Student.surname, row.surname); set(Student.name, row.name); set(Student.patronymic, row.patronymic)
        set(Student.birthDate, row.birthDate?.description); set(Student.snils, row.snils); set(Student.gender, row.gender)
        s[Student.classUnit] = .text(cls)
        s[Student.status] = .text("active")
        let file = row.fileNumber ?? s.id
        var movements: [Record] = []
        if let old = existing { s = merged(s, existing: old) } else { bases.append((s.id, s.normalized.fields)) }
        if let old = existing {
            let personal = [Student.fileNumber, Student.surname, Student.name, Student.patronymic, Student.birthDate, Student.snils, Student.gender]
            let changed = personal.filter { old[$0] != s[$0] }
            if old[Student.status].text == "withdrawn" {
                movements.append(movement(s.id, .arrival, from: nil, to: row.className, details: nil))
                result.arrived.append(file)
            } else if old[Student.classUnit] != s[Student.classUnit] {
                let from = className(of: old) ?? "—"
                movements.append(movement(s.id, .transfer, from: from, to: row.className, details: nil))
                result.transferred.append((file, from, row.className))
            }
            if !changed.isEmpty {
                let details = JSON.object(changed.map { ($0.name, .object([("old", .string(old[$0].text ?? "")), ("new", .string(s[$0].text ?? ""))])) })
                movements.append(movement(s.id, .dataChange, from: nil, to: nil, details: details))
                if changed.contains(where: { [Student.surname, Student.name, Student.patronymic].contains($0) }) {
                    func full(_ r: Record) -> String { [r[Student.surname].text, r[Student.name].text, r[Student.patronymic].text].compactMap { $0 }.joined(separator: " ") }
                    result.renamed.append((file, full(old), full(s)))
                }
            }
        } else {
            movements.append(movement(s.id, .arrival, from: nil, to: row.className, details: nil))
            result.arrived.append(file)
        }
        let changedStudent = existing == nil || !s.changes(from: before.normalized).isEmpty
        if existing == nil { result.created += 1 } else if changedStudent { result.updated += 1 } else { result.unchanged += 1 }
        // The student record goes before its movements.
        if changedStudent { writes.append(s) }
        writes += movements
        if let guardians = row.guardians { planGuardians(student: s.id, guardians, isNew: existing == nil) }
    }

    /// Links the row's guardians: a guardian already linked to the pupil under the same
    /// name (case, ё/е and spacing aside) stays and gets the list's phone; else the one
    /// guardian the store holds who is the same person (the same name and phone: one parent
    /// of two pupils; ``GuardianIdentity``), else a new one. A guardian no longer listed is
    /// unlinked (R8: they stop seeing the child).
    private mutating func planGuardians(student: String, _ entries: [GuardianEntry], isNew: Bool) {
        var links: [Record] = []
        if !isNew { links = (try? store.records(.guardianship, where: Guardianship.student, equals: .text(student))) ?? [] }
        var current: [String: Record] = [:]
        for l in links { if let gid = l[Guardianship.guardian].text, let g = store.record(.guardian, id: gid) { current[gid] = g } }
        var keep: Set<String> = []
        for e in entries {
            let named = Record(.guardian, id: "", [Guardian.surname: .text(e.surname), Guardian.name: .text(e.name),
                                                   Guardian.patronymic: FieldValue(e.patronymic), Guardian.phone: FieldValue(e.phone)])
            if let (gid, g) = current.sorted(by: { $0.key < $1.key }).first(where: { !keep.contains($0.key) && GuardianIdentity.fio($0.value) == GuardianIdentity.fio(named) }) {
                keep.insert(gid)
                if let p = e.phone, g[Guardian.phone].text != p {
                    var u = g; u[Guardian.phone] = .text(p); writes.append(u)
                    guardians.add(u)
                }
                continue
            }
            var g: Record
            if let known = guardians.match(named, kids: [student], excluding: { keep.contains($0) }) {
                g = known
            } else {
                let key = ContingentPlan.guardianKey(named)
                g = named
                g.id = "grd-" + Self.shortHash(key + (e.phone == nil ? "|" + student : ""))
                if let known = store.record(.guardian, id: g.id) { g = known } else { writes.append(g) }
            }
            guardians.add(g, children: [student])
            keep.insert(g.id)
            if !links.contains(where: { $0[Guardianship.guardian].text == g.id }) {
                writes.append(Record(.guardianship, id: "gs-\(student)-\(g.id)", [Guardianship.student: .text(student), Guardianship.guardian: .text(g.id)]))
            }
        }
        for l in links where !keep.contains(l[Guardianship.guardian].text ?? "") { deletions.append((.guardianship, l.id)) }
    }

    /// A short stable hash (FNV-1a 64) for generated ids.
    static func shortHash(_ s: String) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in s.utf8 { h ^= UInt64(b); h = h &* 0x100000001b3 }
        return String(h, radix: 16)
    }
}
