import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// `merge-duplicates`: the guardians (and teachers) an older store holds twice become one,
/// nothing lost, the change log saying what was merged.
@Suite(.serialized) struct MergeDuplicatesTests {
    /// The list's store with every guardian written a second time under another id (in
    /// capitals, as a portal might spell them) and linked to the same pupils, as the sync
    /// before issue 15 left them; and a teacher spelt with «ё» besides the one with «е».
    static func doubled(_ dir: TempDir) throws -> (path: String, guardians: Int, links: Int) {
        let path = try PortalHarness.asuRSO.freshStore(dir)
        let store = try JournalStore.open(at: path)
        let origin = Origin(source: "asu-rso")
        let guardians = try store.records(.guardian), links = try store.records(.guardianship)
        try store.transaction {
            for g in guardians {
                var twin = g
                twin.id = "guardian-dup-" + g.id
                twin["surname"] = .text(g["surname"].text!.uppercased())
                try store.write(twin, origin: origin)
            }
            for l in links {
                let g = l["guardian"].text!
                try store.write(Record(.guardianship, id: "gs-dup-" + l.id, ["student": l["student"], "guardian": .text("guardian-dup-" + g)]), origin: origin)
            }
            try store.write(Record(.teacher, id: "t-dup", ["surname": .text("Королёва"), "name": .text("Нина"), "patronymic": .text("Петровна")]), origin: origin)
            try store.write(Record(.teacher, id: "t-orig", ["surname": .text("Королева"), "name": .text("Нина"), "patronymic": .text("Петровна")]), origin: origin)
        }
        return (path, guardians.count, links.count)
    }

    @Test func aDryRunCountsAndWritesNothingThenTheMergeLeavesOneOfEach() throws {
        let dir = try TempDir()
        let (path, guardians, links) = try Self.doubled(dir)
        let store = try JournalStore.open(at: path)
        let seq = store.lastSeq
        let dry = cli(["merge-duplicates", "--dry-run", "--json"], store: path)
        #expect(dry.code == 0, "\(dry.err)")
        let j = try JSON.parse(dry.out)
        #expect(j["before"]?["guardian"]?.int == 2 * guardians && j["after"]?["guardian"]?.int == guardians)
        #expect(j["before"]?["guardianship"]?.int == 2 * links && j["after"]?["guardianship"]?.int == links)
        #expect(j["after"]?["teacher"]?.int == (j["before"]?["teacher"]?.int ?? 0) - 1)
        #expect(try JournalStore.open(at: path).lastSeq == seq, "a dry run writes nothing")
        #expect(try store.count(.guardian) == 2 * guardians)

        let run = cli(["merge-duplicates"], store: path)
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out.contains("Merged \(guardians + 1) duplicate(s)"), "\(run.out.suffix(300))")
        let after = try JournalStore.open(at: path)
        #expect(try after.count(.guardian) == guardians)
        #expect(try after.count(.guardianship) == links)
        // The list's guardians (the older records) are kept, each with its pupils.
        #expect(try after.records(.guardian).allSatisfy { !$0.id.hasPrefix("guardian-dup-") })
        #expect(try GuardianMatcher(guardians: after.records(.guardian), guardianships: after.records(.guardianship)).duplicateGroups().isEmpty)
        // The change log says what became of each duplicate.
        let history = try after.history(recordID: "guardian-dup-" + (after.records(.guardian).first?.id ?? ""))
        #expect(history.contains { $0.changes.contains { $0.name == "merged_into" } })
        #expect(history.last?.op == "delete")
        #expect(after.record(.teacher, id: "t-orig") == nil || after.record(.teacher, id: "t-dup") == nil)
        // Nothing left to merge.
        #expect(cli(["merge-duplicates"], store: path).out.hasPrefix("No duplicates"))
    }

    @Test func namesakesOfTwoFamiliesAreNotMerged() throws {
        let dir = try TempDir()
        let path = try PortalHarness.asuRSO.freshStore(dir)
        let store = try JournalStore.open(at: path)
        let students = try store.records(.student).prefix(2).map(\.id)
        try store.transaction {
            for (i, s) in students.enumerated() {
                try store.write(Record(.guardian, id: "g-namesake-\(i)", ["surname": .text("Иванова"), "name": .text("Мария"), "patronymic": .text("Ивановна")]),
                                origin: Origin(source: "test"))
                try store.write(Record(.guardianship, id: "gs-namesake-\(i)", ["student": .text(s), "guardian": .text("g-namesake-\(i)")]),
                                origin: Origin(source: "test"))
            }
        }
        let r = cli(["merge-duplicates", "--json"], store: path)
        #expect(r.code == 0)
        #expect(try JSON.parse(r.out)["merged"]?.array?.isEmpty == true)
        #expect(store.record(.guardian, id: "g-namesake-0") != nil && store.record(.guardian, id: "g-namesake-1") != nil)
    }
}
