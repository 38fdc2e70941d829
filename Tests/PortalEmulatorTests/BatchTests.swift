import Foundation
import JournalModel
import Testing
@testable import PortalEmulator

/// `journal/batch`: applied, conflict, rejected, idempotent replay, limits.
struct BatchTests {
    @Test func newLessonWithHomeworkMarkAndAttendance() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        let before = try c.get("/webapi/changes?since=0&limit=1")["latest"]!.int!
        var r = try c.batch([obj(["op": "upsertLesson", "key": "L-1", "classId": 501, "date": "2026-11-20T00:00:00", "number": 2,
                                  "subjectId": 71, "groupId": nil, "teacherId": 301, "lessonTheme": "Десятичные дроби", "baseVer": nil])],
                            key: "k-lesson")
        let lesson = r.json["results"]!.array![0]
        #expect(lesson["status"]?.string == "applied" && lesson["ver"]?.int == before + 1)
        let lessonId = try #require(lesson["id"]?.int)
        r = try c.batch([obj(["op": "upsertAssignment", "key": "H-1", "classmeetingId": lessonId, "typeId": 3,
                              "assignmentName": "№ 512, 514", "weight": 0, "dueDate": "2026-11-23T00:00:00", "baseVer": nil]),
                         obj(["op": "upsertAssignment", "key": "A-1", "classmeetingId": lessonId, "typeId": 1,
                              "assignmentName": "Десятичные дроби", "weight": 1, "baseVer": nil])], key: "k-assign")
        let answerId = try #require(r.json["results"]!.array![1]["id"]?.int)
        r = try c.batch([obj(["op": "upsertMark", "key": "M-1", "classmeetingId": lessonId, "assignmentId": answerId,
                              "studentId": 9008, "mark": "4", "baseVer": nil]),
                         obj(["op": "upsertMark", "key": "M-2", "classmeetingId": lessonId, "assignmentId": answerId,
                              "studentId": 9009, "dutyMark": true, "baseVer": nil]),
                         obj(["op": "upsertAttendance", "key": "A-2", "classmeetingId": lessonId, "studentId": 9010,
                              "code": "Н", "reason": nil, "baseVer": nil])], key: "k-marks")
        #expect(r.json["results"]!.array!.map { $0["status"]!.string! } == ["applied", "applied", "applied"])
        #expect(r.json["results"]!.array![0]["id"]?.int == answerId)

