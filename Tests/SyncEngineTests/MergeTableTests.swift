import Testing
import JournalModel
@testable import SyncEngine

/// The exhaustive merge table: base, local and remote each drawn from {absent `-`,
/// a, b, c, tombstone `x`}, under each authority, against expectations written out by
/// hand from docs/sync.md (never computed by the code under test).
///
/// A row is `base local remote | expectation` (the same under every authority) or
/// `base local remote | under local | under remote | under queue`. Tokens, in order:
/// `pull:V` / `pull:del` (the journal takes V / deletes), `push:V` / `push:del` (the
/// counterpart is sent the journal's state), `queue:FIELD` (`name`, or `@record` for a
/// delete against an edit), `lost:local=V` / `lost:remote=V` (the losing value; `del`
/// for a losing delete); `ok` when nothing happens.
struct MergeTableTests {
    static let table = """
    - - - | ok
    - - a | pull:a
    - - b | pull:b
    - - c | pull:c
    - - x | ok
    - a - | push:a
    - a a | ok
    - a b | push:a lost:remote=b | pull:b lost:local=a | queue:name
    - a c | push:a lost:remote=c | pull:c lost:local=a | queue:name
    - a x | push:a
    - b - | push:b
    - b a | push:b lost:remote=a | pull:a lost:local=b | queue:name
    - b b | ok
    - b c | push:b lost:remote=c | pull:c lost:local=b | queue:name
    - b x | push:b
    - c - | push:c
    - c a | push:c lost:remote=a | pull:a lost:local=c | queue:name
    - c b | push:c lost:remote=b | pull:b lost:local=c | queue:name
    - c c | ok
    - c x | push:c
    - x - | ok
    - x a | pull:a
    - x b | pull:b
    - x c | pull:c
    - x x | ok

    x - - | ok
    x - a | pull:a
    x - b | pull:b
    x - c | pull:c
    x - x | ok
    x a - | push:a
    x a a | ok
    x a b | push:a lost:remote=b | pull:b lost:local=a | queue:name
    x a c | push:a lost:remote=c | pull:c lost:local=a | queue:name
    x a x | push:a
    x b - | push:b
    x b a | push:b lost:remote=a | pull:a lost:local=b | queue:name
    x b b | ok
    x b c | push:b lost:remote=c | pull:c lost:local=b | queue:name
    x b x | push:b
    x c - | push:c
    x c a | push:c lost:remote=a | pull:a lost:local=c | queue:name
    x c b | push:c lost:remote=b | pull:b lost:local=c | queue:name
    x c c | ok
    x c x | push:c
    x x - | ok
    x x a | pull:a
    x x b | pull:b
    x x c | pull:c
    x x x | ok

    a - - | ok
    a - a | push:del
    a - b | push:del lost:remote=b | pull:b lost:local=del | queue:@record
    a - c | push:del lost:remote=c | pull:c lost:local=del | queue:@record
    a - x | ok
    a a - | pull:del
    a a a | ok
    a a b | pull:b
    a a c | pull:c
    a a x | pull:del
    a b - | push:b lost:remote=del | pull:del lost:local=b | queue:@record
    a b a | push:b
    a b b | ok
    a b c | push:b lost:remote=c | pull:c lost:local=b | queue:name
    a b x | push:b lost:remote=del | pull:del lost:local=b | queue:@record
    a c - | push:c lost:remote=del | pull:del lost:local=c | queue:@record
    a c a | push:c
    a c b | push:c lost:remote=b | pull:b lost:local=c | queue:name
    a c c | ok
    a c x | push:c lost:remote=del | pull:del lost:local=c | queue:@record
    a x - | ok
    a x a | push:del
    a x b | push:del lost:remote=b | pull:b lost:local=del | queue:@record
    a x c | push:del lost:remote=c | pull:c lost:local=del | queue:@record
    a x x | ok

    b - - | ok
    b - a | push:del lost:remote=a | pull:a lost:local=del | queue:@record
    b - b | push:del
    b - c | push:del lost:remote=c | pull:c lost:local=del | queue:@record
    b - x | ok
    b a - | push:a lost:remote=del | pull:del lost:local=a | queue:@record
    b a a | ok
    b a b | push:a
    b a c | push:a lost:remote=c | pull:c lost:local=a | queue:name
    b a x | push:a lost:remote=del | pull:del lost:local=a | queue:@record
    b b - | pull:del
    b b a | pull:a
    b b b | ok
    b b c | pull:c
    b b x | pull:del
    b c - | push:c lost:remote=del | pull:del lost:local=c | queue:@record
    b c a | push:c lost:remote=a | pull:a lost:local=c | queue:name
    b c b | push:c
    b c c | ok
    b c x | push:c lost:remote=del | pull:del lost:local=c | queue:@record
    b x - | ok
    b x a | push:del lost:remote=a | pull:a lost:local=del | queue:@record
    b x b | push:del
    b x c | push:del lost:remote=c | pull:c lost:local=del | queue:@record
    b x x | ok

    c - - | ok
    c - a | push:del lost:remote=a | pull:a lost:local=del | queue:@record
    c - b | push:del lost:remote=b | pull:b lost:local=del | queue:@record
    c - c | push:del
    c - x | ok
    c a - | push:a lost:remote=del | pull:del lost:local=a | queue:@record
    c a a | ok
    c a b | push:a lost:remote=b | pull:b lost:local=a | queue:name
    c a c | push:a
    c a x | push:a lost:remote=del | pull:del lost:local=a | queue:@record
    c b - | push:b lost:remote=del | pull:del lost:local=b | queue:@record
    c b a | push:b lost:remote=a | pull:a lost:local=b | queue:name
    c b b | ok
    c b c | push:b
    c b x | push:b lost:remote=del | pull:del lost:local=b | queue:@record
    c c - | pull:del
    c c a | pull:a
    c c b | pull:b
    c c c | ok
    c c x | pull:del
    c x - | ok
    c x a | push:del lost:remote=a | pull:a lost:local=del | queue:@record
    c x b | push:del lost:remote=b | pull:b lost:local=del | queue:@record
    c x c | push:del
    c x x | ok
    """

