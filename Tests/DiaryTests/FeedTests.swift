import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// What the feed plans from the sample school, and how it follows later changes.
struct FeedTests {
    /// Delivers everything pending to a capturing sink through the library.
    func deliver(_ path: String, batchSize: Int = 1000) throws -> (CapturingSink, DiarySummary) {
        let store = try JournalStore.open(at: path)
        var o = DiaryFeedOptions()
        o.schoolID = "63-0002"
        o.batchSize = batchSize
        let sink = CapturingSink()
        let summary = try DiaryFeed(store: store, options: o).run(sink: sink)
        return (sink, summary)
    }

    @Test(arguments: StoreBackend.allCases)
    func firstDeliveryCarriesTheYearSoFarToLinkedGuardiansOnly(_ backend: StoreBackend) throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let path = try sampleStore(dir, backend)
        let out = dir.path("batches")
        let r = cli(["feed", "diary", "--out", out, "--school-id", "63-0002", "--json", "--batch-size", "150"], store: path)
        #expect(r.code == 0, "\(r.err)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files == ["batch-000001.json", "batch-000002.json", "batch-000003.json"])
        var events: [JSON] = []
        for f in files {
            let doc = try JSON.parse(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: out + "/" + f))))
            #expect(doc["schoolId"]?.string == "63-0002")
            #expect((doc["batchId"]?.string?.count ?? 0) == 32)
            events += doc["events"]?.array ?? []
        }
        let summary = try JSON.parse(r.out)
        #expect(summary["planned"]?["events"]?.int == events.count)
        #expect(summary["first_delivery"] == .bool(true))
        let store = try JournalStore.open(at: path)
        var links: [String: Set<String>] = [:]
        try store.forEachRecord(.guardianship) { links[$0["student"].text!, default: []].insert($0["guardian"].text!) }
        var types: [String: Int] = [:]
        for e in events {
            types[e["type"]!.string!, default: 0] += 1
            let student = try #require(e["student"]?["id"]?.string)
            let recipients = e["recipients"]?.array ?? []
            #expect(!recipients.isEmpty)
            for g in recipients {
                #expect(links[student]?.contains(g["guardianId"]?.string ?? "") == true, "R8: \(g) is not linked to \(student)")
                if let s = g["snils"], !s.isNull { #expect(s.string?.count == 11 && s.string!.allSatisfy(\.isNumber)) }
            }
            #expect(e["occurredAt"]?.string?.hasSuffix("+04:00") == true)
            // R1: the 1А pupils get attendance only.
            if student.hasPrefix("stu-01-") { #expect(e["type"]?.string == "attendance.absent") }
        }
        #expect(types["mark.created"] == 108)
        #expect(types["homework.set"] == 268)
        #expect(types["attendance.absent"] == 14)
        #expect(types["final_mark.set"] == 1)
        #expect((types["forecast.set"] ?? 0) > 0)
        let mark = try #require(events.first { $0["eventId"]?.string == DiaryEvent.id(kind: "mark", key: "mk-5А-2026-09-07-1-05-1008-answer|stu-05-1008", seq: $0["seq"]?.int ?? 0) })
        #expect(pairs(mark["payload"]).map(\.0) == ["date", "lesson", "subject", "work", "value", "weight", "teacher"])
        #expect(mark["payload"]?["subject"]?.string == "Математика")
        #expect(mark["payload"]?["work"]?.string == "Ответ на уроке")
        #expect(mark["payload"]?["teacher"]?.string == "Ковалёва Н. П.")
        #expect(mark["student"]?["name"]?.string == "Соколова Варвара")
        // Nothing left: the next run plans nothing.
        let again = cli(["feed", "diary", "--out", out, "--json"], store: path)
        #expect(try JSON.parse(again.out)["planned"]?["events"]?.int == 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func theSameChangesGiveTheSameIDs(_ backend: StoreBackend) throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let a = try deliver(try sampleStore(dir, backend, name: "a.sqlite")).0.events.compactMap { $0["eventId"]?.string }
        let b = try deliver(try sampleStore(dir, backend, name: "b.sqlite"), batchSize: 7).0.events.compactMap { $0["eventId"]?.string }
        #expect(a.count == 401)
        #expect(a == b)
        #expect(Set(a).count == a.count)
    }

    @Test(arguments: StoreBackend.allCases)
    func laterDeliveriesCarryTheChanges(_ backend: StoreBackend) throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let path = try sampleStore(dir, backend)
        _ = try deliver(path)
        let today = try JournalStore.open(at: path).today
        try importLines([
            #"{"type": "mark", "id": "mk-5А-2026-09-07-1-05-1008-answer", "lesson": "les-5А-2026-09-07-1", "student": "stu-05-1008", "work_type": "wt-answer", "value": "3", "point": false, "weight": 1}"#,
            #"{"type": "mark", "id": "mk-5А-2026-09-07-1-05-1010-answer", "deleted": true}"#,
            #"{"type": "attendance", "id": "at-1А-2026-09-07-2-01-1003", "lesson": "les-1А-2026-09-07-2", "student": "stu-01-1003", "kind": "absent", "reason": "Б"}"#,
            #"{"type": "attendance", "id": "at-9А-2026-09-07-4-09-1021", "deleted": true}"#,
            #"{"type": "final_mark", "id": "fm-2", "student": "stu-05-1011", "subject": "sub-math", "period": "p-2026-1", "value": "5"}"#,
            #"{"type": "lesson", "id": "les-5Б-2026-09-07-1", "class": "cls-5Б", "subject": "sub-rus", "date": "2026-09-07", "number": 1, "teacher": "t-304", "substitute": "t-301", "topic": "Повторение: орфограммы"}"#,
        ], store: path, dir: dir)
        // R12: set today, in the very next run.
        let ageBefore = try #require(try JSON.parse(cli(["status", "--json"], store: path).out)["diary_oldest_undelivered_age_s"]?.int)
        #expect(ageBefore >= 0)
        let (sink, summary) = try deliver(path)
        #expect(summary.firstDelivery == false)
        let byType = Dictionary(grouping: sink.events) { $0["type"]!.string! }
        let changed = try #require(byType["mark.changed"]?.first)
        #expect(changed["payload"]?["value"]?.string == "3")
        #expect(changed["payload"]?["previous"]?.string == "4")
        #expect(byType["mark.deleted"]?.first?["payload"]?["value"]?.string == "4")
        #expect(byType["attendance.absent"]?.first?["payload"]?["reason"]?.string == "по болезни")
        #expect(byType["attendance.cleared"]?.first?["student"]?["id"]?.string == "stu-09-1021")
        let final = try #require(byType["final_mark.set"]?.first)
        #expect(final["payload"]?["value"]?.string == "5")
        #expect(final["occurredAt"]?.string?.hasPrefix(today.description) == true)
        let lessonEvents = byType["lesson.changed"] ?? []
        #expect(lessonEvents.count == 6)
        #expect(lessonEvents.allSatisfy { $0["payload"]?["change"]?.string == "замена учителя" && $0["payload"]?["teacher"]?.string == "Ковалёва Н. П." })
        #expect(try JSON.parse(cli(["status", "--json"], store: path).out)["diary_oldest_undelivered_age_s"] == .null)
        #expect(cli(["status"], store: path).out.contains("Diary feed: nothing waiting"))
    }

    @Test(arguments: StoreBackend.allCases)
    func aForecastMovedTodayGoesOutInTheNextRun(_ backend: StoreBackend) throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let path = try sampleStore(dir, backend)
        _ = try deliver(path)
        let store = try JournalStore.open(at: path)
        let before = try store.diaryForecast(student: "stu-05-1016", subject: "sub-math", period: "p-2026-1") ?? nil
        try #require(before != nil && before != "1" && before != "2", "the sample's forecast: \(before ?? "none")")
        try importLines([
            #"{"type": "mark", "id": "mk-extra-1", "lesson": "les-5Б-2026-09-08-2", "student": "stu-05-1016", "work_type": "wt-test", "value": "1", "point": false, "weight": 3}"#,
            #"{"type": "mark", "id": "mk-extra-2", "lesson": "les-5Б-2026-09-09-2", "student": "stu-05-1016", "work_type": "wt-test", "value": "1", "point": false, "weight": 3}"#,
        ], store: path, dir: dir)
        let (sink, _) = try deliver(path)
        let forecast = try #require(sink.events.first { $0["type"]?.string == "forecast.set" })
        let period = try #require(store.record(.period, id: "p-2026-1"))
        let expected = Forecast.value(try Forecast.marks(store, student: "stu-05-1016", subject: "sub-math", period: period))
        #expect(forecast["payload"]?["value"]?.string == expected.map(String.init))
        #expect(forecast["payload"]?["value"]?.string != before)
        #expect(forecast["payload"]?["subject"]?.string == "Математика")
        #expect(forecast["payload"]?["period"]?.string == "1 четверть")
        #expect(forecast["occurredAt"]?.string?.hasPrefix(store.today.description) == true)
        #expect(sink.events.filter { $0["type"]?.string == "mark.created" }.count == 2)
    }

    @Test(arguments: StoreBackend.allCases)
    func aWithdrawnStudentsGuardiansGetNothingAfterTheDate(_ backend: StoreBackend) throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let path = try sampleStore(dir, backend)
        try importLines([
            #"{"type": "student", "id": "stu-05-1008", "file_number": "05-1008", "surname": "Соколова", "name": "Варвара", "patronymic": "Дмитриевна", "birth_date": "2015-07-21", "snils": "10006410159", "gender": "Ж", "class": "cls-5А", "status": "withdrawn"}"#,
            #"{"type": "movement", "id": "mv-1008-w", "student": "stu-05-1008", "kind": "withdrawal", "date": "2026-09-08", "from_class": "5А"}"#,
        ], store: path, dir: dir)
        let (sink, summary) = try deliver(path)
        let hers = sink.events.filter { $0["student"]?["id"]?.string == "stu-05-1008" }
        #expect(!hers.isEmpty)
        #expect(hers.allSatisfy { ($0["payload"]?["date"]?.string ?? "") <= "2026-09-08" })
        #expect(summary.plan.skippedWithdrawn > 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func dryRunLeavesTheStoreAsItWas(_ backend: StoreBackend) throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let path = try sampleStore(dir, backend)
        let r = cli(["feed", "diary", "--out", dir.path("x"), "--school-id", "63-0002", "--dry-run", "--json"], store: path)
        #expect(r.code == 0)
        #expect(try JSON.parse(r.out)["planned"]?["events"]?.int == 401)
        let store = try JournalStore.open(at: path)
        #expect(try DiaryOutbox.state(store) == nil)
        #expect(!FileManager.default.fileExists(atPath: dir.path("x/batch-000001.json")))
    }

    @Test func theForecastRule() {
        #expect(Forecast.value([(5, 1), (4, 1)]) == nil)
        #expect(Forecast.value([(5, 1), (4, 1), (4, 1)]) == 4)        // 4.33
        #expect(Forecast.value([(5, 1), (5, 1), (4, 1), (4, 1)]) == 5) // 4.5 rounds up
        #expect(Forecast.value([(5, 2), (3, 1), (4, 1)]) == 4)        // 17/4 = 4.25
        #expect(Forecast.value([(3, 1), (2, 1), (3, 1), (2, 1)]) == 3) // 2.5 rounds up
        #expect(Forecast.value([(5, 0), (2, 1), (2, 1), (3, 1)]) == 2) // weight 0 does not count
        #expect(Forecast.mean([(5, 2), (3, 1), (4, 1)]) == 4.25)
    }

    @Test func isoWeeks() {
        #expect(ISOWeek.monday("2026-W37") == CivilDate(year: 2026, month: 9, day: 7))
        #expect(ISOWeek.monday("2026-W01") == CivilDate(year: 2025, month: 12, day: 29))
        #expect(ISOWeek.monday("2026-W53") == CivilDate(year: 2026, month: 12, day: 28))
        #expect(ISOWeek.monday("2025-W53") == nil)
        #expect(ISOWeek.monday("2026-37") == nil)
        #expect(ISOWeek.name(of: CivilDate(year: 2026, month: 9, day: 13)!) == "2026-W37")
        #expect(ISOWeek.name(of: CivilDate(year: 2027, month: 1, day: 1)!) == "2026-W53")
    }

    @Test func russianTimesAndNames() {
        #expect(DiaryTexts.localTimestamp("2026-09-07T06:41:00.123Z", zone: TimeZone(identifier: "Europe/Samara")!) == "2026-09-07T10:41:00+04:00")
        #expect(DiaryTexts.localTimestamp("2026-09-07T22:30:00.000Z", zone: TimeZone(identifier: "Europe/Samara")!) == "2026-09-08T02:30:00+04:00")
        #expect(DiaryTexts.shortName(surname: "Ковалёва", name: "Наталья", patronymic: "Петровна") == "Ковалёва Н. П.")
        #expect(DiaryTexts.longDate(CivilDate(year: 2026, month: 9, day: 7)!) == "7 сентября 2026 г.")
    }
}