        let page = try c.get("/webapi/journal?classId=501&weekStart=2026-11-16")
        let l = page["weekDays"]!.array![0]["lessons"]!.array![0]
        #expect(l["classmeetingId"]?.int == lessonId && l["startTime"]?.string == "09:20")
        #expect(l["assignments"]!.array!.count == 2 && l["attendance"]!.array!.count == 1)
        #expect(e.stats()["operations_applied"]?.int == 6)
    }

    @Test func staleBaseVerIsAConflictWithTheCurrentObject() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        let ver = try markVer(c, 777068, 555099, 9008)
        // The portal's teacher changes the mark first.
        let edited = e.edit([obj(["op": "upsertMark", "classmeetingId": 777068, "assignmentId": 555099, "studentId": 9008, "mark": "3"])])
        #expect(edited["results"]!.array![0]["status"]?.string == "applied")
        let r = try c.batch([obj(["op": "upsertMark", "key": "M-9", "classmeetingId": 777068, "assignmentId": 555099,
                                  "studentId": 9008, "mark": "5", "baseVer": ver]),
                             obj(["op": "upsertMark", "key": "M-10", "classmeetingId": 777068, "assignmentId": 555099,
                                  "studentId": 9011, "mark": "5", "baseVer": 12])], key: "k-conflict")
        let results = r.json["results"]!.array!
        #expect(results[0]["status"]?.string == "conflict")
        let current = results[0]["current"]!
        #expect(current["mark"]?.string == "3" && current["ver"]?.int == edited["results"]!.array![0]["ver"]?.int)
        #expect(current["assignmentId"]?.int == 555099 && current["classmeetingId"]?.int == 777068)
        // baseVer given for an object that does not exist: conflict with current null.
        #expect(results[1]["status"]?.string == "conflict" && results[1]["current"] == .null)
        #expect(try markVer(c, 777068, 555099, 9008) != ver)
        #expect(e.stats()["operations_applied"]?.int == 0)
        // A new object that already exists (baseVer null): conflict too.
        let again = try c.batch([obj(["op": "upsertLesson", "key": "L", "classId": 501, "date": "2026-09-07", "number": 1,
                                      "subjectId": 71, "teacherId": 301, "baseVer": nil])], key: "k-exists")
        #expect(again.json["results"]!.array![0]["current"]?["classmeetingId"]?.int == 777068)
    }

    @Test func rejectedOperationsSayWhyInRussian() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        let ops: [JSON] = [
            obj(["op": "upsertMark", "key": "r1", "classmeetingId": 999_999, "assignmentId": 555099, "studentId": 9008, "mark": "5", "baseVer": nil]),
            obj(["op": "upsertMark", "key": "r2", "classmeetingId": 777068, "assignmentId": 555099, "studentId": 9011, "mark": "н/а", "baseVer": nil]),
            obj(["op": "upsertAssignment", "key": "r3", "classmeetingId": 777065, "typeId": 1, "assignmentName": "Счёт", "baseVer": nil]),
            obj(["op": "upsertLesson", "key": "r4", "classId": 501, "date": "2026-11-23", "number": 1, "subjectId": 71, "teacherId": 301, "baseVer": nil]),
            obj(["op": "upsertMark", "key": "r5", "classmeetingId": 777070, "assignmentId": 555103, "studentId": 9012, "mark": "5", "baseVer": nil]),
            obj(["op": "upsertFinalMark", "key": "r6", "studentId": 9022, "subjectId": 71, "termId": 12, "mark": "осв", "baseVer": nil]),
            obj(["op": "upsertAttendance", "key": "r7", "classmeetingId": 777068, "studentId": 9008, "code": "Б", "baseVer": nil]),
            obj(["op": "renameSchool", "key": "r8"]),
            obj(["op": "upsertMark", "key": "r9", "classmeetingId": 777068, "assignmentId": 555100, "studentId": 9008, "mark": "5", "baseVer": nil]),
            obj(["op": "deleteAssignment", "key": "r10", "assignmentId": 555099, "baseVer": try assignmentVer(e, 555099)]),
        ]
        let results = try c.batch(ops, key: "k-rejected").json["results"]!.array!
        #expect(results.allSatisfy { $0["status"]?.string == "rejected" })
        let messages = results.map { $0["message"]!.string! }
        #expect(messages[0] == "Урок 999999 не найден")
        #expect(messages[1] == "Недопустимое значение отметки «н/а»")
        #expect(messages[2].contains("В 1 классе"))
        #expect(messages[3].contains("заранее"))
        #expect(messages[4].contains("не входит в группу"))
        #expect(messages[5] == "Итоговая отметка не может быть «осв»")
        #expect(messages[6].contains("Недопустимый код посещаемости"))
        #expect(messages[7] == "Неизвестная операция «renameSchool»")
        #expect(messages[8].contains("не относится к уроку"))
        #expect(messages[9].contains("выставлены отметки"))
        #expect(results.map { $0["key"]!.string! } == (1...10).map { "r\($0)" })
        #expect(e.stats()["operations_applied"]?.int == 0)
    }

    /// formats/asu-rso.md lists no operation that removes an absence: a client's
    /// `deleteAttendance` is an unknown operation unless the emulator runs with extensions.
    @Test func deleteAttendanceIsNotADocumentedOperation() throws {
        let op = [obj(["op": "deleteAttendance", "key": "a1", "classmeetingId": 777001, "studentId": 9002, "baseVer": nil])]
        let strict = try startEmulator()
        defer { strict.stop() }
        let r = try PortalClient(strict).batch(op, key: "k-del-att").json["results"]?.array?.first
        #expect(r?["status"]?.string == "rejected" && r?["message"]?.string == "Неизвестная операция «deleteAttendance»")
        #expect(strict.stats()["operations_applied"]?.int == 0)
    }

    @Test func sameIdempotencyKeyTwiceAppliesOnceAndReplaysTheAnswer() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        let ops = [obj(["op": "upsertMark", "key": "M-1", "classmeetingId": 777068, "assignmentId": 555099, "studentId": 9011,
                        "mark": "5", "baseVer": nil])]
        let first = try c.batch(ops, key: "night-2026-11-22-0001")
        let second = try c.batch(ops, key: "night-2026-11-22-0001")
        #expect(first.text == second.text)
        #expect(second.headers["Idempotent-Replay"] == nil, "a header the document does not have: only with extensions")
        let stats = e.stats()
        #expect(stats["operations_applied"]?.int == 1 && stats["idempotent_replays"]?.int == 1)
        // A fresh key for the same operation now conflicts (the mark exists): nothing was applied twice.
        let third = try c.batch(ops, key: "night-2026-11-22-0002")
        #expect(third.json["results"]!.array![0]["status"]?.string == "conflict")
        #expect(e.stats()["operations_applied"]?.int == 1)
        // The same key with another body still replays, and is counted as a client bug.
        _ = try c.batch([obj(["op": "deleteMark", "key": "other", "classmeetingId": 777068, "assignmentId": 555099, "studentId": 9011])],
                        key: "night-2026-11-22-0001")
        let idem = try control(e, "GET", "/_emulator/idempotency")
        #expect(idem["keys"]?.int == 2 && idem["replays"]?.int == 2 && idem["mismatched_replays"]?.int == 1)
    }

    @Test func limitsAndMalformedRequests() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        let many = (0..<201).map { obj(["op": "deleteMark", "key": "k\($0)", "classmeetingId": 1, "assignmentId": 1, "studentId": 1]) }
        #expect(try c.batch(many, key: "too-many").status == 413)
        #expect(try c.batch(Array(many.prefix(200)), key: "two-hundred").status == 200)
        #expect(try c.batch([obj(["op": "deleteMark"])], key: "no-op-key").status == 400)
        let noKey = try c.request("POST", "/webapi/journal/batch", body: Array(#"{"operations":[]}"#.utf8))
        #expect(noKey.status == 400 && noKey.json["message"]?.string == "Не указан заголовок Idempotency-Key")
        #expect(try c.request("POST", "/webapi/journal/batch", headers: ["Idempotency-Key": "x"], body: Array("[1,".utf8)).status == 400)
    }

    @Test func deletesAndFinalMarks() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        let v = try markVer(c, 777068, 555099, 9008)
        var results = try c.batch([
            obj(["op": "deleteMark", "key": "d1", "classmeetingId": 777068, "assignmentId": 555099, "studentId": 9008, "baseVer": v]),
            obj(["op": "deleteMark", "key": "d2", "classmeetingId": 777068, "assignmentId": 555099, "studentId": 9008, "baseVer": v]),
            obj(["op": "upsertFinalMark", "key": "f1", "studentId": 9022, "subjectId": 73, "termId": 11, "mark": "5", "baseVer": nil]),
            obj(["op": "deleteAssignment", "key": "d3", "assignmentId": 555098, "classmeetingId": 777068, "baseVer": try assignmentVer(e, 555098)]),
        ], key: "k-del").json["results"]!.array!
        #expect(results.map { $0["status"]!.string! } == ["applied", "conflict", "applied", "applied"])
        #expect(results[1]["current"] == .null)
        results = try c.batch([obj(["op": "deleteAssignment", "key": "d4", "assignmentId": 555098, "baseVer": 5])], key: "k-del2")
            .json["results"]!.array!
        #expect(results[0]["status"]?.string == "conflict")
        let finals = try c.get("/webapi/finalmarks?classId=901&termId=11").array!
        #expect(finals.contains { $0["subjectId"]?.int == 73 && $0["studentId"]?.int == 9022 })
        let deletes = try FeedTests.pull(c, since: 1086, limit: 500).items.filter { $0["op"]?.string == "delete" }
        #expect(deletes.map { $0["kind"]!.string! } == ["mark", "assignment"])
        #expect(deletes[1]["data"]?.serialized() == #"{"id":555098,"classMeetingId":777068}"#)
    }
}

func assignmentVer(_ e: RunningEmulator, _ id: Int) throws -> Int {
    let lessons = e.stateDocument()["lessons"]!.array!
    for l in lessons { for a in l["assignments"]!.array! where a["id"]?.int == id { return a["ver"]!.int! } }
    throw RawClientError.closed
}