    static func state(_ s: Substring) -> RecordState {
        switch s {
        case "-": return .absent
        case "x": return .deleted
        default: return .present(FieldValues(.subject, checked: ["name": .text(String(s))]))
        }
    }

    /// The decision in the table's words.
    static func tokens(_ d: MergeDecision, local: RecordState) -> String {
        var t: [String] = []
        var final = local.fields
        switch d.local {
        case .keep: break
        case .write(let f): t.append("pull:" + (f["name"].text ?? "∅")); final = f
        case .delete: t.append("pull:del"); final = nil
        }
        if d.push { t.append("push:" + (final.map { $0["name"].text ?? "∅" } ?? "del")) }
        t += d.conflicts.map { "queue:" + $0.field }
        t += d.localLosers.map { "lost:local=" + ($0.name == PolicyTable.recordField ? "del" : $0.old.description) }
        t += d.remoteLosers.map { "lost:remote=" + ($0.name == PolicyTable.recordField ? "del" : $0.old.description) }
        return t.isEmpty ? "ok" : t.joined(separator: " ")
    }

    @Test func everyCombinationUnderEveryAuthorityMatchesTheWrittenTable() {
        let rows = MergeTableTests.table.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(rows.count == 125)
        var seen = Set<String>()
        for row in rows {
            let parts = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let states = parts[0].split(separator: " ")
            #expect(states.count == 3 && seen.insert(parts[0]).inserted, "row «\(row)»")
            let expected = parts.count == 2 ? Array(repeating: parts[1], count: 3) : Array(parts[1...3])
            for (i, authority) in [Authority.local, .remote, .queue].enumerated() {
                let local = MergeTableTests.state(states[1])
                let d = RecordMerge.merge(kind: .subject, base: MergeTableTests.state(states[0]), local: local,
                                          remote: MergeTableTests.state(states[2]), policy: .uniform(authority))
                let got = MergeTableTests.tokens(d, local: local)
                #expect(got == expected[i], "base/local/remote \(parts[0]) under \(authority): expected «\(expected[i])», got «\(got)»")
            }
        }
        #expect(seen.count == 125, "every combination appears once")
    }

