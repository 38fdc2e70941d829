import Foundation
import Synchronization
import Testing
@testable import Gateway
import JournalModel
@testable import JournalStore
import PortalEmulator
import TestSupport

/// End to end: the real `journal-gateway` binary, as a child process, against the ЭПОС.Школа
/// emulator on loopback — the battery of `ASURSOSyncE2ETests`, plus rows moved while
/// paging, 412 races, the pace, and a school that moved from Samara to Perm.
///
/// The emulators run without their rate limit and the binary with `--requests-per-second
/// 1000`, so that fifty killed runs fit in seconds; one test keeps the real pace.
struct EPOSSyncE2ETests {
    /// A Perm store with the sample contingent and week, and what only the journal has, for
    /// the first sync to write: a new lesson with its homework, a mark and an absence; a mark
    /// on an old lesson; a changed topic.
    static let prepared = preparedSyncStore(name: "epos-e2e", timezone: "Asia/Yekaterinburg", extraLines: [
        #"{"type": "mark", "id": "mk-local-only", "lesson": "les-9А-2026-09-07-1", "student": "stu-09-1026", "work_type": "wt-self", "value": "5", "weight": 1}"#,
        #"{"type": "lesson", "id": "les-5Б-2026-09-12-1", "class": "cls-5Б", "subject": "sub-math", "date": "2026-09-12", "number": 1, "teacher": "t-302", "topic": "Дроби"}"#,
        #"{"type": "homework", "id": "hw-5Б-2026-09-12-1", "lesson": "les-5Б-2026-09-12-1", "text": "№ 1, 2 (стр. 40)", "due": "2026-09-14"}"#,
        #"{"type": "mark", "id": "mk-5Б-2026-09-12-1-05-1016-answer", "lesson": "les-5Б-2026-09-12-1", "student": "stu-05-1016", "work_type": "wt-answer", "value": "4", "point": false, "weight": 1}"#,
        #"{"type": "attendance", "id": "at-5Б-2026-09-12-1-05-1017", "lesson": "les-5Б-2026-09-12-1", "student": "stu-05-1017", "kind": "absent", "reason": "Б"}"#,
        #"{"type": "lesson", "id": "les-5А-2026-09-07-1", "class": "cls-5А", "subject": "sub-math", "date": "2026-09-07", "number": 1, "teacher": "t-301", "topic": "Натуральные числа и шкалы"}"#])

    static func freshStore(_ dir: TempDir) throws -> String { try copyOfStore(prepared, in: dir) }

    static func write(_ dir: URL, _ name: String, _ lines: [String]) -> String {
        let path = dir.appendingPathComponent(name).path
        try! (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    static func emulator(faults: String? = nil, seed: UInt64 = 1, limit: Int? = nil,
                         log: (@Sendable (String) -> Void)? = nil) throws -> RunningEPOSEmulator {
        var o = EPOSEmulatorOptions(seedDir: samples + "/epos", seed: seed, requestsPerSecond: limit, log: log)
        if let faults { o.faults = try FaultSpec(parsing: faults) }
        return try EPOSEmulator.start(o)
    }

    static func syncArgs(_ e: RunningEPOSEmulator, store: String, pace: Int = 1000) -> [String] {
        ["--store", store, "sync", "epos", "--url", e.url.absoluteString, "--school-id", e.schoolID, "--login", e.login,
         "--requests-per-second", String(pace), "--json"]
    }

    static func env(_ e: RunningEPOSEmulator, _ extra: [String: String] = [:]) -> [String: String] {
        ["JOURNAL_GATEWAY_PASSWORD": e.password, "JOURNAL_GATEWAY_MAPPINGS": packageRoot.path + "/mappings",
         "JOURNAL_GATEWAY_SAMPLES": samples].merging(extra) { $1 }
    }

    @discardableResult
    static func syncUntilClean(_ e: RunningEPOSEmulator, store: String, max: Int = 6) throws -> [CLIResult] {
        var runs: [CLIResult] = []
        for _ in 0..<max {
            let r = try runBinary(syncArgs(e, store: store), environment: env(e))
            runs.append(r)
            if r.code == 0 { return runs }
        }
        Issue.record("no clean sync in \(max) runs: \(runs.map { "\($0.code): \($0.err.prefix(300)) \($0.out.prefix(1500))" })")
        return runs
    }

    static func fingerprint(store: String, _ e: RunningEPOSEmulator) -> (journal: String, portal: String) {
        (cli(["journal", "export"], store: store).out, e.stateDocument(content: true).serialized())
    }

    /// The reference: a clean sync of a fresh store against a fresh emulator (with its
    /// duration and the number of protocol requests it made).
    static let reference: (journal: String, portal: String, seconds: Double, requests: Int) = {
        let dir = try! TempDir()
        let store = try! freshStore(dir)
        let requests = Mutex(0)
        let e = try! emulator { _ in requests.withLock { $0 += 1 } }
        defer { e.stop() }
        let start = Date()
        let r = try! runBinary(syncArgs(e, store: store), environment: env(e))
        precondition(r.code == 0, "reference sync failed: \(r.err) \(r.out)")
        let seconds = Date().timeIntervalSince(start)
        let f = fingerprint(store: store, e)
        return (f.journal, f.portal, seconds, requests.withLock { $0 })
    }()

    static func pushed(_ out: String) throws -> Int {
        try (JSON.parse(out)["entities"]?.pairs ?? []).reduce(0) { $0 + ($1.1["pushed"]?.int ?? 0) }
    }

    @Test func cleanSyncThenNothingToDo() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let e = try Self.emulator()
        defer { e.stop() }
        let first = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e))
        #expect(first.code == 0, "\(first.err) \(first.out)")
        let j = try JSON.parse(first.out)
        #expect(j["counterpart"]?.string == "epos")
        #expect(j["cursor_end"]?.string?.hasPrefix("v2:since:ref|") == true)
        for kind in ["lesson", "mark", "attendance", "homework", "final_mark", "student"] {
            #expect(j["entities"]?[kind]?["failed"]?.int == 0, "\(kind)")
        }
        // Everything on the portal matched the journal's week by natural key: nothing doubled.
        let s = try JournalStore.open(at: store)
        #expect(try s.count(.lesson) == 81)
        #expect(try s.count(.student) == 26)
        // Written: the new lesson, its homework (a PUT of the schedule item), two marks and an
        // absence (created with external_id = the operation key), the changed topic, and the
        // «точка»'s weight (the journal's 2 against the portal's 1).
        #expect(e.stats()["objects"]?["schedule_item"]?.int == 81)
        #expect(e.stats()["objects"]?["mark"]?.int == 113)
        #expect(e.stats()["objects"]?["attendance"]?.int == 17)
        #expect(e.stats()["operations_applied"]?.int == 7)
        let portal = e.stateDocument()
        let added = (portal["schedule_items"]?.array ?? []).first { $0["date"]?.string == "2026-09-12" }
        #expect(added?["homework"]?["text"]?.string == "№ 1, 2 (стр. 40)" && added?["external_id"]?.string?.count == 32)
        #expect((portal["schedule_items"]?.array ?? []).first { $0["id"]?.string == "si-1004" }?["topic"]?.string == "Натуральные числа и шкалы")
        // mk-5109, saved at 00:30 on 12 September in Perm, belongs to the lesson of 11 September.
        let local = try #require(try s.localID(counterpart: "epos", .mark, externalID: "mk-5109"))
        let lessonID = try #require(s.record(.mark, id: local)?["lesson"].text)
        #expect(s.record(.lesson, id: lessonID)?["date"] == .text("2026-09-11"))
        let second = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e))
        #expect(second.code == 0)
        #expect(try Self.pushed(second.out) == 0, "nothing is sent twice")
        #expect(e.stats()["operations_applied"]?.int == 7)
        #expect(Self.fingerprint(store: store, e) == (Self.reference.journal, Self.reference.portal))
    }

    @Test func portalChangesArriveIncrementally() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let e = try Self.emulator()
        defer { e.stop() }
        #expect(try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e)).code == 0)
        func op(_ op: String, _ kind: String, _ id: String, _ data: [(String, JSON)] = []) -> JSON {
            .object([("op", .string(op)), ("kind", .string(kind)), ("id", .string(id))] + (data.isEmpty ? [] : [("data", .object(data))]))
        }
        // Portal users: a homework removed, another given, a pupil's patronymic corrected, a mark deleted.
        let answers = e.edit([op("update", "schedule_item", "si-1004", [("homework", .null)]),
                              op("update", "schedule_item", "si-1077", [("homework", .object([("text", .string("§ 40")), ("due_date", .string("2026-09-14"))]))]),
                              op("update", "student", "st-4009", [("middle_name", .string("Сергеевич-Оглы"))]),
                              op("delete", "mark", "mk-5003")])
        #expect((answers["results"]?.array ?? []).allSatisfy { ($0["status"]?.int ?? 0) < 300 }, "\(answers)")
        let r = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e))
        #expect(r.code == 0, "\(r.err) \(r.out)")
        let j = try JSON.parse(r.out)
        #expect(j["cursor_start"]?.string?.hasPrefix("v2:since:ref|") == true)
        #expect(j["entities"]?["student"]?["expected"]?.int == 1, "only the changed pupil")
        let s = try JournalStore.open(at: store)
        #expect(s.record(.homework, id: "hw-5А-2026-09-07-1") == nil, "removed on the portal: deleted here")
        #expect(try s.records(.homework, where: "lesson", equals: .text("les-9А-2026-09-11-1")).first?["text"] == .text("§ 40"))
        #expect(s.record(.student, id: "stu-05-1009")?["patronymic"] == .text("Сергеевич-Оглы"))
        #expect(s.record(.mark, id: "mk-5А-2026-09-07-1-05-1012-answer") == nil, "deleted on the portal: deleted here")
        let again = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e))
        #expect(again.code == 0)
        #expect(try Self.pushed(again.out) == 0)
    }

    @Test func fivePercentFaultsEndInTheSameState() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let e = try Self.emulator(faults: "500=0.05,502=0.02,503=0.02,504=0.02,429=0.05,drop=0.05,truncate=0.02,expire-token=0.02,mutate-while-paging=0.05,retry-after=0", seed: 42)
        defer { e.stop() }
        try Self.syncUntilClean(e, store: store)
        #expect((e.stats()["faults_injected"]?.int ?? 0) > 0, "faults were injected")
        let f = Self.fingerprint(store: store, e)
        #expect(f.journal == Self.reference.journal)
        #expect(f.portal == Self.reference.portal)
    }

    @Test func rowsMovedWhilePagingAreNotMissed() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let e = try Self.emulator(faults: "mutate-while-paging=1", seed: 3)
        defer { e.stop() }
        // Pages of 10 rows: a class's list takes several, so rows move between them.
        let r = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e, ["JOURNAL_GATEWAY_EPOS_PER_PAGE": "10"]))
        #expect(r.code == 0, "\(r.err) \(r.out)")
        #expect((e.faults()["injected"]?["mutate-while-paging"]?.int ?? 0) > 0, "rows were moved while paging")
        let f = Self.fingerprint(store: store, e)
        #expect(f.journal == Self.reference.journal, "every row arrived")
        #expect(f.portal == Self.reference.portal)
    }

    /// Fifty seeded kill -9 points: half at the N-th protocol request (killed while the portal
    /// handles it: a write applied whose answer never arrives), half at a moment of the run
    /// (local commits too). Each store is then synced again and must equal the reference.
    @Test func killedAtSeededPointsAndRerunEqualsTheReference() throws {
        var rng = SeededRandom(seed: 2027)
        var moments: [String: Int] = [:]
        for point in 0..<50 {
            let dir = try TempDir()
            let store = try Self.freshStore(dir)
            let target = point % 2 == 0 ? 1 + rng.below(Self.reference.requests) : nil
            let delay = Double(rng.below(1000)) / 1000 * Self.reference.seconds
            let child = Mutex<Int32?>(nil), seen = Mutex(0)
            let e = try Self.emulator { _ in
                let n = seen.withLock { $0 += 1; return $0 }
                if n == target, let pid = child.withLock({ $0 }) { kill(pid, SIGKILL) }
            }
            defer { e.stop() }
            let p = Process()
            p.executableURL = try gatewayBinary()
            p.arguments = Self.syncArgs(e, store: store)
            p.environment = Self.env(e)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            child.withLock { $0 = p.processIdentifier }
            if target == nil {
                Thread.sleep(forTimeInterval: delay)
                kill(p.processIdentifier, SIGKILL)
            }
            p.waitUntilExit()
            let where_ = target.map { "request \($0)" } ?? "after \(delay) s"
            // Only the points set by request count say where runs are cut: a moment in
            // seconds depends on the machine's load (issue 15 item 6), so it adds coverage only.
            if target != nil { moments[Self.moment(store: store, e), default: 0] += 1 }
            try Self.syncUntilClean(e, store: store, max: 3)
            let f = Self.fingerprint(store: store, e)
            #expect(f.journal == Self.reference.journal, "kill point \(point) (\(where_)): the journal differs")
            #expect(f.portal == Self.reference.portal, "kill point \(point) (\(where_)): the portal differs")
        }
        print("kill points (reference: \(Self.reference.requests) requests, \(Self.reference.seconds) s):", moments.sorted { $0.key < $1.key })
        #expect((moments["4 finished"] ?? 0) == 0, "a kill at a request the run makes always interrupts it: \(moments)")
        #expect((moments["3 after a write"] ?? 0) >= 2, "some points fall after a write reached the portal: \(moments)")
    }

    /// Issue 14's done-when: against the strict emulator (no extensions), with rows moved
    /// while paging (pages of 10 rows, so every class's lists take several), 5 % faults, and
    /// kill -9 at seeded points (the N-th protocol request, or a moment of the run), each
    /// store synced again until clean must equal the uninterrupted reference run.
    @Test func strictPortalWithEditsWhilePagingFaultsAndKillsEqualsTheReference() throws {
        var rng = SeededRandom(seed: 1414)
        let faults = "500=0.01,503=0.01,504=0.01,429=0.01,drop=0.005,truncate=0.005,mutate-while-paging=0.2,retry-after=0"
        let env = ["JOURNAL_GATEWAY_EPOS_PER_PAGE": "10"]
        var moved = 0
        for point in 0..<12 {
            let dir = try TempDir()
            let store = try Self.freshStore(dir)
            let target = point % 2 == 0 ? 1 + rng.below(Self.reference.requests * 2) : nil
            let delay = Double(rng.below(1000)) / 1000 * Self.reference.seconds * 2
            let child = Mutex<Int32?>(nil), seen = Mutex(0)
            let e = try Self.emulator(faults: faults, seed: UInt64(100 + point)) { _ in
                let n = seen.withLock { $0 += 1; return $0 }
                if n == target, let pid = child.withLock({ $0 }) { kill(pid, SIGKILL) }
            }
            defer { e.stop() }
            let p = Process()
            p.executableURL = try gatewayBinary()
            p.arguments = Self.syncArgs(e, store: store)
            p.environment = Self.env(e, env)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            child.withLock { $0 = p.processIdentifier }
            if target == nil {
                Thread.sleep(forTimeInterval: delay)
                kill(p.processIdentifier, SIGKILL)
            }
            p.waitUntilExit()
            let where_ = target.map { "request \($0)" } ?? "after \(delay) s"
            for _ in 0..<8 {
                if try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e, env)).code == 0 { break }
            }
            moved += e.faults()["injected"]?["mutate-while-paging"]?.int ?? 0
            let f = Self.fingerprint(store: store, e)
            #expect(f.journal == Self.reference.journal, "kill point \(point) (\(where_)): the journal differs")
            #expect(f.portal == Self.reference.portal, "kill point \(point) (\(where_)): the portal differs")
        }
        #expect(moved > 0, "rows were moved while paging")
    }

    /// Where a killed run stopped: before it started, while pulling, after it had written
    /// to the portal, or after it finished.
    static func moment(store: String, _ e: RunningEPOSEmulator) -> String {
        guard let s = try? JournalStore.open(at: store),
              let status = try? s.db.scalar("SELECT status FROM sync_run ORDER BY started_at DESC LIMIT 1")?.text else { return "0 before the run" }
        if status != "running" { return "4 finished" }
        if (e.stats()["operations_applied"]?.int ?? 0) > 0 { return "3 after a write" }
        let outbox = (try? s.db.scalar("SELECT count(*) FROM outbox")?.int) ?? 0
        return outbox > 0 ? "2 planned, nothing written" : "1 pulling"
    }

    @Test func racesBetweenPullAndPushAreMergedNeverOverwritten() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let armed = Mutex(false)
        let box = EPOSEmulatorBox()
        let e = try Self.emulator { line in
            guard armed.withLock({ $0 }), let e = box.emulator else { return }
            if line.hasPrefix("GET /core/api/final_marks ") {
                // After the pull has read the marks, before the push: a portal user changes a value.
                _ = e.edit([.object([("op", .string("update")), ("kind", .string("mark")), ("id", .string("mk-5002")),
                                     ("data", .object([("value", .string("2"))]))])])
            } else if line.hasPrefix("GET /core/api/marks/mk-5001 ") {
                // Between the adapter's read and its PUT: the PUT gets 412.
                armed.withLock { $0 = false }
                _ = e.edit([.object([("op", .string("update")), ("kind", .string("mark")), ("id", .string("mk-5001")),
                                     ("data", .object([("weight", .int(2))]))])])
            }
        }
        box.emulator = e
        defer { e.stop() }
        #expect(try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e)).code == 0)
        // The journal changes two marks: mk-5001 (value 4 → 5) and mk-5002 (value 4 → 3).
        let edits = Self.write(dir.url, "edits.jsonl", [
            #"{"type": "mark", "id": "mk-5А-2026-09-07-1-05-1008-answer", "lesson": "les-5А-2026-09-07-1", "student": "stu-05-1008", "work_type": "wt-answer", "value": "5", "point": false, "weight": 1}"#,
            #"{"type": "mark", "id": "mk-5А-2026-09-07-1-05-1010-answer", "lesson": "les-5А-2026-09-07-1", "student": "stu-05-1010", "work_type": "wt-answer", "value": "3", "point": false, "weight": 1}"#])
        #expect(cli(["journal", "import", edits], store: store).code == 0)
        armed.withLock { $0 = true }
        let r = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e))
        #expect(r.code == 0, "\(r.err) \(r.out)")
        #expect((e.stats()["precondition_failures"]?.int ?? 0) >= 1, "the PUT raced and got 412")
        let marks = e.stateDocument()["marks"]?.array ?? []
        let m1 = marks.first { $0["id"]?.string == "mk-5001" }, m2 = marks.first { $0["id"]?.string == "mk-5002" }
        // Different fields: both kept. The same field: the journal owns marks, the portal's value lost.
        #expect(m1?["value"]?.string == "5" && m1?["weight"]?.int == 2, "\(String(describing: m1))")
        #expect(m2?["value"]?.string == "3")
        let s = try JournalStore.open(at: store)
        #expect(s.record(.mark, id: "mk-5А-2026-09-07-1-05-1008-answer")?["weight"] == .int(2), "the portal's weight merged in")
        let history = try s.history(recordID: "mk-5А-2026-09-07-1-05-1010-answer")
        #expect(history.contains { $0.origin.source == "sync:epos:remote-loser" && $0.changes.contains { $0.old == .text("2") } },
                "the portal's losing value is kept in history")
        let again = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e))
        #expect(again.code == 0)
        #expect(try Self.pushed(again.out) == 0)
    }

    @Test func thePortalsPaceIsKept() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let e = try Self.emulator(limit: 10)
        defer { e.stop() }
        let r = try runBinary(Self.syncArgs(e, store: store, pace: 10), environment: Self.env(e))
        #expect(r.code == 0, "\(r.err)")
        // Whether any request arrived over the limit depends on the machine's load (the
        // emulator may be starved and then answer a queue at once), so it is not asserted
        // here: EPOSTimeAndCursorTests pins the pacer's spacing on a clock of its own, and a
        // 429 the portal does send is waited out and retried (the run still equals the reference).
        #expect(Self.fingerprint(store: store, e) == (Self.reference.journal, Self.reference.portal))
    }

    @Test func expiredTokensMidRunAreRenewed() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let e = try Self.emulator(faults: "expire-token=0.2", seed: 5)
        defer { e.stop() }
        let r = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e))
        #expect(r.code == 0, "\(r.err)")
        #expect((e.stats()["faults_injected"]?.int ?? 0) > 0)
        #expect(Self.fingerprint(store: store, e) == (Self.reference.journal, Self.reference.portal))
    }

    /// A control form without a line never stops the night (issue 14): it is adopted under
    /// its own name, the summary says so once, and the run ends as if the line were there.
    @Test func aControlFormWithoutALineIsAdopted() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let maps = dir.path("mappings")
        let source = URL(fileURLWithPath: packageRoot.path + "/mappings").resolvingSymlinksInPath().path
        try FileManager.default.copyItem(atPath: source, toPath: maps)
        let table = maps + "/epos/control_forms.tsv"
        let kept = try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("Лабораторная работа") }
        try (kept.joined(separator: "\n") + "\n").write(toFile: table, atomically: true, encoding: .utf8)
        let e = try Self.emulator()
        defer { e.stop() }
        let r = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e, ["JOURNAL_GATEWAY_MAPPINGS": maps]))
        #expect(r.code == 0, "\(r.out) \(r.err)")
        let adopted = try JSON.parse(r.out)["adopted"]?.array ?? []
        #expect(adopted.count == 1 && adopted.first?["code"]?.string == "Лабораторная работа"
                && adopted.first?["table"]?.string == "epos/control_forms.tsv", "\(r.out)")
        #expect(Self.fingerprint(store: store, e) == (Self.reference.journal, Self.reference.portal))
    }

    @Test func aRefusedSignInIsTriedOnceAndAnUnreachablePortalIs69() throws {
        let dir = try TempDir()
        let store = try Self.freshStore(dir)
        let tokens = Mutex(0)
        let e = try Self.emulator { line in if line.hasPrefix("POST /v2/token ") { tokens.withLock { $0 += 1 } } }
        defer { e.stop() }
        let r = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e, ["JOURNAL_GATEWAY_PASSWORD": "не тот"]))
        #expect(r.code != 0)
        #expect((r.out + r.err).contains("refused"), "\(r.out) \(r.err)")
        #expect(!(r.out + r.err).contains("не тот"), "the password is never printed")
        #expect(tokens.withLock { $0 } == 1, "a wrong password is not tried again and again")
        let gone = try runBinary(["--store", store, "sync", "epos", "--url", "http://127.0.0.1:9", "--school-id", "1", "--login", "x"],
                                 environment: ["JOURNAL_GATEWAY_PASSWORD": "x", "JOURNAL_GATEWAY_MAPPINGS": packageRoot.path + "/mappings"])
        #expect(gone.code == 69, "\(gone.err)")
    }

    /// A school that moved from Samara (АСУ РСО) to Perm (ЭПОС.Школа): one store synced with
    /// both in turn. The second counterpart's records match the journal's by natural key;
    /// nothing is doubled, and each counterpart keeps its own identities.
    @Test func aSchoolThatMovedRegionKeepsOneJournal() throws {
        let dir = try TempDir()
        let store = try ASURSOSyncE2ETests.freshStore(dir)
        let asu = try ASURSOSyncE2ETests.emulator()
        defer { asu.stop() }
        try ASURSOSyncE2ETests.syncUntilClean(asu, store: store)
        var s = try JournalStore.open(at: store)
        let before = try [EntityKind.student, .lesson, .mark, .attendance, .homework].map { try s.count($0) }
        let e = try Self.emulator()
        defer { e.stop() }
        let runs = try Self.syncUntilClean(e, store: store)
        #expect(runs.count == 1, "\(runs.map(\.out))")
        s = try JournalStore.open(at: store)
        let after = try [EntityKind.student, .lesson, .mark, .attendance, .homework].map { try s.count($0) }
        // Students, lessons and homework: the same. Marks and absences: plus the two of each that only ЭПОС has.
        #expect(after[0] == before[0] && after[1] == before[1] && after[4] == before[4], "\(before) → \(after)")
        #expect(after[2] == before[2] + 2 && after[3] == before[3] + 2, "\(before) → \(after)")
        // Identities per counterpart: ЭПОС's week is bound to the same local records as АСУ РСО's.
        let asuIDs = Dictionary(grouping: try s.identities(counterpart: "asu-rso"), by: \.entity).mapValues { Set($0.map(\.localID)) }
        let epos = try s.identities(counterpart: "epos")
        for kind in [EntityKind.student, .lesson, .classUnit, .teacher, .group] {
            // Tombstones (the cancelled si-1081) are bound to no journal record.
            let local = epos.filter { $0.entity == kind && s.record(kind, id: $0.localID) != nil }
            #expect(!local.isEmpty)
            let unmatched = Set(local.map(\.localID)).subtracting(asuIDs[kind] ?? [])
            #expect(unmatched.isEmpty, "\(kind.rawValue): matched, not doubled: \(unmatched.sorted().prefix(5))")
            #expect(Set(local.map(\.localID)).count == local.count, "\(kind.rawValue): one local record per ЭПОС object")
        }
        #expect(epos.contains { $0.entity == .lesson && $0.externalID == "si-1004" })
        // What only АСУ РСО had (two more weeks) now is on ЭПОС too; a second run has nothing to do.
        #expect(e.stats()["objects"]?["schedule_item"]?.int == before[1])
        let again = try runBinary(Self.syncArgs(e, store: store), environment: Self.env(e))
        #expect(again.code == 0)
        #expect(try Self.pushed(again.out) == 0)
        s = try JournalStore.open(at: store)
        #expect(try [EntityKind.student, .lesson, .mark, .attendance, .homework].map { try s.count($0) } == after)
    }
}

/// The emulator, for a log callback set before it starts.
final class EPOSEmulatorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: RunningEPOSEmulator?
    var emulator: RunningEPOSEmulator? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
