import Foundation
import JournalModel
import Testing
@testable import PortalEmulator

struct EPOSWriteTests {
    @Test func aSecondCreateWithTheSameExternalIDAnswers409WithTheID() throws {
        let e = try startEPOS()
        defer { e.stop() }
        let c = try EPOSClient(e)
        let body = newMark("jg:mark:1")
        let created = try c.send("POST", "/core/api/marks", body)
        #expect(created.status == 201)
        let id = try #require(created.json["id"]?.string)
        #expect(id == "mk-5113" && created.headers["ETag"]?.hasPrefix("\"") == true && created.headers["Location"] == "/core/api/marks/\(id)")
        #expect(created.json["external_id"]?.string == "jg:mark:1" && created.json["weight"]?.int == 1 && created.json["is_point"] == .bool(false))
        #expect(created.json["values"]?.array?.first?["grade"]?["five"]?.int == 5)
        #expect(created.json["deleted_at"] == .null && created.json["updated_at"]?.string == "2026-11-22T21:00:00.000+05:00")

        let again = try c.send("POST", "/core/api/marks", body)
        #expect(again.status == 409 && again.json == obj(["error": "duplicate_external_id", "id": id]))
        let other = try c.send("POST", "/core/api/marks", newMark("jg:mark:1", value: "3"))
        #expect(other.status == 409 && other.json["id"]?.string == id)
        let stats = e.stats()
        #expect(stats["duplicate_external_ids"]?.int == 2 && stats["idempotent_replays"]?.int == 1)
        #expect(stats["operations_applied"]?.int == 1 && stats["objects"]?["mark"]?.int == 112)

        let missing = try c.send("POST", "/core/api/marks", newMark(nil))
        #expect(missing.status == 422 && missing.json["details"] == .array([obj(["field": "external_id", "message": "обязательное поле"])]))
    }

    @Test func aStaleIfMatchAnswers412AndTheFreshETagWorks() throws {
        let e = try startEPOS()
        defer { e.stop() }
        let c = try EPOSClient(e)
        let created = try c.send("POST", "/core/api/marks", newMark("jg:mark:2"))
        let id = created.json["id"]!.string!
        let etag1 = try #require(created.headers["ETag"])
        let first = try c.send("PUT", "/core/api/marks/\(id)", obj(["value": "4"]), headers: ["If-Match": etag1])
        #expect(first.status == 200 && first.json["value"]?.string == "4")
        let etag2 = try #require(first.headers["ETag"])
        #expect(etag2 != etag1)

        let stale = try c.send("PUT", "/core/api/marks/\(id)", obj(["value": "3"]), headers: ["If-Match": etag1])
        #expect(stale.status == 412 && stale.json == obj(["error": "precondition_failed"]))
        // Fetch, merge, retry.
        let fetched = try c.get("/core/api/marks/\(id)")
        #expect(fetched.headers["ETag"] == etag2 && fetched.json["value"]?.string == "4")
        var merged = fetched.json
        if case .object(var pairs) = merged {
            pairs = pairs.map { $0.0 == "value" ? ("value", .string("3")) : $0 }
            merged = .object(pairs)
        }
        let retried = try c.send("PUT", "/core/api/marks/\(id)", merged, headers: ["If-Match": etag2])
        #expect(retried.status == 200 && retried.json["value"]?.string == "3" && retried.headers["ETag"] != etag2)
        // Sending back what was fetched changes nothing: same ETag, same updated_at.
        let same = try c.send("PUT", "/core/api/marks/\(id)", retried.json, headers: ["If-Match": retried.headers["ETag"]!])
        #expect(same.status == 200 && same.headers["ETag"] == retried.headers["ETag"] && same.json["updated_at"] == retried.json["updated_at"])

        #expect(try c.send("PUT", "/core/api/marks/\(id)", obj(["value": "5"])).status == 428)
        #expect(try c.send("PUT", "/core/api/marks/mk-0", obj(["value": "5"]), headers: ["If-Match": "*"]).status == 404)
        let stats = e.stats()
        #expect(stats["precondition_failures"]?.int == 1 && stats["operations_applied"]?.int == 4)
    }

