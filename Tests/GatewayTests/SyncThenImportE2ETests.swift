import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// The portal's records meet the school's own: `journal import` after `sync asu-rso`
/// (issue 15, case 3), against the АСУ РСО emulator on loopback with the bundled samples.
struct SyncThenImportE2ETests {
    /// Per kind, the natural keys more than one stored record holds.
    static func duplicateKeys(_ s: JournalStore) throws -> [String] {
        var out: [String] = []
        for kind in EntityKind.allCases where !kind.naturalKey.isEmpty {
            var seen: [String: Int] = [:]
            try s.forEachRecord(kind) { r in if let k = r.naturalKey { seen[k, default: 0] += 1 } }
            out += seen.filter { $0.value > 1 }.map { "\(kind.rawValue) \($0.key.replacingOccurrences(of: "\u{1F}", with: " | "))" }
        }
        return out
    }

    @Test func theWeekImportsAfterTheFirstSyncBindingToThePortalsRecords() throws {
        let dir = try TempDir()
        let store = dir.path("journal.sqlite")
        #expect(cli(["init", "--school", "Школа № 122", "--timezone", "Europe/Samara"], store: store).code == 0)
        #expect(cli(["import", "contingent", samples + "/contingent/list-2026-09-01.csv"], store: store).code == 0)
        let e = try PortalHarness.startASURSO()
        defer { e.stop() }
        let sync = try PortalHarness.asuRSO.sync(e, store: store)
        #expect(sync.code == 0, "\(sync.err)")

        let week = samples + "/journal/week.jsonl"
        let first = cli(["journal", "import", week], store: store)
        #expect(first.code == 0, "\(first.err.prefix(600))")
        #expect(first.out.contains("Bound "), "\(first.out)")
        #expect(first.out.contains("teacher t-301 → teacher-"), "\(first.out)")
        let s = try JournalStore.open(at: store)
        #expect(try Self.duplicateKeys(s) == [])
        #expect(try s.count(.teacher) == 7)
        #expect(s.record(.teacher, id: "t-301") == nil)
        #expect(try s.identities(counterpart: "journal", .teacher).count == 7)

        let seq = s.lastSeq
        let again = cli(["journal", "import", week, "--json"], store: store)
        #expect(again.code == 0, "\(again.err.prefix(600))")
        let j = try JSON.parse(again.out)
        #expect(j["created"]?.int == 0 && j["updated"]?.int == 0)
        #expect(j["bound"]?.array?.isEmpty == true)
        #expect(try JournalStore.open(at: store).lastSeq == seq, "no change-log entries on re-import")

        let next = try PortalHarness.asuRSO.sync(e, store: store)
        #expect(next.code == 0, "\(next.err)")
        #expect(try Self.duplicateKeys(JournalStore.open(at: store)) == [])
    }

    /// The demo's order: the week first, then the sync brings lessons the week did not
    /// have; a later file of the school's enters one of them under its own id.
    @Test func aLaterLessonAtThePortalsKeyBindsToIt() throws {
        let dir = try TempDir()
        let store = try PortalHarness.asuRSO.freshStore(dir)
        let e = try PortalHarness.startASURSO()
        defer { e.stop() }
        let sync = try PortalHarness.asuRSO.sync(e, store: store)
        #expect(sync.code == 0, "\(sync.err)")
        let s = try JournalStore.open(at: store)
        let portal = try #require(try s.records(.lesson).first { $0.id.hasPrefix("lesson-") && $0["class"] == .text("cls-5А") })
        var lesson = portal
        lesson.id = "les-later"
        lesson["topic"] = .text("Повторение")
        let mark = Record(.mark, id: "mk-later", ["lesson": .text("les-later"), "student": .text("stu-05-1008"),
                                                  "work_type": .text("wt-answer"), "value": .text("4"), "weight": .int(1)])
        let path = dir.path("later.jsonl")
        try ([JournalLine.record(lesson), .record(mark)].map { $0.encoded() }.joined(separator: "\n") + "\n")
            .write(toFile: path, atomically: false, encoding: .utf8)
        let r = cli(["journal", "import", path, "--json"], store: store)
        #expect(r.code == 0, "\(r.err.prefix(600))")
        let bound = try JSON.parse(r.out)["bound"]?.array ?? []
        #expect(bound.first?["id"]?.string == "les-later" && bound.first?["to"]?.string == portal.id, "\(r.out)")
        let after = try JournalStore.open(at: store)
        #expect(after.record(.lesson, id: portal.id)?["topic"] == .text("Повторение"))
        // The mark is the portal's own (bound) or a new one: either way one, on the portal's lesson.
        let marks = try after.records(.mark, where: "lesson", equals: .text(portal.id))
            .filter { $0["student"] == .text("stu-05-1008") && $0["work_type"] == .text("wt-answer") }
        #expect(marks.map { $0["value"] } == [.text("4")])
        #expect(try Self.duplicateKeys(after) == [])
    }
}
