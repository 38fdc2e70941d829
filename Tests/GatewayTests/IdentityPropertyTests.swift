import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// Issue 15, "done when": over generated schools, random interleavings of the secretary's
/// list (as sent and with edits), journal imports, portal-side edits, syncs with АСУ РСО
/// and ЭПОС and diary deliveries end with one guardian per real parent, one teacher per real
/// teacher, no lesson twice, every diary event delivered once to each of the child's
/// guardians, and no value outside its kind's set anywhere in the store.
@Suite(.serialized) struct IdentityPropertyTests {
    enum Step: String, CaseIterable { case list, editedList, journal, asuEdit, eposEdit, syncASU, syncEPOS, feed }

    /// A small school (24 pupils in 11 classes, every group with pupils; a year of journal) per seed.
    static func school(seed: UInt64, in dir: TempDir) throws -> String {
        let out = dir.path("school")
        let r = cli(["generate", "school", "--students", "24", "--year", "2025", "--seed", String(seed), "--out", out], store: dir.path("unused.sqlite"))
        #expect(r.code == 0, "\(r.err)")
        return out
    }

    /// The list with some guardians' surnames in capitals and ё where the list had е: how
    /// another secretary types the same parents.
    static func editedList(_ school: String, _ rng: inout SeededRandom) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: school + "/contingent.csv"))
        var text = try #require(String(data: data, encoding: .windowsCP1251))
        let parents = try JSON.parse(String(contentsOfFile: school + "/asu-rso/students.json", encoding: .utf8))["parents"]?.array ?? []
        for p in parents where rng.chance(0.5) {
            guard let last = p["lastName"]?.string, let first = p["firstName"]?.string else { continue }
            let spelled = (rng.chance(0.5) ? last.uppercased() : last.replacingOccurrences(of: "е", with: "ё"))
            text = text.replacingOccurrences(of: "\(last) \(first)", with: "\(spelled) \(first)")
        }
        let path = school + "/contingent-edited.csv"
        try #require(text.data(using: .windowsCP1251)).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The steps of one night sequence: each at least once, in a seeded order, then the
    /// syncs and the feed that bring everything to rest.
    static func plan(_ rng: inout SeededRandom) -> [Step] {
        var steps = Step.allCases + (0..<4).map { _ in rng.pick(Step.allCases) }
        for i in stride(from: steps.count - 1, to: 0, by: -1) { steps.swapAt(i, rng.below(i + 1)) }
        return steps + [.syncASU, .syncEPOS, .syncASU, .feed]
    }

    @Test(arguments: [UInt64(3), 11])
    func everySourceMeetsInOneRecordPerPersonAndLesson(seed: UInt64) async throws {
        let dir = try TempDir()
        let school = try Self.school(seed: seed, in: dir)
        let store = dir.path("journal.sqlite")
        #expect(cli(["init", "--school", "Школа", "--timezone", "Europe/Samara"], store: store).code == 0)
        let asu = try ASURSOEmulator.start(EmulatorOptions(seedDir: school + "/asu-rso", seed: seed))
        defer { asu.stop() }
        let epos = try EPOSEmulator.start(EPOSEmulatorOptions(seedDir: school + "/epos", requestsPerSecond: nil))
        defer { epos.stop() }
        let diary = try DiaryEmulator.start(DiaryEmulatorOptions())
        defer { diary.stop() }
        let token = dir.path("diary.token")
        #expect(FileManager.default.createFile(atPath: token, contents: Data((diary.token + "\n").utf8), attributes: [.posixPermissions: 0o600]))

        var rng = SeededRandom(seed: seed)
        let steps = Self.plan(&rng)
        var log: [String] = []
        for step in steps {
            let r: CLIResult
            switch step {
            case .list:
                r = cli(["import", "contingent", school + "/contingent.csv"], store: store)
            case .editedList:
                r = cli(["import", "contingent", try Self.editedList(school, &rng)], store: store)
            case .journal:
                // The school's software: its pupils and parents (its own ids), then the year's journal.
                let pupils = cli(["journal", "import", school + "/pupils.jsonl"], store: store)
                r = pupils.code != 0 ? pupils : cli(["journal", "import", school + "/journal.jsonl"], store: store)
            case .asuEdit:
                r = CLIResult(code: Self.editMarks(asu, &rng) ? 0 : 1, out: "", err: "no АСУ РСО mark to edit")
            case .eposEdit:
                r = CLIResult(code: Self.editMarks(epos, school: school, &rng) ? 0 : 1, out: "", err: "no ЭПОС mark to edit")
            case .syncASU:
                r = try PortalHarness.asuRSO.sync(asu, store: store)
            case .syncEPOS:
                r = try PortalHarness.epos.sync(epos, store: store)
            case .feed:
                r = try runBinary(["--store", store, "feed", "diary", "--url", diary.url.absoluteString, "--token-file", token,
                                   "--school-id", diary.schoolID, "--json"])
            }
            log.append("\(step.rawValue): \(r.code)")
            // Conflicts and data a person must fix are allowed (65); nothing may fail.
            let failures = ((try? JSON.parse(r.out))?["failures"]?.array ?? []).prefix(3).compactMap(\.string)
            #expect(r.code == 0 || r.code == 65, "seed \(seed), \(log.joined(separator: ", ")): \(r.err.prefix(600)) \(failures)")
        }
        try Self.checkInvariants(store: store, school: school, diary: diary, seed: seed, steps: log)
    }

    /// A few marks changed by the portal's users (values rotated).
    static func editMarks(_ e: RunningEmulator, _ rng: inout SeededRandom) -> Bool {
        var ops: [JSON] = []
        for l in e.stateDocument()["lessons"]?.array ?? [] where ops.count < 3 && rng.chance(0.05) {
            for a in l["assignments"]?.array ?? [] {
                guard let aid = a["id"]?.int, let m = a["marks"]?.array?.first, let sid = m["studentId"]?.int,
                      let v = m["mark"]?.string, let next = ["2": "3", "3": "4", "4": "5", "5": "4"][v] else { continue }
                ops.append(.object([("op", .string("upsertMark")), ("classmeetingId", l["id"] ?? .null), ("assignmentId", .int(aid)),
                                    ("studentId", .int(sid)), ("mark", .string(next))]))
                break
            }
        }
        // The АСУ РСО emulator answers each operation with `"status": "applied"` (or conflict, rejected).
        guard !ops.isEmpty else { return true }
        let results = e.edit(ops)["results"]?.array ?? []
        return results.count == ops.count && results.allSatisfy { $0["status"]?.string == "applied" }
    }

    static func editMarks(_ e: RunningEPOSEmulator, school: String, _ rng: inout SeededRandom) -> Bool {
        guard let marks = try? JSON.parse(String(contentsOfFile: school + "/epos/marks.json", encoding: .utf8)).array else { return false }
        var ops: [JSON] = []
        for m in marks where ops.count < 3 && rng.chance(0.01) {
            guard let id = m["id"]?.string, let v = m["value"]?.string, let next = ["2": "3", "3": "4", "4": "5", "5": "4"][v] else { continue }
            ops.append(.object([("op", .string("update")), ("kind", .string("mark")), ("id", .string(id)),
                                ("data", .object([("value", .string(next))]))]))
        }
        guard !ops.isEmpty else { return true }
        let results = e.edit(ops)["results"]?.array ?? []
        return results.count == ops.count && results.allSatisfy { ($0["status"]?.int ?? 500) < 300 }
    }

    static func checkInvariants(store path: String, school: String, diary: RunningDiaryEmulator, seed: UInt64, steps: [String]) throws {
        let store = try JournalStore.open(at: path)
        let context = "seed \(seed): \(steps.joined(separator: ", "))"
        // One guardian per real parent (the generated portal's parents are the school's).
        let parents = try JSON.parse(String(contentsOfFile: school + "/asu-rso/students.json", encoding: .utf8))["parents"]?.array ?? []
        let guardians = try store.records(.guardian), links = try store.records(.guardianship)
        #expect(guardians.count == parents.count, "\(context): \(guardians.count) guardians for \(parents.count) parents")
        #expect(GuardianMatcher(guardians: guardians, guardianships: links).duplicateGroups().isEmpty, "\(context)")
        // One teacher per real teacher (the school's staff as its journal names them).
        let staff = try String(contentsOfFile: school + "/journal.jsonl", encoding: .utf8).split(separator: "\n")
            .filter { $0.contains(#""type": "teacher""#) || $0.contains(#""type":"teacher""#) }.count
        let teachers = try store.records(.teacher)
        #expect(teachers.count == staff, "\(context): \(teachers.count) teachers for \(staff)")
        #expect(Set(teachers.map(PersonName.folded)).count == teachers.count, "\(context)")
        // No lesson twice: one per class, group, date and number (and per class, date and number across groups of one subject).
        let lessons = try store.records(.lesson)
        #expect(Set(lessons.map { $0.naturalKey ?? $0.id }).count == lessons.count, "\(context)")
        // No value outside its kind's set anywhere.
        var bad: [String] = []
        for kind in EntityKind.allCases {
            try store.forEachRecord(kind) { r in
                let problems = JournalRules.checkFields(r)
                if !problems.isEmpty && bad.count < 5 { bad.append("\(kind.rawValue) \(r.id): \(problems)") }
            }
        }
        for fm in try store.records(.finalMark) where !["1", "2", "3", "4", "5", "зачёт", "незачёт"].contains(fm["value"].text ?? "") {
            bad.append("final_mark \(fm.id): «\(fm["value"])»")
        }
        #expect(bad.isEmpty, "\(context): \(bad)")
        // Every diary event delivered once, to each of its pupil's guardians once.
        var linked: [String: Set<String>] = [:]
        for l in links { if let s = l["student"].text, let g = l["guardian"].text { linked[s, default: []].insert(g) } }
        let events = diary.acceptedEvents()
        #expect(!events.isEmpty, "\(context)")
        #expect(diary.stats()["duplicates"]?.int == 0, "\(context)")
        #expect(Set(events.compactMap { $0["eventId"]?.string }).count == events.count, "\(context)")
        var wrong: [String] = []
        for e in events {
            let ids = (e["recipients"]?.array ?? []).compactMap { $0["guardianId"]?.string }
            guard let student = e["student"]?["id"]?.string else { continue }
            if ids.count != Set(ids).count || Set(ids) != (linked[student] ?? []) {
                if wrong.count < 3 { wrong.append("\(e["eventId"]?.string ?? "?"): \(ids) for \(student) linked to \(linked[student] ?? [])") }
            }
        }
        #expect(wrong.isEmpty, "\(context): \(wrong)")
    }
}