    @Test func aSoftDeleteShowsInLaterPulls() throws {
        let e = try startEPOS()
        defer { e.stop() }
        let c = try EPOSClient(e)
        let mark = try c.get("/core/api/marks/mk-5001")
        let deleted = try c.send("DELETE", "/core/api/marks/mk-5001", headers: ["If-Match": mark.headers["ETag"]!])
        #expect(deleted.status == 204 && deleted.body.isEmpty && deleted.headers["Content-Length"] == nil)
        // The next incremental pull (from the last run's high-water mark) sees the tombstone.
        let pulled = try c.get("/core/api/marks?class_unit_id=cu-5a&updated_at_from=\(q("2026-11-01T00:00:00.000+05:00"))").json.array ?? []
        #expect(pulled.count == 1)
        let row = try #require(pulled.first)
        #expect(row["id"]?.string == "mk-5001" && row["value"]?.string == "4")
        #expect(row["deleted_at"]?.string == "2026-11-22T21:00:00.000+05:00" && row["updated_at"] == row["deleted_at"])
        // The seed's own deleted mark is listed too.
        let seedDeleted = try c.get("/core/api/marks?class_unit_id=cu-5b&from=2026-09-09&to=2026-09-09").json.array ?? []
        #expect(seedDeleted.contains { $0["id"]?.string == "mk-5112" && $0["deleted_at"]?.string == "2026-09-09T17:05:12.345+05:00" })
        #expect(e.stats()["objects"]?["mark"]?.int == 110)

        let fetched = try c.get("/core/api/marks/mk-5001")
        #expect(try c.send("PUT", "/core/api/marks/mk-5001", obj(["value": "2"]), headers: ["If-Match": fetched.headers["ETag"]!]).status == 410)
        #expect(try c.send("DELETE", "/core/api/marks/mk-5001", headers: ["If-Match": fetched.headers["ETag"]!]).status == 204)
        #expect(try c.send("DELETE", "/core/api/marks/mk-5001", headers: ["If-Match": mark.headers["ETag"]!]).status == 412)
        // A lesson with marks is not deleted; an empty one is.
        let lesson = try c.get("/core/api/schedule_items/si-1004")
        let refused = try c.send("DELETE", "/core/api/schedule_items/si-1004", headers: ["If-Match": lesson.headers["ETag"]!])
        #expect(refused.status == 422 && refused.json["details"]?.array?.first?["field"]?.string == "id")
    }

