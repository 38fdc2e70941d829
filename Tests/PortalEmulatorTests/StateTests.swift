import Foundation
import JournalModel
import Testing
@testable import PortalEmulator
import TestSupport

/// The sample seed, the ready line, stats, persistence and seed errors.
struct StateTests {
    @Test func sampleSeedIsARealisticSamaraSchool() throws {
        let p = try PortalState.load(seedDirectory: sampleSeed)
        #expect(p.config.schoolID == "63-0002" && p.config.timeZone == "Europe/Samara")
        #expect(p.config.classes.map(\.name) == ["1А", "5А", "5Б", "9А"])
        // СНИЛС checksums (students and parents); no lesson after 22 November 2026 (R2).
        let numbers = p.students.values.compactMap(\.snils) + p.parents.values.compactMap(\.snils)
        #expect(numbers.count > 40 && numbers.allSatisfy { Snils.digits($0).map(Snils.checksumValid) == true })
        #expect(p.lessons.values.allSatisfy { $0.date <= CivilDate(year: 2026, month: 11, day: 22)! && $0.date.month == 9 })
        // Grade 1: lessons and attendance, no assignments (R1).
        let firstA = p.lessons.values.filter { $0.classId == 101 }
        #expect(!firstA.isEmpty && firstA.allSatisfy { $0.assignmentIds.isEmpty })
        // Subgroups, a substitution, absences with and without a reason, a «точка», pass/fail, ё.
        #expect(p.lessons.values.contains { $0.groupId == 8801 } && p.lessons.values.contains { $0.groupId == 8802 })
        #expect(p.lessons.values.contains { $0.substituteTeacherId != nil })
        let absences = p.lessons.values.flatMap(\.attendance.values)
        #expect(absences.contains { $0.reason == nil && $0.code == "Н" } && absences.contains { $0.reason == "Б" } && absences.contains { $0.code == "ОП" })
        let marks = p.assignments.values.flatMap(\.marks.values)
        #expect(marks.contains { $0.duty } && marks.contains { $0.value == "зач" })
        #expect(p.students.values.contains { $0.lastName.contains("ё") || $0.firstName.contains("ё") })
        #expect(p.finalMarks.keys.allSatisfy { $0.termId == 11 } && p.finalMarks.count == 34)
        #expect(p.latestVer == 1086)
    }

    @Test func readyLineAndStatsShape() throws {
        let e = try startEmulator()
        defer { e.stop() }
        #expect(e.readyLine == "url=http://127.0.0.1:\(e.port) school-id=63-0002 login=kovaleva.np password=Журнал2026")
        let stats = try control(e, "GET", "/_emulator/stats")
        #expect(stats.serialized() == #"{"objects":{"student":26,"lesson":224,"assignment":351,"mark":418,"attendance":33,"finalmark":34},"operations_applied":0,"idempotent_replays":0,"faults_injected":0}"#)
        #expect(try control(e, "GET", "/_emulator/state")["runtime"]?["latestVer"]?.int == 1086)
    }

    @Test func restartedEmulatorContinuesFromItsStateDirectory() throws {
        let dir = try TempDir()
        var e = try startEmulator { $0.stateDir = dir.path }
        var c = PortalClient(e)
        let op = [obj(["op": "upsertMark", "key": "m", "classmeetingId": 777068, "assignmentId": 555099, "studentId": 9011,
                       "mark": "5", "baseVer": nil])]
        let first = try c.batch(op, key: "persist-1").text
        let before = e.stateDocument()
        e.stop()

        // The seed directory is not even read: the state file is.
        e = try startEmulator { $0.stateDir = dir.path; $0.seedDir = "/nonexistent" }
        defer { e.stop() }
        c = PortalClient(e)
        #expect(e.stateDocument() == before)
        #expect(try c.batch(op, key: "persist-1").text == first)  // the key survived the restart
        #expect(e.stats()["operations_applied"]?.int == 1 && e.stats()["idempotent_replays"]?.int == 1)
        let next = try c.batch([obj(["op": "upsertAttendance", "key": "a", "classmeetingId": 777068, "studentId": 9011,
                                     "code": "ОП", "baseVer": nil])], key: "persist-2")
        #expect(next.json["results"]!.array![0]["ver"]?.int == 1088)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/state.json.tmp"))
    }

