import Foundation
import JournalModel
import JournalStore

/// Finds the people a store holds twice — guardians that are one person by
/// ``GuardianIdentity`` (the secretary's list and a portal each brought them in before the
/// sync bound them), teachers whose names differ only in spelling (ё/е, case, spaces) — and
/// merges each group into its oldest record (`merge-duplicates`, docs/identity.md).
struct DuplicateMerge {
    struct Group: Sendable {
        let kind: EntityKind
        let survivor: String
        let duplicates: [String]
    }

    /// What a run merged (or, with `--dry-run`, would merge).
    struct Report: Sendable {
        var merges: [RecordMerge] = []
        var skipped: [String] = []
        var diaryEvents = 0
        var before: [EntityKind: Int] = [:]
        var after: [EntityKind: Int] = [:]

        var json: JSON {
            func counts(_ c: [EntityKind: Int]) -> JSON { .object(c.sorted { $0.key < $1.key }.map { ($0.key.rawValue, .int($0.value)) }) }
            return .object([
                ("merged", .array(merges.map { m in
                    .object([("kind", .string(m.kind.rawValue)), ("duplicate", .string(m.duplicate)), ("into", .string(m.survivor)),
                             ("filled", .array(m.filled.map(JSON.string))),
                             ("moved", .array(m.moved.map { .string("\($0.kind.rawValue) \($0.id)") })),
                             ("dropped", .array(m.dropped.map { .string("\($0.kind.rawValue) \($0.id)") })),
                             ("rebound", .array(m.rebound.map(JSON.string)))])
                })),
                ("skipped", .array(skipped.map(JSON.string))), ("diary_events_readdressed", .int(diaryEvents)),
                ("before", counts(before)), ("after", counts(after)),
            ])
        }
    }

    static let kinds: [EntityKind] = [.guardian, .guardianship, .teacher]
    static let origin = Origin(source: "merge-duplicates")

    /// The groups of one person under several ids, each with the record to keep: the
    /// oldest in the change log (then the smallest id).
    static func groups(_ store: JournalStore) throws -> [Group] {
        var out: [Group] = []
        let guardians = GuardianMatcher(guardians: try store.records(.guardian), guardianships: try store.records(.guardianship))
        var teachers: [String: [String]] = [:]
        for t in try store.records(.teacher) { teachers[PersonName.folded(t), default: []].append(t.id) }
        let found = guardians.duplicateGroups().map { (EntityKind.guardian, $0) }
            + teachers.values.filter { $0.count > 1 }.map { (EntityKind.teacher, $0.sorted()) }.sorted { $0.1[0] < $1.1[0] }
        for (kind, ids) in found {
            let ranked = try ids.map { (try store.firstSeq(kind, id: $0) ?? Int.max, $0) }.sorted { $0 < $1 }.map(\.1)
            out.append(Group(kind: kind, survivor: ranked[0], duplicates: Array(ranked.dropFirst())))
        }
        return out
    }

    /// Merges every group in one transaction; with `dryRun` the same work is done and rolled back.
    static func run(_ store: JournalStore, dryRun: Bool) throws -> Report {
        var report = Report()
        for k in kinds { report.before[k] = try store.count(k) }
        struct RolledBack: Error {}
        do {
            try store.transaction {
                var merged: [String: String] = [:]
                for g in try groups(store) {
                    for dup in g.duplicates {
                        do {
                            let m = try store.savepoint { try store.merge(g.kind, duplicate: dup, into: g.survivor, origin: origin) }
                            report.merges.append(m)
                            if g.kind == .guardian { merged[dup] = g.survivor }
                        } catch let e as StoreError where e.kind == .invalid {
                            report.skipped.append(e.message)
                        }
                    }
                }
                report.diaryEvents = try DiaryOutbox.readdress(store, merged: merged, dir: try DiaryDirectory(store: store))
                for k in kinds { report.after[k] = try store.count(k) }
                if dryRun { throw RolledBack() }
            }
        } catch is RolledBack {}
        return report
    }

    static func text(_ r: Report, dryRun: Bool) -> String {
        var lines: [String] = []
        let verb = dryRun ? "would merge" : "merged"
        if r.merges.isEmpty && r.skipped.isEmpty { return "No duplicates: every guardian and teacher is one record." }
        for m in r.merges {
            var s = "\(verb) \(m.kind.rawValue) \(m.duplicate) into \(m.survivor)"
            var parts: [String] = []
            if !m.moved.isEmpty { parts.append("\(m.moved.count) record(s) moved") }
            if !m.dropped.isEmpty { parts.append("\(m.dropped.count) link(s) it shared dropped") }
            if !m.filled.isEmpty { parts.append("took \(m.filled.joined(separator: ", "))") }
            if !m.rebound.isEmpty { parts.append("bindings of \(m.rebound.joined(separator: ", ")) moved") }
            if !parts.isEmpty { s += " (" + parts.joined(separator: "; ") + ")" }
            lines.append(s)
        }
        for s in r.skipped { lines.append("left: \(s)") }
        let counts = kinds.map { "\($0.rawValue) \(r.before[$0] ?? 0) → \(r.after[$0] ?? 0)" }.joined(separator: ", ")
        lines.append("\(dryRun ? "Would merge" : "Merged") \(r.merges.count) duplicate(s): \(counts); \(r.diaryEvents) undelivered diary event(s) readdressed."
                     + (dryRun ? " Nothing was written (--dry-run)." : ""))
        return lines.joined(separator: "\n")
    }
}
