import JournalModel
import JournalStore

/// The validating pass of a journal import: every line checked against the schema, the
/// rules (R1–R3) and the references, using the file and the store together.
///
/// Memory stays small on million-line files: ids and natural keys seen in the file are
/// kept as 64-bit hashes with their line number, not as strings.
struct ImportValidation {
    struct Problem {
        let line: Int
        let message: String
        var column: Int? = nil
    }

    let store: JournalStore
    let rules: JournalRules
    private var problems: [Problem] = []
    /// hash(kind, id) → line, for ids the file defines.
    private var defined: [Int: Int32] = [:]
    /// Deletions are rare: kept in full.
    private var deleted: [EntityKind: [String: Int]] = [:]
    /// hash(kind, natural key) → the id's hash (its low 32 bits) and the line, packed into
    /// 8 bytes (a tuple would take 16). Two ids of one key whose hashes share their low 32
    /// bits (one pair in 4 billion) pass here; the table's unique key then refuses them.
    private var naturalKeys: [Int: UInt64] = [:]
    private var storeKnown: [EntityKind: Set<String>] = [:]
    /// Kinds with no record in the store (the validating pass writes nothing, so this
    /// holds throughout): a first import asks the store nothing about them.
    private var storeEmpty: [EntityKind: Bool] = [:]
    /// What R1 needs of lessons and classes defined in the file.
    private var lessonClass: [String: String] = [:]
    private var classInfo: [String: Record] = [:]
    private var classLine: [String: Int] = [:]
    /// Marks and homework of the file per class (by their lesson), that no R1 check has
    /// refused on their line: a class the file makes grade 1 must not keep them.
    private var onClass: [String: GradeOneBlockers] = [:]
    /// Checks that wait for the whole file (only for references not yet seen).
    private var pendingRefs: [(line: Int, owner: String, field: String, kind: EntityKind, id: String)] = []
    private var pendingRules: [(line: Int, record: Record)] = []
    private var pendingKeys: [(line: Int, record: Record, otherID: String)] = []
    /// СНИЛС of the file's pupils → (id, line): one СНИЛС on two pupils is a warning.
    private var snils: [String: (id: String, line: Int)] = [:]
    /// What does not stop the import but a person should read, by line.
    private(set) var warnings: [Problem] = []

    /// The file's ids bound to the store's records: every line is read through them.
    let aliases: JournalAliases
    /// hash(kind, id) → the file id already bound to the store record this one's key names.
    private let claims: [Int: String]

    /// `expectedLines`: about how many lines the file has; the tables of ids and keys are
    /// made that large at once (growing them by doubling holds the old and the new table
    /// at once: the import's peak memory).
    init(store: JournalStore, aliases: JournalAliases = JournalAliases(), claims: [ImportBinder.Claim] = [], expectedLines: Int = 0) {
        self.store = store
        defined.reserveCapacity(expectedLines)
        naturalKeys.reserveCapacity(expectedLines)
        self.rules = JournalRules(today: store.today)
        self.aliases = aliases
        self.claims = Dictionary(claims.map { (Self.key($0.kind, $0.id), $0.otherID) }) { a, _ in a }
    }

    static func key(_ kind: EntityKind, _ s: String) -> Int {
        var h = Hasher()
        h.combine(kind)
        h.combine(s)
        return h.finalize()
    }

    private func isDefined(_ kind: EntityKind, _ id: String) -> Bool { defined[Self.key(kind, id)] != nil }

    mutating func visit(line: Int, _ parsed: Result<JournalLine, LineProblems>) {
        let fileID = (try? parsed.get())?.id
        switch parsed.map(aliases.rewrite) {
        case .failure(let p):
            for m in p.messages { problems.append(Problem(line: line, message: m, column: p.column)) }
        case .success(.deletion(let kind, let id)):
            if let first = defined[Self.key(kind, id)].map(Int.init) ?? deleted[kind]?[id] {
                problems.append(Problem(line: line, message: "\(kind.rawValue) \(id) appears twice in the file (also line \(first))"))
            }
            deleted[kind, default: [:]][id] = line
        case .success(.record(let r)):
            visit(line: line, record: r, fileID: fileID ?? r.id)
        }
    }

