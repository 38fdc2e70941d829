import Foundation
import JournalModel
import Testing
@testable import PortalEmulator

/// The ЭПОС emulator without `extensions` implements formats/epos.md and nothing more: every
/// row has exactly the fields the document shows, every list documented per class answers
/// 400 without its class, and nothing the document does not list is served. With
/// `extensions` the older extras are back (no adapter test uses them).
/// docs/adapters/conformance.md names these tests per endpoint.
struct EPOSConformanceTests {
    static func keys(_ j: JSON?) -> [String] {
        guard case .object(let pairs)? = j else { return [] }
        return pairs.map(\.0)
    }

    static let year = "from=2026-09-01&to=2027-05-31"

    @Test func rowsHaveExactlyTheDocumentsFields() throws {
        let e = try startEPOS()
        defer { e.stop() }
        let c = try EPOSClient(e)
        #expect(Self.keys(try c.get("/core/api/academic_years?current=true").json.array?.first) == ["id", "name", "begin_date", "end_date"])
        #expect(Self.keys(try c.get("/core/api/periods").json.array?.first) == ["id", "name", "begin_date", "end_date"])
        #expect(Self.keys(try c.get("/core/api/subjects").json.array?.first) == ["id", "name", "code"])
        #expect(Self.keys(try c.get("/core/api/control_forms?subject_id=s-math").json.array?.first) == ["id", "name", "weight", "grade_system_type"])
        #expect(Self.keys(try c.get("/core/api/absence_reasons").json.array?.first) == ["id", "name"])
        #expect(Self.keys(try c.get("/core/api/class_units").json.array?.first) == ["id", "name", "parallel"])
        #expect(Self.keys(try c.get("/core/api/groups?class_unit_id=cu-5a").json.array?.first) == ["id", "subject_id", "name", "student_ids"])
        #expect(Self.keys(try c.get("/core/api/students?class_unit_id=cu-5a").json.array?.first)
                == ["id", "last_name", "first_name", "middle_name", "birth_date", "personal_file", "snils", "updated_at"])
        #expect(Self.keys(try c.get("/core/api/schedule_items?class_unit_id=cu-5a&\(Self.year)").json.array?.first)
                == ["id", "date", "lesson_number", "subject_id", "group_id", "teacher_id", "replaced_teacher_id", "topic", "homework", "updated_at", "deleted_at"])
        #expect(Self.keys(try c.get("/core/api/marks?class_unit_id=cu-5a&\(Self.year)").json.array?.first)
                == ["id", "student_id", "schedule_item_id", "control_form_id", "value", "values", "weight", "is_point", "point_date", "comment",
                    "is_exam", "external_id", "updated_at", "deleted_at"])
        #expect(Self.keys(try c.get("/core/api/attendances?class_unit_id=cu-5a&\(Self.year)").json.array?.first)
                == ["id", "student_id", "schedule_item_id", "absence_reason_id", "late_minutes", "updated_at", "deleted_at"])
        #expect(Self.keys(try c.get("/core/api/final_marks?class_unit_id=cu-9a&period_id=pr-1").json.array?.first)
                == ["id", "student_id", "subject_id", "period_id", "value", "updated_at"])
        // An object fetched by id (the «fetch» before a write) is the row as listed.
        #expect(Self.keys(try c.get("/core/api/schedule_items/si-1004").json).contains("class_unit_id") == false)
    }

    @Test func listsDocumentedPerClassAnswer400WithoutTheirClass() throws {
        let e = try startEPOS()
        defer { e.stop() }
        let c = try EPOSClient(e)
        for target in ["/core/api/schedule_items?\(Self.year)", "/core/api/marks?\(Self.year)", "/core/api/attendances?\(Self.year)",
                       "/core/api/final_marks?period_id=pr-1", "/core/api/groups", "/core/api/students", "/core/api/control_forms"] {
            let r = try c.get(target)
            #expect(r.status == 400 && r.json["error"]?.string == "bad_request", "\(target): \(r.status)")
        }
        for target in ["/core/api/schedule_items?class_unit_id=cu-7z", "/core/api/students?class_unit_id=cu-7z"] {
            #expect(try c.get(target).status == 404, "an unknown class")
        }
    }

    @Test func nothingTheDocumentDoesNotListIsServed() throws {
        let e = try startEPOS()
        defer { e.stop() }
        let c = try EPOSClient(e)
        #expect(try c.get("/core/api/teachers").status == 404)
        // A space where the offset's `+` belongs: the client did not percent-encode it.
        let r = try c.get("/core/api/marks?class_unit_id=cu-5a&updated_at_from=2026-09-07T10:00:00.000%2005:00")
        #expect(r.status == 400)
        // A write's answer is the row as listed: no class, no external id on a schedule item.
        let created = try c.send("POST", "/core/api/schedule_items", obj([
            "class_unit_id": "cu-5b", "date": "2026-09-12", "lesson_number": 6, "subject_id": "s-math", "group_id": nil,
            "teacher_id": "t-302", "replaced_teacher_id": nil, "topic": "Дроби", "homework": nil, "external_id": "k-1"]))
        #expect(created.status == 201, "\(created.json)")
        #expect(!Self.keys(created.json).contains("class_unit_id") && !Self.keys(created.json).contains("external_id"))
        let fm = try c.send("POST", "/core/api/final_marks", obj(["student_id": "st-4013", "subject_id": "s-rus", "period_id": "pr-1",
                                                                   "value": "4", "external_id": "k-2"]))
        #expect(fm.status == 201 && Self.keys(fm.json) == ["id", "student_id", "subject_id", "period_id", "value", "updated_at"], "\(fm.json)")
    }

    @Test func extensionsBringTheOlderExtrasBack() throws {
        let e = try startEPOS { $0.extensions = true }
        defer { e.stop() }
        let c = try EPOSClient(e)
        #expect(try c.get("/core/api/teachers").json.array?.first?["last_name"]?.string == "Ковалёва")
        #expect(try c.get("/core/api/marks?\(Self.year)").status == 200, "the whole school")
        #expect(Self.keys(try c.get("/core/api/schedule_items?\(Self.year)").json.array?.first).contains("class_unit_id"))
        #expect(Self.keys(try c.get("/core/api/students").json.array?.first).contains("class_unit_id"))
        #expect(Self.keys(try c.get("/core/api/control_forms").json.array?.first).contains("subject_id"))
        #expect(Self.keys(try c.get("/core/api/final_marks").json.array?.first).contains("deleted_at"))
        #expect(try c.get("/core/api/marks?class_unit_id=cu-5a&updated_at_from=2026-09-07T10:00:00.000%2005:00").status == 200)
    }
}