    @Test func portalSideEditsAppearInTheFeed() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let edits = try control(e, "POST", "/_emulator/edit", body: .object([("operations", .array([
            obj(["op": "upsertLesson", "classmeetingId": 777068, "lessonTheme": "Натуральные числа и шкалы"]),
            obj(["op": "upsertAttendance", "classmeetingId": 777068, "studentId": 9009, "code": "Н", "reason": "УП"]),
            obj(["op": "editStudent", "id": 9012, "lastName": "Римская-Корсакова", "firstName": "Алиса", "middleName": "Андреевна"]),
            obj(["op": "upsertMark", "classmeetingId": 777068, "assignmentId": 555099, "studentId": 9008, "mark": "5", "baseVer": 1]),
        ]))]))
        let results = edits["results"]!.array!
        #expect(results.map { $0["status"]!.string! } == ["applied", "applied", "applied", "conflict"])
        let c = PortalClient(e)
        let items = try c.get("/webapi/changes?since=1086")["items"]!.array!
        #expect(items.map { $0["kind"]!.string! } == ["lesson", "attendance", "student"])
        #expect(items[0]["data"]?["lessonTheme"]?.string == "Натуральные числа и шкалы")
        #expect(items[2]["data"]?["classId"]?.int == 501)
        #expect(e.stats()["operations_applied"]?.int == 0)  // counts client batches only
    }

    @Test func seedErrorsNameTheFileAndTheField() throws {
        let dir = try TempDir()
        for f in ["school.json", "students.json", "lessons.json", "finalmarks.json"] {
            try FileManager.default.copyItem(atPath: sampleSeed + "/" + f, toPath: dir.path + "/" + f)
        }
        let lessons = dir.path + "/lessons.json"
        let text = try String(contentsOfFile: lessons, encoding: .utf8)
        try text.replacingOccurrences(of: "\"lessonTheme\": \"Натуральные числа\"", with: "\"lessonTopic\": \"Натуральные числа\"")
            .write(toFile: lessons, atomically: true, encoding: .utf8)
        let error = #expect(throws: EmulatorError.self) { try startEmulator { $0.seedDir = dir.path } }
        #expect(error?.message.hasPrefix("lessons.json: lessons[") == true)
        #expect(error?.message.contains("unknown field «lessonTopic»") == true)

        try "[{\"studentId\": 9022, \"subjectId\": 77, \"termId\": 11, \"mark\": \"н/а\"}]".write(toFile: dir.path + "/finalmarks.json", atomically: true, encoding: .utf8)
        try text.write(toFile: lessons, atomically: true, encoding: .utf8)
        let r3 = #expect(throws: EmulatorError.self) { try startEmulator { $0.seedDir = dir.path } }
        #expect(r3?.message.contains("R3") == true)

        try "{\"schoolId\": ".write(toFile: dir.path + "/school.json", atomically: true, encoding: .utf8)
        let syntax = #expect(throws: EmulatorError.self) { try startEmulator { $0.seedDir = dir.path } }
        #expect(syntax?.message.hasPrefix(dir.path + "/school.json:1:") == true)
    }

    /// Two runs that create the same lessons in a different order differ in ids and vers, not in content.
    @Test func contentViewIgnoresIdsAndVers() throws {
        let lessons = [
            obj(["op": "upsertLesson", "key": "a", "classId": 501, "date": "2026-11-20", "number": 5, "subjectId": 73, "teacherId": 304,
                 "lessonTheme": "Сказки", "baseVer": nil]),
            obj(["op": "upsertLesson", "key": "b", "classId": 502, "date": "2026-11-20", "number": 5, "subjectId": 73, "teacherId": 304,
                 "lessonTheme": "Басни", "baseVer": nil]),
        ]
        let one = try startEmulator(), two = try startEmulator()
        defer { one.stop(); two.stop() }
        _ = try PortalClient(one).batch(lessons, key: "x")
        _ = try PortalClient(two).batch(lessons.reversed(), key: "x")
        #expect(one.stateDocument() != two.stateDocument())
        #expect(one.stateDocument(content: true) == two.stateDocument(content: true))
        #expect(try control(one, "GET", "/_emulator/state?view=content") == one.stateDocument(content: true))
    }

    @Test func expireSessionsAndWaitUntilStopped() throws {
        let e = try startEmulator()
        let c = PortalClient(e)
        try c.login()
        #expect(try control(e, "POST", "/_emulator/expire-sessions")["ended"]?.int == 1)
        #expect(try c.raw.send("GET", "/webapi/terms", headers: ["at": c.token!]).status == 401)
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread { e.waitUntilStopped(); stopped.signal() }
        #expect(stopped.wait(timeout: .now() + 0.1) == .timedOut)
        e.stop()
        #expect(stopped.wait(timeout: .now() + 5) == .success)
    }
}