    /// `fileID`: the record's id in the file (`r.id` is the store's when the file's is an alias).
    private mutating func visit(line: Int, record r: Record, fileID: String) {
        // Built only for a message (most records have none).
        var name: String { "\(r.kind.rawValue) \(fileID)" + (fileID == r.id ? "" : " (bound to \(r.id))") }
        let idKey = Self.key(r.kind, r.id)
        if let first = defined[idKey].map(Int.init) ?? deleted[r.kind]?[r.id] {
            problems.append(Problem(line: line, message: "\(name) appears twice in the file (also line \(first))"))
        }
        defined[idKey] = Int32(truncatingIfNeeded: line)
        for v in JournalRules.checkFields(r) { problems.append(Problem(line: line, message: "\(name): \(v)")) }
        if let key = r.naturalKey {
            let k = Self.key(r.kind, key)
            let idBits = UInt64(UInt32(truncatingIfNeeded: idKey))
            if let other = naturalKeys[k], other >> 32 != idBits {
                problems.append(Problem(line: line, message: "\(name) has the same \(r.kind.naturalKey.joined(separator: " + ")) as the \(r.kind.rawValue) on line \(UInt32(truncatingIfNeeded: other))"))
            } else {
                naturalKeys[k] = idBits << 32 | UInt64(UInt32(truncatingIfNeeded: line))
                if !isEmptyInStore(r.kind), let existing = store.recordByNaturalKey(r), existing.id != r.id {
                    pendingKeys.append((line, r, existing.id))
                }
            }
        }
        for (key, value) in r.fields.entries {
            guard case .ref(let target) = key.spec.type, let id = value.text else { continue }
            if isDefined(target, id) || knownInStore(target, id) { continue }
            pendingRefs.append((line, name, key.name, target, id))
        }
        if r.kind == .student, let number = r[Student.snils].text { checkShared(snils: number, of: r.id, line: line) }
        switch r.kind {
        case .lesson: lessonClass[r.id] = r[Lesson.classUnit].text
        case .classUnit: classInfo[r.id] = r; classLine[r.id] = line
        default: break
        }
        let lessonKey = r.kind == .mark ? Mark.lesson : Homework.lesson
        if (r.kind == .mark || r.kind == .homework), let lesson = r[lessonKey].text,
           lessonClass[lesson] == nil, !knownInStore(.lesson, lesson) {
            pendingRules.append((line, r))   // its lesson comes later in the file
        } else if !check(rules: r, line: line), r.kind == .mark || r.kind == .homework,
                  let lesson = r[lessonKey].text, let cls = lessonClass[lesson] ?? store.record(.lesson, id: lesson)?[Lesson.classUnit].text {
            tally(r, onClass: cls)
        }
    }

    /// One СНИЛС on two pupils — in the file, or one of the file's and one of the store's —
    /// is a typo in one of them: a warning naming both pupils by id (never the number with a name).
    private mutating func checkShared(snils number: String, of id: String, line: Int) {
        if let other = snils[number], other.id != id {
            warnings.append(Problem(line: line, message: "student \(id) has the same СНИЛС as student \(other.id) on line \(other.line): one of them is wrong"))
            return
        }
        snils[number] = (id, line)
        guard !isEmptyInStore(.student) else { return }
        for other in (try? store.records(.student, where: Student.snils, equals: .text(number))) ?? [] where other.id != id && !isDefined(.student, other.id) {
            warnings.append(Problem(line: line, message: "student \(id) has the same СНИЛС as student \(other.id) in the store: one of them is wrong"))
        }
    }

    private mutating func tally(_ r: Record, onClass cls: String) {
        var b = onClass[cls] ?? GradeOneBlockers()
        if r.kind == .mark {
            b.marks += 1
            if b.markIDs.count < 3 { b.markIDs.append(r.id) }
        } else {
            b.homework += 1
            if b.homeworkIDs.count < 3 { b.homeworkIDs.append(r.id) }
        }
        onClass[cls] = b
    }

    private mutating func knownInStore(_ kind: EntityKind, _ id: String) -> Bool {
        if storeKnown[kind]?.contains(id) == true { return true }
        guard !isEmptyInStore(kind), (try? store.contains(kind, id: id)) == true else { return false }
        storeKnown[kind, default: []].insert(id)
        return true
    }

    private mutating func isEmptyInStore(_ kind: EntityKind) -> Bool {
        if let known = storeEmpty[kind] { return known }
        // A store that cannot be read counts as not empty: its checks then run (and fail loudly).
        let empty: Bool
        do { empty = try store.isEmpty(kind) } catch { empty = false }
        storeEmpty[kind] = empty
        return empty
    }

    /// Whether R1 refused the record.
    @discardableResult
    private mutating func check(rules r: Record, line: Int) -> Bool {
        // The common case, without building a lookup: a mark or homework whose lesson and
        // class the file defines, the class not grade 1 (R1, all checkRules asks of them).
        if r.kind == .mark || r.kind == .homework, let lesson = r[r.kind == .mark ? Mark.lesson : Homework.lesson].text,
           let cls = lessonClass[lesson], let info = classInfo[cls], info[ClassUnit.grade].int != 1 {
            return false
        }
        let lookup = Lookup(store: store, lessonClass: lessonClass, classInfo: classInfo)
        var r1 = false
        for v in store.waivingSchoolSettings(rules.checkRules(r, lookup: lookup), of: r) {
            problems.append(Problem(line: line, message: "\(r.kind.rawValue) \(r.id): \(v)"))
            if v.rule == "R1" { r1 = true }
        }
        return r1
    }

