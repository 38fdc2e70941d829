import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
@testable import SchoolGeneration
import TestSupport

/// The ЭПОС emulator's seed for a generated school (`EPOSSeedWriter`): the emulator loads
/// it, `sync epos` reconciles it with the same school's journal, it is deterministic, and it
/// differs from the journal as a real portal would.
@Suite struct EPOSSeedTests {
    static let seedFiles = ["school.json", "students.json", "schedule_items.json", "marks.json", "attendances.json", "final_marks.json"]

    /// A generated school of 40 pupils for 2025/2026 with its ЭПОС seed in `epos/`, once per run.
    static let school: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jg-epos-seed-\(getpid())-\(UUID().uuidString)").path
        let gen = SchoolGenerator(students: 40, year: 2025, seed: 11, today: CivilDate(year: 2026, month: 11, day: 1)!)
        _ = try! gen.write(to: dir)
        try! EPOSSeedWriter(school: dir, out: dir + "/epos", seed: 11).write()
        return dir
    }()

    /// Journal lines of a type in the generated school.
    static func journalCount(_ type: String) throws -> Int {
        var n = 0
        try forEachJSONLine(school + "/journal.jsonl") { j in if j["type"]?.string == type { n += 1 } }
        return n
    }

    static func rows(_ dir: String, _ file: String) throws -> [JSON] {
        try JSON.parse(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + file)))).array ?? []
    }

    @Test func sameSeedSameBytesOtherSeedOtherDifferences() throws {
        let dir = try TempDir()
        for (name, seed) in [("a", UInt64(7)), ("b", 7), ("c", 8)] {
            try EPOSSeedWriter(school: Self.school, out: dir.path(name), seed: seed).write()
        }
        for file in Self.seedFiles {
            let a = try Data(contentsOf: dir.url.appendingPathComponent("a/" + file))
            let b = try Data(contentsOf: dir.url.appendingPathComponent("b/" + file))
            #expect(!a.isEmpty && a == b, "\(file)")
        }
        let marksA = try Data(contentsOf: dir.url.appendingPathComponent("a/marks.json"))
        let marksC = try Data(contentsOf: dir.url.appendingPathComponent("c/marks.json"))
        #expect(marksA != marksC, "another seed draws other differences")
        // The pupils' data and the portal's password are readable by the owner only.
        for file in ["students.json", "school.json"] {
            let mode = try FileManager.default.attributesOfItem(atPath: dir.path("a/" + file))[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
    }

    @Test func seedDiffersFromTheJournalByAFewPercent() throws {
        let epos = Self.school + "/epos"
        let marks = try Self.rows(epos, "marks.json"), journal = try Self.journalCount("mark")
        #expect(journal > 1000)
        // Missing 1 %, only on the portal 1 %: the counts differ, but by little.
        #expect(marks.count != journal)
        #expect(abs(marks.count - journal) < journal / 20)
        let attendances = try Self.rows(epos, "attendances.json").count, absences = try Self.journalCount("attendance")
        #expect(attendances < absences && attendances > absences * 9 / 10)
        #expect(try Self.rows(epos, "final_marks.json").count == Self.journalCount("final_mark"))
        #expect(try Self.rows(epos, "schedule_items.json").count == Self.journalCount("lesson"))
        // Lessons are named as the portal names them, and first grade has no marks (R1).
        let school = try JSON.parse(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: epos + "/school.json"))))
        #expect(school["class_units"]?.array?.first?["name"]?.string == "1-А")
        #expect(school["academic_year"]?["name"]?.string == "2025-2026")
    }

    @Test func emulatorLoadsItAndSyncReconcilesIt() throws {
        let dir = try TempDir()
        let store = dir.path("journal.sqlite")
        for args in [["init", "--school", "МБОУ «Школа № 1»", "--timezone", "Europe/Samara"],
                     ["import", "contingent", Self.school + "/contingent.csv"],
                     ["journal", "import", Self.school + "/journal.jsonl"]] {
            let r = cli(args, store: store)
            #expect(r.code == 0, "\(args): \(r.err)")
        }
        let journalMarks = try JournalStore.open(at: store).count(.mark)
        let e = try EPOSEmulator.start(EPOSEmulatorOptions(seedDir: Self.school + "/epos", seed: 1, requestsPerSecond: nil))
        defer { e.stop() }
        let args = ["--store", store, "sync", "epos", "--url", e.url.absoluteString, "--school-id", e.schoolID, "--login", e.login,
                    "--requests-per-second", "1000", "--json"]
        let env = ["JOURNAL_GATEWAY_PASSWORD": e.password, "JOURNAL_GATEWAY_MAPPINGS": packageRoot.path + "/mappings"]
        let first = try runBinary(args, environment: env)
        #expect(first.code == 0, "\(first.err.prefix(2000)) \(first.out.prefix(3000))")
        let summary = try JSON.parse(first.out)
        for (kind, counts) in summary["entities"]?.pairs ?? [] {
            #expect(counts["failed"]?.int == 0, "\(kind): \(counts.serialized())")
        }
        #expect(summary["failures"]?.array?.isEmpty ?? true, "\(summary["failures"]?.serialized() ?? "")")
        #expect(e.stats()["duplicate_external_ids"]?.int == 0)
        // The marks only the portal had arrived in the store; those it lacked or had changed were sent.
        let s = try JournalStore.open(at: store)
        let marks = try s.count(.mark)
        #expect(marks > journalMarks)
        #expect(summary["entities"]?["mark"]?["pushed"]?.int ?? 0 > 0)
        #expect(e.stats()["objects"]?["mark"]?.int == marks, "both sides hold the same marks")
        #expect(try s.count(.lesson) == Self.journalCount("lesson"), "every lesson matched by its slot, none doubled")
        // Nothing is left to do.
        let second = try runBinary(args, environment: env)
        #expect(second.code == 0, "\(second.err.prefix(2000))")
        #expect(try PortalHarness.pushed(second.out) == 0)
    }
}
