import Foundation
import Testing
import JournalModel
import PortalEmulator
import SyncModel
import Transport
@testable import Adapters

/// ЭПОС.Школа answers that break epos.md: each fails its request with `.malformed` naming
/// the endpoint and the field; the document's allowances still decode.
struct EPOSHostilePortalTests {
    static let student = #"""
    {"id": "st-77", "last_name": "Зайцева", "first_name": "Мария", "middle_name": null, "birth_date": "2015-08-29",
     "personal_file": "05-1010", "snils": null, "updated_at": "2026-09-03T11:42:17.204+05:00", "photo": null}
    """#

    static let scheduleItem = #"""
    {"id": "si-1001", "date": "2026-09-07", "lesson_number": 1, "subject_id": "s-math", "group_id": null,
     "teacher_id": "t-301", "replaced_teacher_id": null, "topic": "Натуральные числа", "homework": {"text": "№ 12", "due_date": "2026-09-09"},
     "room": "21", "updated_at": "2026-09-07T09:15:00.000+05:00", "deleted_at": null}
    """#

    static let mark = #"""
    {"id": "mk-9", "student_id": "st-77", "schedule_item_id": "si-1001", "control_form_id": "cf-12", "value": "5",
     "values": [{"grade_system_type": "five", "grade": {"origin": "5", "five": 5.0, "hundred": 100.0}}], "weight": 1,
     "is_point": false, "point_date": null, "comment": null, "is_exam": false, "external_id": null,
     "updated_at": "2026-09-07T10:00:00.000+05:00", "deleted_at": null}
    """#

    static let listQuery = "class_unit_id=cu-5a&from=2026-09-01&to=2027-05-31&page=1&per_page=100"

    static func portal() throws -> HostilePortal {
        let p = try HostilePortal()
        p.set("POST /v2/token", json: #"{"token": "tok", "expires_at": "2026-09-07T10:30:00+05:00", "profile_id": "p-301"}"#)
        p.set("GET /core/api/academic_years", json: #"[{"id": "y-2026", "name": "2026-2027", "begin_date": "2026-09-01", "end_date": "2027-05-31"}]"#)
        p.set("GET /core/api/periods", json: #"[{"id": "pr-1", "name": "1 триместр", "begin_date": "2026-09-01", "end_date": "2026-11-30"}]"#)
        p.set("GET /core/api/subjects", json: #"[{"id": "s-math", "name": "Математика", "code": "MAT"}]"#)
        p.set("GET /core/api/control_forms", json: #"[{"id": "cf-12", "name": "Контрольная работа", "weight": 2, "grade_system_type": "five"}]"#)
        p.set("GET /core/api/absence_reasons", json: #"[{"id": 6, "name": "Болезнь"}]"#)
        p.set("GET /core/api/class_units", json: #"[{"id": "cu-5a", "name": "5-А", "parallel": 5}]"#)
        p.set("GET /core/api/groups", json: #"[{"id": "g-5a-eng-1", "subject_id": "s-math", "name": "5-А мат. 1 гр.", "student_ids": ["st-77"]}]"#)
        p.set("GET /core/api/students", json: "[\(student)]")
        p.set("GET /core/api/schedule_items", json: "[\(scheduleItem)]")
        p.set("GET /core/api/marks", json: "[\(mark)]")
        p.set("GET /core/api/attendances", json: #"[{"id": "at-5", "student_id": "st-77", "schedule_item_id": "si-1001", "absence_reason_id": 6, "late_minutes": null, "updated_at": "2026-09-07T10:05:00.000+05:00", "deleted_at": null}]"#)
        p.set("GET /core/api/final_marks", json: #"[{"id": "fm-1", "student_id": "st-77", "subject_id": "s-math", "period_id": "pr-1", "value": "5", "updated_at": "2026-09-11T16:00:00.000+05:00"}]"#)
        return p
    }

    static func counterpart(_ p: HostilePortal) throws -> EPOSCounterpart {
        let session = EPOSSession(client: HostilePortal.client(),
                                  account: EPOSAccount(baseURL: p.url, schoolID: "59-122", login: "teacher", password: "secret"),
                                  requestsPerSecond: nil)
        return EPOSCounterpart(session: session, codes: try EPOSCodes(directory: packageRoot.path + "/mappings/epos"),
                               timeZone: TimeZone(identifier: "Asia/Yekaterinburg")!,
                               teachers: EPOSTeachers(journal: ["t-301": FieldValues(.teacher, checked: ["surname": .text("Ковалёва"), "name": .text("Наталья"), "patronymic": .null])]),
                               knownHomework: { _ in false })
    }

    @Test func answersTheDocumentAllowsDecode() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        let c = try Self.counterpart(p)
        let (records, _) = try await pullAll(c)
        #expect(records.first { $0.kind == .student }?.fields["snils"] == .null)
        #expect(records.first { $0.kind == .mark }?.fields["value"] == .text("5"))
        #expect(records.contains { $0.kind == .homework && $0.externalID == "si-1001" })
        #expect(records.contains { $0.kind == .finalMark && $0.externalID == "fm-1" }, "a final mark without deleted_at")
        #expect(await c.warnings.isEmpty)
    }

    @Test func aBodyOfTheWrongShapeIsNotEmpty() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /core/api/class_units", json: #"{"items": []}"#)
        await expectMalformed(endpoint: "GET /core/api/class_units", field: "the body", expected: "an array", got: "an object") {
            _ = try await pullAll(try Self.counterpart(p))
        }
    }

    /// F7 on ЭПОС: a pupil listed for one class whose `class_unit_id` names another.
    @Test func aPupilOfAnotherClass() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /core/api/students", json: "[\(Self.student.replacingOccurrences(of: #""id": "st-77","#, with: #""id": "st-77", "class_unit_id": "cu-9a","#))]")
        await expectMalformed(endpoint: "GET /core/api/students?class_unit_id=cu-5a", field: "[0].class_unit_id", expected: "cu-5a") {
            _ = try await pullAll(try Self.counterpart(p))
        }
    }

    @Test func aStringWhereAnIntegerIsExpected() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /core/api/marks", json: "[\(Self.mark.replacingOccurrences(of: #""weight": 1,"#, with: #""weight": "1","#))]")
        await expectMalformed(endpoint: "GET /core/api/marks?\(Self.listQuery)", field: "[0].weight", expected: "an integer", got: "a string") {
            _ = try await pullAll(try Self.counterpart(p))
        }
    }

    @Test func aMissingRequiredField() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /core/api/schedule_items", json: "[\(Self.scheduleItem.replacingOccurrences(of: #""lesson_number": 1, "#, with: ""))]")
        await expectMalformed(endpoint: "GET /core/api/schedule_items?\(Self.listQuery)", field: "[0].lesson_number", got: "missing") {
            _ = try await pullAll(try Self.counterpart(p))
        }
    }

    /// The class of a lesson is the one its list was asked for: the rows do not name it, and a
    /// `class_unit_id` a portal adds anyway is not read.
    @Test func aLessonIsOfTheClassItsListWasAskedFor() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /core/api/schedule_items", json: "[\(Self.scheduleItem.replacingOccurrences(of: #""date""#, with: #""class_unit_id": "cu-other", "date""#))]")
        let (records, _) = try await pullAll(try Self.counterpart(p))
        #expect(records.first { $0.kind == .lesson }?.fields["class"] == .text("cu-5a"))
        #expect(p.requests.contains { $0.hasPrefix("GET /core/api/schedule_items?class_unit_id=cu-5a&") })
        #expect(!p.requests.contains { $0.hasPrefix("GET /core/api/teachers") }, "nothing the document does not list is asked")
    }

    @Test func aControlFormOfAnotherSubject() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /core/api/control_forms", json: #"[{"id": "cf-12", "name": "Контрольная работа", "weight": 2, "grade_system_type": "five", "subject_id": "s-rus"}]"#)
        await expectMalformed(endpoint: "GET /core/api/control_forms?subject_id=s-math", field: "[0].subject_id", expected: "s-math") {
            _ = try await pullAll(try Self.counterpart(p))
        }
    }

    @Test func unparseableJSONIsMalformedNotUnavailable() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /core/api/attendances", json: "[{\"id\": ")
        await expectMalformed(endpoint: "GET /core/api/attendances?\(Self.listQuery)", field: "the body", expected: "JSON") {
            _ = try await pullAll(try Self.counterpart(p))
        }
        p.set("POST /v2/token", json: "<html>")
        await expectMalformed(endpoint: "POST /v2/token", field: "the body", expected: "JSON") {
            _ = try await pullAll(try Self.counterpart(p))
        }
    }

    @Test func aRefusedPasswordIsLoginRefused() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("POST /v2/token", json: #"{"error": "invalid_credentials"}"#, status: 401)
        do {
            _ = try await pullAll(try Self.counterpart(p))
            Issue.record("expected a refused sign-in")
        } catch let e as PortalError {
            #expect(e.kind == .loginRefused && e.status == 401, "\(e)")
        }
    }

    @Test func rowsOutOfUpdatedAtOrder() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        let older = Self.mark.replacingOccurrences(of: "mk-9", with: "mk-8").replacingOccurrences(of: "2026-09-07T10:00:00.000+05:00", with: "2026-09-07T09:00:00.000+05:00")
        p.set("GET /core/api/marks", json: "[\(Self.mark), \(older)]")
        await expectMalformed(endpoint: "GET /core/api/marks?\(Self.listQuery)", field: "[1].updated_at", expected: "order") {
            _ = try await pullAll(try Self.counterpart(p))
        }
    }

    @Test func aMarkOfAControlFormThePortalDoesNotList() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /core/api/marks", json: "[\(Self.mark.replacingOccurrences(of: "cf-12", with: "cf-99"))]")
        await expectMalformed(endpoint: "GET /core/api/marks?\(Self.listQuery)", field: "[0].control_form_id", expected: "control forms") {
            _ = try await pullAll(try Self.counterpart(p))
        }
    }

    @Test func aTokenAnswerWithoutAToken() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("POST /v2/token", json: #"{"expires_at": "2026-09-07T10:30:00+05:00", "profile_id": "p-301"}"#)
        await expectMalformed(endpoint: "POST /v2/token", field: "token", got: "missing") {
            _ = try await pullAll(try Self.counterpart(p))
        }
    }
}