    @Test func fieldsMergeIndependently() {
        let base = FieldValues(.student, checked: ["surname": .text("Зайцева"), "name": .text("Мария"), "patronymic": .text("Сергеевна"), "status": .text("active")])
        var local = base, remote = base
        local["patronymic"] = .text("Сергеевна-Л")
        remote["surname"] = .text("Зайцева-Р")
        let d = RecordMerge.merge(kind: .student, base: .present(base), local: .present(local), remote: .present(remote), policy: .defaults)
        guard case .write(let f) = d.local else { Issue.record("expected a local write"); return }
        #expect(f["surname"] == .text("Зайцева-Р"))
        #expect(f["patronymic"] == .text("Сергеевна-Л"))
        #expect(d.push && d.conflicts.isEmpty && d.localLosers.isEmpty && d.remoteLosers.isEmpty)
        #expect(d.base == .present(remote), "the base is what the counterpart holds until the push")
    }

    @Test func deleteAgainstEditWithOwnersOnBothSidesIsQueued() {
        let policy = PolicyTable.uniform(.local).setting(.mark, "weight", .remote)
        let base = FieldValues(.mark, checked: ["value": .text("4"), "weight": .int(1)])
        var remote = base
        remote["weight"] = .int(2)
        let d = RecordMerge.merge(kind: .mark, base: .present(base), local: .deleted, remote: .present(remote), policy: policy)
        #expect(d.conflicts.map(\.field) == [PolicyTable.recordField])
        #expect(!d.push && d.local == .keep)
        // An edit only of fields the journal owns: the journal owns both, its delete wins.
        var remote2 = base
        remote2["value"] = .text("5")
        let d2 = RecordMerge.merge(kind: .mark, base: .present(base), local: .deleted, remote: .present(remote2), policy: policy)
        #expect(d2.conflicts.isEmpty && d2.push)
        #expect(d2.remoteLosers == [FieldChange(Mark.value, old: .text("5"), new: .null)])
    }

    @Test func queuedFieldsLetNothingThroughUntilBothSidesAgree() {
        let base = FieldValues(.mark, checked: ["value": .text("4"), "weight": .int(1)])
        let local = FieldValues(.mark, checked: ["value": .text("5"), "weight": .int(1)])
        let remote = FieldValues(.mark, checked: ["value": .text("3"), "weight": .int(2)])
        let d = RecordMerge.merge(kind: .mark, base: .present(base), local: .present(local), remote: .present(remote),
                                  policy: .defaults, blocked: ["value"])
        #expect(d.local == .write(FieldValues(.mark, checked: ["value": .text("5"), "weight": .int(2)])), "weight flows, value stays")
        #expect(!d.push && d.agreed.isEmpty)
        #expect(d.base == .present(remote))
        let agreed = RecordMerge.merge(kind: .mark, base: .present(remote), local: .present(remote), remote: .present(remote),
                                       policy: .defaults, blocked: ["value"])
        #expect(agreed.agreed == ["value"])
    }

    @Test func fieldMergeRules() {
        let (a, b, c) = (FieldValue.text("a"), FieldValue.text("b"), FieldValue.text("c"))
        #expect(FieldMerge.merge(base: a, local: b, remote: b, authority: .queue) == .same)
        #expect(FieldMerge.merge(base: a, local: a, remote: b, authority: .local) == .takeRemote)
        #expect(FieldMerge.merge(base: a, local: b, remote: a, authority: .remote) == .keepLocal)
        #expect(FieldMerge.merge(base: a, local: b, remote: c, authority: .local) == .localWins)
        #expect(FieldMerge.merge(base: a, local: b, remote: c, authority: .remote) == .remoteWins)
        #expect(FieldMerge.merge(base: a, local: b, remote: c, authority: .queue) == .conflict)
        #expect(FieldMerge.merge(base: .null, local: .null, remote: a, authority: .local) == .takeRemote, "a gap is filled")
    }
}