    /// R1 for the classes the file makes grade 1: the marks and homework on their lessons,
    /// those of the store (less what the file deletes or rewrites) and those of the file.
    private mutating func checkRegrades() {
        for (id, cls) in classInfo where cls[ClassUnit.grade].int == 1 {
            var b = onClass[id] ?? GradeOneBlockers()
            if let stored = store.record(.classUnit, id: id), stored[ClassUnit.grade].int != 1,
               let all = try? store.gradeOneBlockers(classID: id, limit: nil) {
                let marks = all.markIDs.filter { !isDefined(.mark, $0) && deleted[.mark]?[$0] == nil }
                let homework = all.homeworkIDs.filter { !isDefined(.homework, $0) && deleted[.homework]?[$0] == nil }
                b.marks += marks.count
                b.homework += homework.count
                b.markIDs = (b.markIDs + marks).sorted()
                b.homeworkIDs = (b.homeworkIDs + homework).sorted()
            }
            if let v = JournalRules.checkRegrade(cls, blockers: b) {
                problems.append(Problem(line: classLine[id] ?? 0, message: "class \(id): \(v)"))
            }
        }
    }

    /// Runs the checks that needed the whole file; returns every problem, by line.
    /// `rescan` reads the file again (only when it deletes something).
    mutating func finish(rescan: ((Int, JournalLine) -> Void) throws -> Void) rethrows -> [Problem] {
        for p in pendingRefs where !isDefined(p.kind, p.id) {
            problems.append(Problem(line: p.line, message: "\(p.owner): field «\(p.field)»: no \(p.kind.rawValue) with id «\(p.id)» in the file or the store"))
        }
        if !deleted.isEmpty {
            // A record the file keeps must not refer to one it deletes.
            var found: [Problem] = []
            try rescan { line, parsed in
                guard case .record(let r) = parsed else { return }
                for (key, value) in r.fields.entries {
                    guard case .ref(let target) = key.spec.type, let id = value.text, let dline = deleted[target]?[id] else { continue }
                    found.append(Problem(line: dline, message: "\(target.rawValue) \(id) is deleted but \(r.kind.rawValue) \(r.id) on line \(line) refers to it"))
                }
            }
            problems += found
            for (kind, ids) in deleted {
                for (id, line) in ids {
                    for user in storeReferrers(kind, id) where !isDefined(user.kind, user.id) && deleted[user.kind]?[user.id] == nil {
                        problems.append(Problem(line: line, message: "\(kind.rawValue) \(id) cannot be deleted: \(user.kind.rawValue) \(user.id) in the store refers to it"))
                    }
                }
            }
        }
        for p in pendingKeys where !isDefined(p.record.kind, p.otherID) && deleted[p.record.kind]?[p.otherID] == nil {
            let kind = p.record.kind.rawValue
            var message = "\(kind) \(p.record.id) has the same \(p.record.kind.naturalKey.joined(separator: " + ")) as \(kind) \(p.otherID) already in the store"
            if let other = claims[Self.key(p.record.kind, p.record.id)] {
                message += ", which the journal's \(kind) \(other) is bound to: one store record cannot stand for two of the journal's ids"
            }
            problems.append(Problem(line: p.line, message: message))
        }
        for p in pendingRules { check(rules: p.record, line: p.line) }
        checkRegrades()
        return problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }

    private func storeReferrers(_ kind: EntityKind, _ id: String) -> [(kind: EntityKind, id: String)] {
        var out: [(EntityKind, String)] = []
        for k in EntityKind.allCases {
            for key in k.keys where key.spec.type == .ref(kind) {
                for referrer in (try? store.ids(k, where: key, equals: id, limit: 20)) ?? [] { out.append((k, referrer)) }
            }
        }
        return out
    }

    /// Lessons and classes from the file first, then from the store.
    private struct Lookup: RecordLookup {
        let store: JournalStore
        let lessonClass: [String: String]
        let classInfo: [String: Record]
        func record(_ kind: EntityKind, id: String) -> Record? {
            switch kind {
            case .lesson: if let c = lessonClass[id] { return Record(.lesson, id: id, [Lesson.classUnit: .text(c)]) }
            case .classUnit: if let r = classInfo[id] { return r }
            default: break
            }
            return store.record(kind, id: id)
        }
    }
}
