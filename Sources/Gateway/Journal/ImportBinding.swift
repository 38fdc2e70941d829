import JournalModel
import JournalStore

/// The file's ids that stand for records the store holds under other ids (aliases), and
/// how a line reads once they are replaced.
///
/// A record of the file whose id the store does not hold, but whose natural key it does
/// (the portal's sync entered the teacher or lesson first), is bound to the store's
/// record: its id becomes an alias, kept in the identity table under the counterpart
/// ``JournalAliases/counterpart`` so that the next import binds the same way even after
/// the record's key changed.
struct JournalAliases {
    static let counterpart = "journal"

    /// kind → the file's id → the store's id.
    private(set) var map: [EntityKind: [String: String]] = [:]

    var isEmpty: Bool { map.values.allSatisfy(\.isEmpty) }

    func resolve(_ kind: EntityKind, _ id: String) -> String { map[kind]?[id] ?? id }

    mutating func set(_ kind: EntityKind, _ id: String, to target: String?) { map[kind, default: [:]][id] = target }

    /// The record with its id and every reference field that names an alias replaced.
    func rewrite(_ r: Record) -> Record {
        guard !map.isEmpty else { return r }
        var out = r
        out.id = resolve(r.kind, r.id)
        for (key, value) in r.fields.entries {
            guard case .ref(let target) = key.spec.type, let aliases = map[target], !aliases.isEmpty,
                  let id = value.text, let to = aliases[id] else { continue }
            out[key] = .text(to)
        }
        return out
    }

    func rewrite(_ line: JournalLine) -> JournalLine {
        guard !map.isEmpty else { return line }
        switch line {
        case .record(let r): return .record(rewrite(r))
        case .deletion(let kind, let id): return .deletion(kind, id: resolve(kind, id))
        }
    }
}

/// A binding this import makes: the file's record `id` of `kind` is the store's `to`.
public struct ImportBinding: Sendable, Equatable {
    public let kind: EntityKind
    public let id: String
    public let to: String
    public let naturalKey: String?
}

/// The binding pass of a journal import, run before validation: which of the file's ids
/// are aliases of the store's records (from the identity table first, then by natural
/// key, references in the key resolved through the aliases found so far).
///
/// Kinds refer only to kinds before them, so a record whose key names an id the file
/// defines further down waits for the end of the pass (files are usually in dependency
/// order: nothing waits).
struct ImportBinder {
    /// A store record one file id would bind to while another file id is bound to it.
    struct Claim {
        let line: Int
        let kind: EntityKind
        let id: String
        let storeID: String
        let otherID: String
    }

    let store: JournalStore
    private(set) var aliases = JournalAliases()
    private(set) var bindings: [ImportBinding] = []
    private(set) var claims: [Claim] = []
    /// kind → store id → the file id bound to it.
    private var claimedBy: [EntityKind: [String: String]] = [:]
    /// hash(kind, id) of the file's records whose alias (or absence of one) is settled.
    private var settled: Set<Int> = []
    /// hash(kind, id) of every id the file defines or deletes.
    private var inFile: Set<Int> = []
    private var storeKnown: Set<Int> = []
    private var storeEmpty: [EntityKind: Bool] = [:]
    private var waiting: [(line: Int, record: Record)] = []
    /// The file's guardians not known by id: bound at the end of the pass, once the
    /// file's guardianships say whose parents they are (``GuardianIdentity``).
    private var guardians: [(line: Int, record: Record)] = []
    /// The file's guardian id → the file's pupil ids its guardianships link it to.
    private var children: [String: Set<String>] = [:]

    init(store: JournalStore) throws {
        self.store = store
        for (kind, ids) in try store.aliases(counterpart: JournalAliases.counterpart) {
            for (file, local) in ids {
                aliases.set(kind, file, to: local)
                claimedBy[kind, default: [:]][local] = file
            }
        }
    }

    /// Whether a pass can bind anything: the store keeps aliases, or holds records of a
    /// kind with a natural key (a first import into an empty store skips the pass).
    var isNeeded: Bool {
        mutating get {
            !aliases.isEmpty || EntityKind.allCases.contains { !$0.naturalKey.isEmpty && !isEmptyInStore($0) }
        }
    }

    private static func key(_ kind: EntityKind, _ id: String) -> Int { ImportValidation.key(kind, id) }

    /// The kinds whose lines the pass can pass over unread: no store record to bind to, no
    /// alias kept, nothing the guardians' binding reads, and not named by the natural key of
    /// a kind that binds (whose records wait for their key's records to settle). A journal
    /// import after the contingent one reads its few pupils' and classes' lines, not its marks.
    mutating func skippableKinds() -> Set<EntityKind> {
        func binds(_ k: EntityKind) -> Bool {
            if !(aliases.map[k]?.isEmpty ?? true) { return true }
            if k == .guardianship { return !isEmptyInStore(.guardian) }
            return !isEmptyInStore(k) && (!k.naturalKey.isEmpty || k == .guardian)
        }
        let binding = EntityKind.allCases.filter(binds)
        let named = Set(binding.flatMap { $0.naturalKeyFields.compactMap { f -> EntityKind? in
            if case .ref(let target) = f.spec.type { return target }
            return nil
        } })
        return Set(EntityKind.allCases.filter { !binding.contains($0) && !named.contains($0) })
    }