    @Test func validationFailuresListEveryProblem() throws {
        let e = try startEPOS()
        defer { e.stop() }
        let c = try EPOSClient(e)
        func details(_ r: RawResponse) -> [String] {
            #expect(r.status == 422 && r.json["error"]?.string == "validation")
            return (r.json["details"]?.array ?? []).map { "\($0["field"]?.string ?? ""): \($0["message"]?.string ?? "")" }
        }
        let many = details(try c.send("POST", "/core/api/marks", obj(["student_id": "st-4007", "schedule_item_id": "si-1004",
                                                                     "control_form_id": "cf-11", "value": "6", "weight": 20,
                                                                     "colour": "red", "external_id": "x1"])))
        #expect(many.count == 3 && many.contains { $0.hasPrefix("value: «6» не отметка") } && many.contains { $0.hasPrefix("colour:") }
                && many.contains { $0.hasPrefix("weight:") })
        let refs = details(try c.send("POST", "/core/api/marks", newMark("x2", student: "st-9999", form: "cf-99")))
        #expect(refs.count == 2 && refs.allSatisfy { $0.contains("нет такого идентификатора") })
        // Pupil of 5-Б in a 5-А lesson; a Russian-language control form in mathematics.
        let wrong = details(try c.send("POST", "/core/api/marks", newMark("x3", student: "st-4015", form: "cf-21")))
        #expect(wrong.count == 2 && wrong.contains { $0.hasPrefix("student_id: ученик st-4015 не из класса 5-А") }
                && wrong.contains { $0.hasPrefix("control_form_id:") })
        // R1: no marks in grade 1 (si-1001: 1-А, 7 September).
        let r1 = details(try c.send("POST", "/core/api/marks", newMark("x4", student: "st-4001", item: "si-1001")))
        #expect(r1.contains { $0.contains("(R1)") })
        // R2: no lessons ahead (the clock stands at 22 November 2026).
        let lesson = obj(["class_unit_id": "cu-5a", "date": "2026-11-23", "lesson_number": 1, "subject_id": "s-math",
                          "teacher_id": "t-301", "topic": "Дроби", "external_id": "x5"])
        #expect(details(try c.send("POST", "/core/api/schedule_items", lesson)).contains { $0.hasPrefix("date:") && $0.contains("(R2)") })
        // R3: final marks are never «н/а» or «осв».
        let final = obj(["student_id": "st-4007", "subject_id": "s-math", "period_id": "pr-1", "value": "н/а", "external_id": "x6"])
        #expect(details(try c.send("POST", "/core/api/final_marks", final)).contains { $0.hasPrefix("value:") && $0.contains("(R3)") })
        // A slot already taken; a «точка» with a value; lateness with a reason.
        let clash = obj(["class_unit_id": "cu-5a", "date": "2026-09-07", "lesson_number": 1, "subject_id": "s-rus", "external_id": "x7"])
        #expect(details(try c.send("POST", "/core/api/schedule_items", clash)).contains { $0.contains("уже есть: si-1004") })
        var point = newMark("x8")
        if case .object(let pairs) = point { point = .object(pairs + [("is_point", .bool(true))]) }
        #expect(details(try c.send("POST", "/core/api/marks", point)).contains { $0.hasPrefix("value: у «точки»") })
        let late = obj(["student_id": "st-4007", "schedule_item_id": "si-1004", "absence_reason_id": 6, "late_minutes": 5, "external_id": "x9"])
        #expect(details(try c.send("POST", "/core/api/attendances", late)).contains { $0.hasPrefix("late_minutes:") })
        // Not one of them was stored.
        #expect(e.stats()["operations_applied"]?.int == 0 && e.stats()["objects"]?["mark"]?.int == 111)
    }

    @Test func writesOfEveryKindSucceedWhenValid() throws {
        let e = try startEPOS()
        defer { e.stop() }
        let c = try EPOSClient(e)
        let lesson = obj(["class_unit_id": "cu-5a", "date": "2026-09-14", "lesson_number": 1, "subject_id": "s-math", "group_id": nil,
                          "teacher_id": "t-301", "topic": "Дроби", "homework": obj(["text": "№ 1", "due_date": "2026-09-15"]),
                          "external_id": "jg:lesson:1"])
        let si = try c.send("POST", "/core/api/schedule_items", lesson)
        #expect(si.status == 201 && si.json["id"]?.string == "si-1082" && si.json["homework"]?["text"]?.string == "№ 1")
        let absent = obj(["student_id": "st-4008", "schedule_item_id": "si-1082", "absence_reason_id": nil, "external_id": "jg:att:1"])
        #expect(try c.send("POST", "/core/api/attendances", absent).json["id"]?.string == "at-7017")
        let point = obj(["student_id": "st-4007", "schedule_item_id": "si-1082", "control_form_id": "cf-12", "value": nil,
                         "is_point": true, "point_date": "2026-09-21", "external_id": "jg:mark:p"])
        let p = try c.send("POST", "/core/api/marks", point)
        #expect(p.status == 201 && p.json["weight"]?.int == 2 && p.json["values"] == .array([]))
        let final = obj(["student_id": "st-4007", "subject_id": "s-math", "period_id": "pr-1", "value": "зачёт", "external_id": "jg:fm:1"])
        #expect(try c.send("POST", "/core/api/final_marks", final).json["id"]?.string == "fm-103")
        #expect(e.stats()["objects"] == obj(["student": 26, "schedule_item": 81, "mark": 112, "attendance": 17, "final_mark": 3]))

        // One live attendance per pupil and lesson, one live final mark per pupil, subject and period.
        let twice = try c.send("POST", "/core/api/attendances", obj(["student_id": "st-4008", "schedule_item_id": "si-1082", "external_id": "jg:att:2"]))
        #expect(twice.status == 422 && twice.json["details"]?.array?.first?["message"]?.string?.hasSuffix("at-7017") == true)
        let again = try c.send("POST", "/core/api/final_marks", obj(["student_id": "st-4022", "subject_id": "s-phys", "period_id": "pr-1",
                                                                     "value": "5", "external_id": "jg:fm:2"]))
        #expect(again.status == 422 && again.json["details"]?.array?.first?["message"]?.string?.hasSuffix("fm-101") == true)
        // Once the first is deleted, the slot is free again.
        let at = try c.get("/core/api/attendances/at-7017")
        #expect(try c.send("DELETE", "/core/api/attendances/at-7017", headers: ["If-Match": at.headers["ETag"]!]).status == 204)
        let back = try c.send("POST", "/core/api/attendances", obj(["student_id": "st-4008", "schedule_item_id": "si-1082", "late_minutes": 3,
                                                                    "external_id": "jg:att:3"]))
        #expect(back.status == 201 && back.json["id"]?.string == "at-7018")
    }
}
