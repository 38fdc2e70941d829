import Foundation
import Testing
import JournalModel
import PortalEmulator
import SyncModel
import Transport
import Synchronization
@testable import Adapters

/// АСУ РСО answers that break asu-rso.md: each fails its request with `.malformed` naming
/// the endpoint and the field, and nothing of it is returned; the document's allowances
/// still decode. Against `HostilePortal`, a scripted server on loopback.
struct ASURSOHostilePortalTests {
    /// Today for these tests: the year starts 2026-09-01, so a full pull reads the weeks of
    /// 31 August and 7 September (pages 1 and 2), then final marks of term 11 (page 3).
    static let today = CivilDate(year: 2026, month: 9, day: 8)!

    static let student = #"""
    {"id": 9001, "lastName": "Зайцева", "firstName": "Мария", "middleName": null, "birthDate": "2015-08-29T00:00:00",
     "personalFileNumber": "05-1010", "snils": null, "groups": [{"subjectId": 71, "groupId": 8801}],
     "parents": [{"id": 7001, "lastName": "Зайцева", "firstName": "Ульяна", "middleName": "Юрьевна", "snils": null, "phone": null, "since": 2019}],
     "ver": 412, "avatarUrl": "x"}
    """#

    static func page(classID: Int = 501, week: String, days: String) -> String {
        #"{"classId": \#(classID), "className": "5А", "weekStart": "\#(week)T00:00:00", "weekEnd": "2026-09-13T00:00:00", "weekDays": [\#(days)], "source": "test"}"#
    }

    /// One lesson on 7 September: a mark sent as a number, a homework, an absence; nullable
    /// fields null; fields the document does not name added.
    static let lessonDay = #"""
    {"date": "2026-09-07T00:00:00", "lessons": [
      {"classmeetingId": 777001, "number": 1, "startTime": "08:30", "endTime": "09:10", "room": null, "subjectId": 71, "subjectName": "Математика",
       "groupId": null, "teacherId": 301, "substituteTeacherId": null, "lessonTheme": null, "ver": 1201, "isOnline": false,
       "assignments": [
         {"id": 555001, "classMeetingId": 777001, "typeId": 3, "assignmentName": "Натуральные числа", "weight": 1,
          "dueDate": "2026-09-07T00:00:00", "ver": 1202, "marks": [{"studentId": 9001, "mark": 5, "dutyMark": false, "ver": 1203}]},
         {"id": 555002, "classMeetingId": 777001, "typeId": 1, "assignmentName": "№ 12, 14", "weight": 0,
          "dueDate": "2026-09-09T00:00:00", "ver": 1204, "marks": []}],
       "attendance": [{"studentId": 9001, "code": "Н", "reason": null, "ver": 1205}]}]}
    """#

    /// A portal that answers everything as the document allows.
    static func portal() throws -> HostilePortal {
        let p = try HostilePortal()
        p.set("POST /webapi/auth/getdata", json: #"{"lt": "1741592", "ver": "77912", "salt": "43851926"}"#)
        p.set("POST /webapi/login", json: #"{"at": "b4c1", "timeOut": 2700000, "accountInfo": {"userId": 301}}"#)
        p.set("GET /webapi/years/current", json: #"{"id": 2026, "name": "2026/2027", "startDate": "2026-09-01T00:00:00", "endDate": "2027-05-31T00:00:00"}"#)
        p.set("GET /webapi/terms", json: #"[{"id": 11, "name": "1 четверть", "startDate": "2026-09-01T00:00:00", "endDate": "2026-10-26T00:00:00"}]"#)
        p.set("GET /webapi/grade/assignment/types", json: #"[{"id": 1, "abbr": "ДЗ", "name": "Домашнее задание", "order": 1}, {"id": 3, "abbr": "О", "name": "Ответ на уроке", "order": 3}]"#)
        p.set("GET /webapi/subjects", json: #"[{"id": 71, "name": "Математика"}]"#)
        p.set("GET /webapi/teachers", json: #"[{"id": 301, "lastName": "Ковалёва", "firstName": "Наталья", "middleName": "Петровна"}]"#)
        p.set("GET /webapi/classes", json: #"[{"id": 501, "name": "5А", "grade": 5, "teacherId": 301}]"#)
        p.set("GET /webapi/classes/501/students", json: "[\(student)]")
        p.set("GET /webapi/changes", json: #"{"items": [], "next": 1300, "latest": 1300}"#)
        p.set("GET /webapi/journal") { req in
            let week = req.query["weekStart"] ?? ""
            return .json(page(week: week, days: week == "2026-09-07" ? lessonDay : ""))
        }
        p.set("GET /webapi/finalmarks", json: #"[{"studentId": 9001, "subjectId": 71, "termId": 11, "mark": "5", "ver": 1300}]"#)
        return p
    }

    static func counterpart(_ p: HostilePortal) throws -> ASURSOCounterpart {
        let session = ASURSOSession(client: HostilePortal.client(),
                                    account: ASURSOAccount(baseURL: p.url, schoolID: "1", login: "teacher", password: "secret"))
        return ASURSOCounterpart(session: session, codes: try ASURSOCodes(directory: packageRoot.path + "/mappings/asu-rso"),
                                 timeZone: TimeZone(identifier: "Europe/Samara")!, today: today)
    }

    static let weekPage = "full:2:1300"

    @Test func answersTheDocumentAllowsDecode() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        let (records, cursor) = try await pullAll(try Self.counterpart(p))
        #expect(cursor == "feed:1300")
        let mark = try #require(records.first { $0.kind == .mark })
        #expect(mark.fields["value"] == .text("5"), "a mark sent as the number 5")
        #expect(records.first { $0.kind == .guardian }?.fields["snils"] == .null)
        #expect(records.first { $0.kind == .student }?.fields["patronymic"] == .null)
        #expect(records.first { $0.kind == .lesson }?.fields["topic"] == .null)
        #expect(records.contains { $0.kind == .homework && $0.externalID == "555002" })
        #expect(records.contains { $0.kind == .finalMark && $0.externalID == "9001:71:11" })
    }

    @Test func aBodyOfTheWrongShapeIsNotEmpty() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/terms", json: #"{"items": []}"#)
        await expectMalformed(endpoint: "GET /webapi/terms", field: "the body", expected: "an array", got: "an object") {
            _ = try await Self.counterpart(p).pull(cursor: nil)
        }
    }

    @Test func aStringWhereAnIntegerIsExpected() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/classes", json: #"[{"id": "501", "name": "5А", "grade": 5, "teacherId": 301}]"#)
        await expectMalformed(endpoint: "GET /webapi/classes", field: "[0].id", expected: "an integer", got: "a string") {
            _ = try await Self.counterpart(p).pull(cursor: nil)
        }
    }

    @Test func aMissingRequiredField() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/subjects", json: #"[{"id": 71}]"#)
        await expectMalformed(endpoint: "GET /webapi/subjects", field: "[0].name", got: "missing") {
            _ = try await Self.counterpart(p).pull(cursor: nil)
        }
    }

    /// F7: a pupil whose `classId` is another class is never filed under the class asked for.
    @Test func aPupilOfAnotherClass() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/classes/501/students", json: "[\(Self.student.replacingOccurrences(of: #""id": 9001,"#, with: #""id": 9001, "classId": 502,"#))]")
        await expectMalformed(endpoint: "GET /webapi/classes/501/students", field: "[0].classId", expected: "501", got: "502") {
            _ = try await Self.counterpart(p).pull(cursor: nil)
        }
    }

    @Test func aJournalPageOfAnotherClass() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/journal", json: Self.page(classID: 502, week: "2026-09-07", days: Self.lessonDay))
        await expectMalformed(endpoint: "GET /webapi/journal?classId=501&weekStart=2026-09-07", field: "classId", expected: "501", got: "502") {
            _ = try await Self.counterpart(p).pull(cursor: Self.weekPage)
        }
    }

    @Test func aJournalPageOfAnotherWeek() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/journal", json: Self.page(week: "2026-09-14", days: ""))
        await expectMalformed(endpoint: "GET /webapi/journal?classId=501&weekStart=2026-09-07", field: "weekStart", expected: "2026-09-07") {
            _ = try await Self.counterpart(p).pull(cursor: Self.weekPage)
        }
    }

    /// A day outside the week asked for fails the page, and nothing the page taught the
    /// adapter (its assignments) is kept.
    @Test func aDayOutsideTheWeek() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        let stray = #"{"date": "2026-09-21T00:00:00", "lessons": []}"#
        p.set("GET /webapi/journal", json: Self.page(week: "2026-09-07", days: Self.lessonDay + ", " + stray))
        let c = try Self.counterpart(p)
        await expectMalformed(endpoint: "GET /webapi/journal?classId=501&weekStart=2026-09-07", field: "weekDays[1].date",
                              expected: "2026-09-07…2026-09-13", got: "2026-09-21") {
            _ = try await c.pull(cursor: Self.weekPage)
        }
        let assignments = await c.assignments, places = await c.lessonPlace
        #expect(assignments.isEmpty && places.isEmpty, "nothing of the refused page is kept")
    }

    @Test func aLessonNumberOutsideOneToTwelve() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/journal", json: Self.page(week: "2026-09-07", days: Self.lessonDay.replacingOccurrences(of: #""number": 1,"#, with: #""number": 99,"#)))
        await expectMalformed(endpoint: "GET /webapi/journal?classId=501&weekStart=2026-09-07", field: "weekDays[0].lessons[0].number",
                              expected: "1…12", got: "99") {
            _ = try await Self.counterpart(p).pull(cursor: Self.weekPage)
        }
    }

    @Test func finalMarksOfAnotherTerm() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/finalmarks", json: #"[{"studentId": 9001, "subjectId": 71, "termId": 12, "mark": "5", "ver": 1300}]"#)
        await expectMalformed(endpoint: "GET /webapi/finalmarks?classId=501&termId=11", field: "[0].termId", expected: "11", got: "12") {
            _ = try await Self.counterpart(p).pull(cursor: "full:3:1300")
        }
    }

    @Test func aFeedOfTheWrongShape() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/changes", json: #"{"items": {}, "next": 1300, "latest": 1300}"#)
        await expectMalformed(endpoint: "GET /webapi/changes?since=1200&limit=500", field: "items", expected: "an array", got: "an object") {
            _ = try await Self.counterpart(p).pull(cursor: "feed:1200")
        }
        p.set("GET /webapi/changes", json: #"{"items": [], "next": "1300", "latest": 1300}"#)
        await expectMalformed(endpoint: "GET /webapi/changes?since=1200&limit=500", field: "next", expected: "an integer", got: "a string") {
            _ = try await Self.counterpart(p).pull(cursor: "feed:1200")
        }
    }

    @Test func aFeedPupilOfAnotherSchool() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        let data = Self.student.replacingOccurrences(of: #""id": 9001,"#, with: #""id": 9001, "classId": 9999,"#)
        p.set("GET /webapi/changes", json: #"{"items": [{"kind": "student", "op": "upsert", "ver": 1301, "data": \#(data)}], "next": 1301, "latest": 1301}"#)
        await expectMalformed(endpoint: "GET /webapi/changes?since=1300&limit=500", field: "items[0].data.classId", got: "class 9999") {
            _ = try await Self.counterpart(p).pull(cursor: "feed:1300")
        }
    }

    @Test func aFeedItemWithoutItsIdentifyingField() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/changes", json: #"{"items": [{"kind": "attendance", "op": "delete", "ver": 1301, "data": {"studentId": 9001}}], "next": 1301, "latest": 1301}"#)
        await expectMalformed(endpoint: "GET /webapi/changes?since=1300&limit=500", field: "items[0].data.classmeetingId", got: "missing") {
            _ = try await Self.counterpart(p).pull(cursor: "feed:1300")
        }
    }

    /// A feed whose `ver` went backwards (a restored backup): a full pull, and a warning.
    @Test func aFeedGoingBackwards() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/changes", json: #"{"items": [], "next": 1206, "latest": 1310}"#)
        let c = try Self.counterpart(p)
        guard case .resetToFull = try await c.pull(cursor: "feed:5000") else {
            Issue.record("expected a full pull")
            return
        }
        let warnings = await c.warnings
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("since=5000") == true && warnings.first?.contains("backwards") == true)
    }

    @Test func unparseableJSONIsMalformedNotUnavailable() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/terms", json: ##"[{"id": 11, "name": ""##)
        await expectMalformed(endpoint: "GET /webapi/terms", field: "the body", expected: "JSON") {
            _ = try await Self.counterpart(p).pull(cursor: nil)
        }
        p.set("GET /webapi/terms", .raw([0x5B, 0x22, 0xD0, 0x22, 0x5D]))
        await expectMalformed(endpoint: "GET /webapi/terms", field: "the body", got: "not UTF-8") {
            _ = try await Self.counterpart(p).pull(cursor: nil)
        }
    }

    @Test func aWrongPasswordIsLoginRefused() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("POST /webapi/login", json: #"{"message": "Неправильный пароль или имя пользователя"}"#, status: 409)
        do {
            _ = try await Self.counterpart(p).pull(cursor: nil)
            Issue.record("expected a refused login")
        } catch let e as PortalError {
            #expect(e.kind == .loginRefused && e.status == 409, "\(e)")
        }
        #expect(p.requests.filter { $0 == "POST /webapi/login" }.count == 1)
    }

    /// The `lt` of auth/getdata is good for one login: a login whose answer was lost and whose
    /// retry found it used (400) signs in again with a fresh one; only a repeated refusal (or a
    /// 409) is a refused login. Seen in the region's fleet test under 5% faults.
    @Test func aUsedLoginTokenIsFetchedAgain() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        let logins = Atomic<Int>(0)
        p.set("POST /webapi/login") { _ in
            logins.add(1, ordering: .relaxed).newValue == 1
                ? .json(#"{"message": "Сеанс входа устарел: запросите auth/getdata заново"}"#, status: 400)
                : .json(#"{"at": "b4c1", "timeOut": 2700000, "accountInfo": {"userId": 301}}"#)
        }
        _ = try await Self.counterpart(p).pull(cursor: nil)
        #expect(p.requests.filter { $0 == "POST /webapi/login" }.count == 2)
        #expect(p.requests.filter { $0 == "POST /webapi/auth/getdata" }.count == 2)

        let q = try Self.portal()
        defer { q.stop() }
        q.set("POST /webapi/login", json: #"{"message": "Сеанс входа устарел: запросите auth/getdata заново"}"#, status: 400)
        do {
            _ = try await Self.counterpart(q).pull(cursor: nil)
            Issue.record("expected a refused login")
        } catch let e as PortalError {
            #expect(e.kind == .loginRefused && e.status == 400, "\(e)")
        }
        #expect(q.requests.filter { $0 == "POST /webapi/login" }.count == 3)
    }

    /// A violation names the field and the JSON type, never what the portal sent there.
    @Test func personalDataIsNotEchoed() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/classes/501/students", json: "[\(Self.student.replacingOccurrences(of: #""snils": null, "groups""#, with: #""snils": "Зайцева 2461416", "groups""#))]")
        do {
            _ = try await Self.counterpart(p).pull(cursor: nil)
            Issue.record("expected a malformed answer")
        } catch let e as PortalError {
            #expect(e.violation?.field == "[0].snils")
            #expect(!e.description.contains("Зайцева") && !e.description.contains("2461416"), "\(e)")
        }
    }

    @Test func anAssignmentListedUnderAnotherLesson() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/journal", json: Self.page(week: "2026-09-07", days: Self.lessonDay.replacingOccurrences(of: #""id": 555002, "classMeetingId": 777001"#, with: #""id": 555002, "classMeetingId": 777555"#)))
        await expectMalformed(endpoint: "GET /webapi/journal?classId=501&weekStart=2026-09-07", field: "weekDays[0].lessons[0].assignments[1].classMeetingId",
                              expected: "777001", got: "777555") {
            _ = try await Self.counterpart(p).pull(cursor: Self.weekPage)
        }
    }

    @Test func feedItemsOutOfVerOrder() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/changes", json: #"{"items": [{"kind": "attendance", "op": "delete", "ver": 1305, "data": {"classmeetingId": 777001, "studentId": 9001}}, {"kind": "attendance", "op": "delete", "ver": 1302, "data": {"classmeetingId": 777001, "studentId": 9002}}], "next": 1305, "latest": 1305}"#)
        await expectMalformed(endpoint: "GET /webapi/changes?since=1300&limit=500", field: "items[1].ver", got: "1302") {
            _ = try await Self.counterpart(p).pull(cursor: "feed:1300")
        }
    }

    @Test func aBatchAnswerOfTheWrongShape() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("POST /webapi/journal/batch", json: #"{"results": {"key": "A-1", "status": "applied", "ver": 1400}}"#)
        let op = OutboundOperation(key: "A-1", kind: .attendance, localID: "a1", externalID: nil, op: .upsert,
                                   fields: ["lesson": .text("777001"), "student": .text("9001"), "kind": .text("absent"), "reason": .null],
                                   changed: [], baseVersion: nil)
        await expectMalformed(endpoint: "POST /webapi/journal/batch", field: "results", expected: "an array", got: "an object") {
            _ = try await Self.counterpart(p).push([op])
        }
    }

    /// Empty lists are what the document allows: not refused here (the brake on mass
    /// deletion is the engine's).
    @Test func emptyListsDecode() async throws {
        let p = try Self.portal()
        defer { p.stop() }
        p.set("GET /webapi/classes/501/students", json: "[]")
        p.set("GET /webapi/finalmarks", json: "[]")
        let (records, _) = try await pullAll(try Self.counterpart(p))
        #expect(!records.contains { $0.kind == .student || $0.kind == .finalMark })
    }
}