    mutating func visit(line: Int, _ parsed: JournalLine) {
        switch parsed {
        case .deletion(let kind, let id): inFile.insert(Self.key(kind, id))
        case .record(let r):
            inFile.insert(Self.key(r.kind, r.id))
            if r.kind == .guardianship, let g = r[Guardianship.guardian].text, let s = r[Guardianship.student].text { children[g, default: []].insert(s) }
            if r.kind == .guardian && !isEmptyInStore(.guardian) {
                guardians.append((line, r))
                return
            }
            bind(r, line: line, mayWait: true)
        }
    }

    /// Settles the records that waited; drops bindings to a store id the file itself
    /// defines or deletes (the file speaks of that record by its own id).
    mutating func finish() {
        bindGuardians()
        let late = waiting.sorted { ($0.record.kind, $0.line) < ($1.record.kind, $1.line) }
        waiting = []
        for w in late { bind(w.record, line: w.line, mayWait: false) }
        bindings.removeAll { b in
            guard inFile.contains(Self.key(b.kind, b.to)) else { return false }
            aliases.set(b.kind, b.id, to: nil)
            claimedBy[b.kind]?[b.to] = nil
            return true
        }
    }

    /// One lookup by natural key per record of a kind the store holds (by id only when
    /// the key names another record, or an alias is kept).
    private mutating func bind(_ r: Record, line: Int, mayWait: Bool) {
        let kind = r.kind
        defer { settled.insert(Self.key(kind, r.id)) }
        let known = aliases.map[kind]?[r.id]
        if known == nil && (kind.naturalKey.isEmpty || isEmptyInStore(kind)) { return }
        if let known {
            // The store holding the id itself wins over an old alias.
            if !inStore(kind, r.id) && inStore(kind, known) { return }
            drop(kind, r.id, known)   // else bind afresh by key
            if inStore(kind, r.id) { return }
        }
        guard !kind.naturalKey.isEmpty, !isEmptyInStore(kind) else { return }
        if mayWait {
            for key in kind.naturalKeyFields {
                guard case .ref(let target) = key.spec.type, let id = r[key].text else { continue }
                if !settled.contains(Self.key(target, id)) && aliases.map[target]?[id] == nil && !inStore(target, id) {
                    waiting.append((line, r))
                    return
                }
            }
        }
        let rewritten = aliases.rewrite(r)
        guard let existing = store.recordByNaturalKey(rewritten), existing.id != r.id, !inStore(kind, r.id) else { return }
        if let other = claimedBy[kind]?[existing.id], other != r.id {
            claims.append(Claim(line: line, kind: kind, id: r.id, storeID: existing.id, otherID: other))
            return
        }
        aliases.set(kind, r.id, to: existing.id)
        claimedBy[kind, default: [:]][existing.id] = r.id
        bindings.append(ImportBinding(kind: kind, id: r.id, to: existing.id, naturalKey: rewritten.naturalKey))
    }

    /// A guardian of the file the store holds under another id is the store's guardian who
    /// is the same person: the same СНИЛС, or the same name and a pupil in common (or the
    /// same phone), as the sync and the contingent import decide (docs/identity.md).
    private mutating func bindGuardians() {
        guard !guardians.isEmpty else { return }
        let pending = guardians
        guardians = []
        var matcher: GuardianMatcher?
        for (line, g) in pending {
            bind(g, line: line, mayWait: false)   // a kept alias, or the store's record of this id
            guard aliases.map[.guardian]?[g.id] == nil, !inStore(.guardian, g.id) else { continue }
            if matcher == nil {
                matcher = GuardianMatcher(guardians: (try? store.records(.guardian)) ?? [], guardianships: (try? store.records(.guardianship)) ?? [])
            }
            let kids = Set((children[g.id] ?? []).map { aliases.resolve(.student, $0) })
            let claimed = claimedBy[.guardian] ?? [:]
            guard let match = matcher!.match(g, kids: kids, excluding: { claimed[$0] != nil && claimed[$0] != g.id }) else { continue }
            aliases.set(.guardian, g.id, to: match.id)
            claimedBy[.guardian, default: [:]][match.id] = g.id
            bindings.append(ImportBinding(kind: .guardian, id: g.id, to: match.id, naturalKey: nil))
        }
    }

    private mutating func drop(_ kind: EntityKind, _ id: String, _ target: String) {
        aliases.set(kind, id, to: nil)
        if claimedBy[kind]?[target] == id { claimedBy[kind]?[target] = nil }
    }

    private mutating func inStore(_ kind: EntityKind, _ id: String) -> Bool {
        let k = Self.key(kind, id)
        if storeKnown.contains(k) { return true }
        guard !isEmptyInStore(kind), (try? store.hasRecord(kind, id: id)) == true else { return false }
        storeKnown.insert(k)
        return true
    }

    private mutating func isEmptyInStore(_ kind: EntityKind) -> Bool {
        if let known = storeEmpty[kind] { return known }
        // A store that cannot be read counts as not empty: its checks then run (and fail loudly).
        let empty = (try? store.isEmpty(kind)) ?? false
        storeEmpty[kind] = empty
        return empty
    }
}
