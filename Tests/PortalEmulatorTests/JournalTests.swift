import Foundation
import JournalModel
import Testing
@testable import PortalEmulator

/// Reference data, class lists, the class-week page and final marks.
struct JournalTests {
    @Test func referenceDataAsTheProtocolWritesIt() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        let year = try c.get("/webapi/years/current")
        #expect(year.serialized() == #"{"id":2026,"name":"2026/2027","startDate":"2026-09-01T00:00:00","endDate":"2027-05-31T00:00:00"}"#)
        let terms = try c.get("/webapi/terms").array!
        #expect(terms.count == 4)
        #expect(terms[0]["id"]?.int == 11 && terms[0]["name"]?.string == "1 четверть")
        // This server numbers «Домашнее задание» 3, not 1: clients must map by abbr or name.
        let types = try c.get("/webapi/grade/assignment/types?all=true").array!
        #expect(types.first { $0["abbr"]?.string == "ДЗ" }?["id"]?.int == 3)
        #expect(types.first { $0["abbr"]?.string == "О" }?["id"]?.int == 1)
        let classes = try c.get("/webapi/classes").array!
        #expect(classes.map { $0["name"]!.string! } == ["1А", "5А", "5Б", "9А"])
        #expect(classes[1].serialized() == #"{"id":501,"name":"5А","grade":5,"teacherId":301}"#)
        #expect(try c.get("/webapi/teachers").array!.count == 7)
    }

    @Test func classStudentsCarryGroupsAndSharedParents() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        let fiveA = try c.get("/webapi/classes/501/students").array!
        #expect(fiveA.count == 8)
        let english = fiveA.filter { $0["groups"]!.array!.contains { $0["subjectId"]?.int == 74 } }
        #expect(english.count == 8)
        let ids = Set(english.compactMap { $0["groups"]!.array!.first?["groupId"]?.int })
        #expect(ids == [8801, 8802])
        // The mother of 01-1003 (1А) is also the mother of 05-1014 (5А): same parent id under each.
        let firstA = try c.get("/webapi/classes/101/students").array!
        let ksenia = try #require(firstA.first { $0["personalFileNumber"]?.string == "01-1003" })
        let eva = try #require(fiveA.first { $0["personalFileNumber"]?.string == "05-1014" })
        let shared = Set(ksenia["parents"]!.array!.map { $0["id"]!.int! }).intersection(eva["parents"]!.array!.map { $0["id"]!.int! })
        #expect(shared.count == 1)
        #expect(eva["birthDate"]?.string == "2014-01-10T00:00:00")
        #expect(eva["ver"]?.int != nil)
        #expect(try c.request("GET", "/webapi/classes/999/students").status == 404)
    }

    @Test func classWeekPageHasTheProtocolsShapeAndSpellings() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        let page = try c.get("/webapi/journal?classId=501&weekStart=2026-09-07")
        #expect(page["className"]?.string == "5А")
        #expect(page["weekStart"]?.string == "2026-09-07T00:00:00" && page["weekEnd"]?.string == "2026-09-13T00:00:00")
        let days = page["weekDays"]!.array!
        #expect(days.count == 5)
        let monday = days[0]["lessons"]!.array!
        #expect(monday.map { $0["number"]!.int! } == [1, 2, 3, 3, 4])  // English in two groups at lesson 3
        #expect(Set(monday.compactMap { $0["groupId"]?.int }) == [8801, 8802])
        let math = monday[0]
        #expect(math["classmeetingId"]?.int == 777068 && math["classMeetingId"] == nil)
        #expect(math["startTime"]?.string == "08:30" && math["subjectName"]?.string == "Математика")
        let homework = math["assignments"]!.array!.first { $0["weight"]?.int == 0 }!
        #expect(homework["typeId"]?.int == 3 && homework["classMeetingId"]?.int == 777068 && homework["classmeetingId"] == nil)
        #expect(homework["assignmentName"]?.string == "№ 35, 123 (стр. 10)" && homework["dueDate"]?.string == "2026-09-08T00:00:00")
        let mark = math["assignments"]!.array!.first { $0["weight"]?.int == 1 }!["marks"]!.array![0]
        #expect(mark.serialized().hasPrefix(#"{"studentId":9008,"mark":"4","dutyMark":false,"ver":"#))
        // A «точка» in 5Б: dutyMark true, mark null.
        let fiveB = try c.get("/webapi/journal?classId=502&weekStart=2026-09-07")
        let marks = fiveB["weekDays"]!.array!.flatMap { $0["lessons"]!.array! }.flatMap { $0["assignments"]!.array! }.flatMap { $0["marks"]!.array! }
        #expect(marks.contains { $0["dutyMark"] == .bool(true) && $0["mark"] == .null })
        // A substitution and a grade-1 page without any assignment.
        let fiveBLessons = fiveB["weekDays"]!.array!.flatMap { $0["lessons"]!.array! }
        #expect(fiveBLessons.contains { $0["substituteTeacherId"]?.int == 302 })
        let firstA = try c.get("/webapi/journal?classId=101&weekStart=2026-09-07")["weekDays"]!.array!.flatMap { $0["lessons"]!.array! }
        #expect(!firstA.isEmpty && firstA.allSatisfy { $0["assignments"]!.array!.isEmpty })
        #expect(firstA.contains { !$0["attendance"]!.array!.isEmpty })
    }

    @Test func badJournalRequestsAnswer400Or404() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        #expect(try c.request("GET", "/webapi/journal?classId=501&weekStart=2026-09-08").status == 400)
        #expect(try c.request("GET", "/webapi/journal?classId=501").status == 400)
        #expect(try c.request("GET", "/webapi/journal?classId=x&weekStart=2026-09-07").status == 400)
        #expect(try c.request("GET", "/webapi/journal?classId=777&weekStart=2026-09-07").status == 404)
        #expect(try c.request("GET", "/webapi/nothing").status == 404)
        #expect(try c.request("POST", "/webapi/terms").status == 405)
        let empty = try c.get("/webapi/journal?classId=501&weekStart=2026-10-05")
        #expect(empty["weekDays"]?.array?.isEmpty == true)
    }

    @Test func marksAsNumbersOption() throws {
        let e = try startEmulator { $0.marksAsNumbers = true }
        defer { e.stop() }
        let c = PortalClient(e)
        let page = try c.get("/webapi/journal?classId=901&weekStart=2026-09-14")
        let marks = page["weekDays"]!.array!.flatMap { $0["lessons"]!.array! }.flatMap { $0["assignments"]!.array! }.flatMap { $0["marks"]!.array! }
        #expect(marks.contains { if case .int = $0["mark"]! { return true }; return false })
        #expect(marks.contains { $0["mark"]?.string == "зач" })  // pass/fail stays a string
        let finals = try c.get("/webapi/finalmarks?classId=901&termId=11").array!
        #expect(finals.allSatisfy { if case .int = $0["mark"]! { return true }; return false })
    }

    @Test func finalMarksOfAClassAndTerm() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        let finals = try c.get("/webapi/finalmarks?classId=901&termId=11").array!
        #expect(finals.count == 18)
        #expect(finals.contains { $0["studentId"]?.int == 9022 && $0["subjectId"]?.int == 77 && $0["mark"]?.string == "4" })
        #expect(try c.get("/webapi/finalmarks?classId=901&termId=12").array!.isEmpty)
        #expect(try c.request("GET", "/webapi/finalmarks?classId=901&termId=99").status == 404)
    }
}
