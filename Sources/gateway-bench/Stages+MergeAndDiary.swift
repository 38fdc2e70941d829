import Foundation
import Gateway
import JournalModel
import SyncEngine

/// The pure three-way merge alone, on 1,000,000 mark records (`--quick`: 100,000):
/// 1% changed in the journal, 1% changed at the counterpart, 0.1% changed on both sides
/// to different values (decided by the policy), the rest equal. The records cycle through
/// a pool of 10,000 distinct ones, so the stage measures the merge, not memory traffic.
struct MergeOnly: Benchmark {
    let name = "merge-alone"
    func setUp(_ ctx: BenchContext) throws {}

    static func pool() -> [(RecordState, RecordState, RecordState)] {
        (0..<10_000).map { i in
            let base = FieldValues(.mark, [
                Mark.lesson: .text("les-\(i / 25)"), Mark.student: .text("stu-\(i % 25)"), Mark.workType: .text("wt-answer"),
                Mark.value: .text(String(2 + i % 4)), Mark.point: .int(0), Mark.weight: .int(1 + i % 2),
            ])
            var local = base, remote = base
            if i % 100 == 0 { local[Mark.value] = .text("5") }
            if i % 100 == 50 { remote[Mark.value] = .text("2") }
            if i % 1000 == 7 { local[Mark.value] = .text("4"); remote[Mark.value] = .text("3") }
            return (.present(base), .present(local), .present(remote))
        }
    }

    func run(_ ctx: BenchContext) throws -> Int {
        let pool = Self.pool()
        let policy = PolicyTable.defaults
        let n = ctx.students >= 2000 ? 1_000_000 : 100_000
        var pushes = 0, writes = 0, conflicts = 0
        for i in 0..<n {
            let (b, l, r) = pool[i % pool.count]
            let d = RecordMerge.merge(kind: .mark, base: b, local: l, remote: r, policy: policy)
            if d.push { pushes += 1 }
            if case .write = d.local { writes += 1 }
            conflicts += d.conflicts.count
        }
        // Checks the work was done (and keeps the optimizer from dropping it).
        guard pushes > 0, writes > 0 else { throw BenchError("merge-alone: no push or write decided (\(pushes), \(writes), \(conflicts))") }
        return n
    }
}

/// The parents' diary feed of one school day: the year is imported and its first delivery
/// made (untimed); then the last school day's lessons, marks, absences and homework are
/// imported, and the measured run delivers their events to the portal (its own process).
struct DiaryFeedDay: Benchmark {
    let name = "diary-feed-day"

    func setUp(_ ctx: BenchContext) throws {
        let store = try newStore(ctx)
        try gateway(["--store", store, "import", "contingent", ctx.dir + "/contingent.csv"])
        // The last day with lessons, and its lessons.
        var lastDate = ""
        try forEachLine(ctx.dir + "/journal.jsonl") { line in
            let j = try JSON.parse(bytes: Array(line))
            if j["type"]?.string == "lesson", let d = j["date"]?.string, d > lastDate { lastDate = d }
        }
        var dayLessons = Set<String>()
        try forEachLine(ctx.dir + "/journal.jsonl") { line in
            let j = try JSON.parse(bytes: Array(line))
            if j["type"]?.string == "lesson", j["date"]?.string == lastDate, let id = j["id"]?.string { dayLessons.insert(id) }
        }
        // The year without that day, and the day.
        let year = FileHandle(forWritingAtPath: { FileManager.default.createFile(atPath: ctx.work + "/year.jsonl", contents: nil); return ctx.work + "/year.jsonl" }())!
        let day = FileHandle(forWritingAtPath: { FileManager.default.createFile(atPath: ctx.work + "/day.jsonl", contents: nil); return ctx.work + "/day.jsonl" }())!
        try forEachLine(ctx.dir + "/journal.jsonl") { line in
            let j = try JSON.parse(bytes: Array(line))
            let lesson = j["type"]?.string == "lesson" ? j["id"]?.string : j["lesson"]?.string
            let out = lesson.map(dayLessons.contains) == true ? day : year
            out.write(Data(line) + Data([0x0A]))
        }
        try year.close(); try day.close()
        try gateway(["--store", store, "journal", "import", ctx.work + "/year.jsonl"])
        let portal = try EmulatorProcess("diary", [])
        EmulatorProcess.current = portal
        setenv("JOURNAL_GATEWAY_DIARY_TOKEN", portal.token, 1)
        try gateway(["--store", store, "feed", "diary", "--url", portal.url.absoluteString, "--school-id", portal.schoolID])
        try gateway(["--store", store, "journal", "import", ctx.work + "/day.jsonl"])
    }

    func run(_ ctx: BenchContext) throws -> Int {
        let portal = try runningEmulator()
        let before = try portal.control("/_emulator/stats")["events_accepted"]?.int ?? 0
        try gateway(["--store", ctx.work + "/store.sqlite", "feed", "diary", "--url", portal.url.absoluteString])
        let delivered = (try portal.control("/_emulator/stats")["events_accepted"]?.int ?? 0) - before
        guard delivered > 0 else { throw BenchError("diary-feed-day: no event delivered") }
        return delivered
    }
}
