import Foundation

/// Who a guardian is, whatever source named them: the secretary's list, АСУ РСО's
/// `parents`, a journal file. A guardian has no one-field key (most lists carry no СНИЛС
/// for parents), so one rule decides when two guardian records are the same person
/// (docs/identity.md):
/// - both have a СНИЛС: the same СНИЛС is the same person, another is another;
/// - else the same ФИО (folded: case, ё/е, spaces and punctuation ignored) and
///   - a child in common (phones, when both differ, are taken as a changed number), or
///   - no child in common but the same phone on both sides (one parent of two pupils).
///
/// The same ФИО with no child in common and no phone to compare is not enough: two
/// namesakes are two people, and a wrong match would show one family's child to another (R8).
public enum GuardianIdentity {
    /// Whether `a` and `b` are one person; `shareChild` says whether they are linked to a
    /// pupil in common.
    public static func same(_ a: Record, _ b: Record, shareChild: Bool) -> Bool {
        if let x = snils(a), let y = snils(b) { return x == y }
        guard fio(a) == fio(b), !fio(a).isEmpty else { return false }
        if shareChild { return true }
        if let x = phone(a), let y = phone(b) { return x == y }
        return false
    }

    /// The guardian's ФИО folded (``PersonName/folded(_:)``).
    public static func fio(_ r: Record) -> String { PersonName.folded(r) }

    /// The 11 digits of a СНИЛС, whatever its separators; nil when there are not 11.
    public static func snils(_ r: Record) -> String? {
        guard let t = r[Guardian.snils].text else { return nil }
        let d = t.filter(\.isASCIIDigit)
        return d.count == 11 ? d : nil
    }

    /// The last 10 digits of a phone (`8 (927) 123-45-67` and `+79271234567` alike); nil
    /// when there are fewer.
    public static func phone(_ r: Record) -> String? {
        guard let t = r[Guardian.phone].text else { return nil }
        let d = t.filter(\.isASCIIDigit)
        return d.count >= 10 ? String(d.suffix(10)) : nil
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// The guardians a store (or a file) holds, indexed for ``GuardianIdentity``: finds the
/// record a newly named guardian is, if any.
public struct GuardianMatcher: Sendable {
    private var records: [String: Record] = [:]
    private var byFIO: [String: [String]] = [:]
    private var bySNILS: [String: [String]] = [:]
    private var children: [String: Set<String>] = [:]

    /// `guardians` and the `guardianships` linking them to pupils.
    public init(guardians: [Record], guardianships: [Record]) {
        for g in guardians { add(g) }
        for l in guardianships {
            if let g = l[Guardianship.guardian].text, let s = l[Guardianship.student].text { children[g, default: []].insert(s) }
        }
    }

    public mutating func add(_ g: Record, children kids: Set<String> = []) {
        if records[g.id] == nil {
            byFIO[GuardianIdentity.fio(g), default: []].append(g.id)
            if let s = GuardianIdentity.snils(g) { bySNILS[s, default: []].append(g.id) }
        }
        records[g.id] = g
        if !kids.isEmpty { children[g.id, default: []].formUnion(kids) }
    }

    public func children(of id: String) -> Set<String> { children[id] ?? [] }

    /// The known guardian who is the same person as `g`, a guardian of `kids`; nil when
    /// none is. `excluding` ids are skipped (taken by another record of the same source).
    /// A СНИЛС match comes first; among name matches, one sharing a child first.
    public func match(_ g: Record, kids: Set<String>, excluding: (String) -> Bool = { _ in false }) -> Record? {
        var ids: [String] = []
        if let s = GuardianIdentity.snils(g) { ids += bySNILS[s] ?? [] }
        let named = (byFIO[GuardianIdentity.fio(g)] ?? []).sorted {
            (!children(of: $0).isDisjoint(with: kids) ? 0 : 1, $0) < (!children(of: $1).isDisjoint(with: kids) ? 0 : 1, $1)
        }
        ids += named
        for id in ids where id != g.id && !excluding(id) {
            guard let other = records[id] else { continue }
            if GuardianIdentity.same(g, other, shareChild: !children(of: id).isDisjoint(with: kids)) { return other }
        }
        return nil
    }

    /// Groups of records that are one person (two or more each), each sorted by id; what a
    /// store that bound guardians by id alone holds twice.
    public func duplicateGroups() -> [[String]] {
        var parent: [String: String] = [:]
        func root(_ x: String) -> String {
            var r = x
            while let p = parent[r], p != r { r = p }
            return r
        }
        let ids = records.keys.sorted()
        for id in ids {
            let g = records[id]!
            var candidates = byFIO[GuardianIdentity.fio(g)] ?? []
            if let s = GuardianIdentity.snils(g) { candidates += bySNILS[s] ?? [] }
            for other in candidates where other > id {
                guard let o = records[other],
                      GuardianIdentity.same(g, o, shareChild: !children(of: id).isDisjoint(with: children(of: other))) else { continue }
                let (a, b) = (root(id), root(other))
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var groups: [String: [String]] = [:]
        for id in ids { groups[root(id), default: []].append(id) }
        return groups.values.filter { $0.count > 1 }.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    }
}
