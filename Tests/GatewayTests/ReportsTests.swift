import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

/// The reports on ``ReportSchool``: every expected figure is worked out here from the lists the
/// school kept of what it wrote (who moved when, the final marks, the absences), not by the
/// reports' code.
@Suite(.serialized) struct ReportsTests {
    let school: ReportSchool
    init() throws { school = try ReportSchool() }

    func run(_ name: ReportName, scope: ReportScope = .all, period: PeriodSelection = .named("1 четверть"),
             from: String? = nil, to: String? = nil, date: String? = nil, basis: QualityReport.Basis = .pupils) throws -> JSON {
        var r = ReportRequest(name: name, scope: scope, period: period)
        r.from = from.flatMap(CivilDate.init(iso:)); r.to = to.flatMap(CivilDate.init(iso:)); r.date = date.flatMap(CivilDate.init(iso:))
        r.basis = basis
        let calendar = packageRoot.appendingPathComponent("mappings/calendar").path
        return try ReportRunner.run(r, store: school.store, calendarDirectory: calendar).json
    }

    // MARK: independent expectations

    /// The pupil's class at the end of `date`, replaying the school's own list of moves.
    func classOf(_ p: String, on date: String) -> String? {
        var c = school.initialClass[p]
        for m in school.moves where m.pupil == p && m.date <= date { c = m.kind == "withdrawal" ? nil : m.to }
        return c
    }

    func pupils(in cls: String, on date: String) -> [String] {
        Array(Set(school.initialClass.keys).union(school.moves.map(\.pupil))).filter { classOf($0, on: date) == cls }.sorted()
    }

    /// 5/4/3/2/н/а counts and R13 by hand: N = all of them; success (5+4+3)/N, quality (5+4)/N, СОУ by the weights.
    func figures(_ values: [String]) -> (n: Int, success: Double?, quality: Double?, sou: Double?) {
        let n = values.count
        guard n > 0 else { return (0, nil, nil, nil) }
        func r(_ x: Double) -> Double { (x * 10).rounded() / 10 }
        if values.allSatisfy({ $0 == "зачёт" || $0 == "незачёт" }) {
            return (n, r(Double(values.filter { $0 == "зачёт" }.count) * 100 / Double(n)), nil, nil)
        }
        let c = { (v: String) in Double(values.filter { $0 == v }.count) }
        return (n, r((c("5") + c("4") + c("3")) * 100 / Double(n)), r((c("5") + c("4")) * 100 / Double(n)),
                r((c("5") * 100 + c("4") * 64 + c("3") * 36 + c("2") * 16) / Double(n)))
    }

    func final(_ p: String, _ subject: String) -> String? { school.finals.first { $0.pupil == p && $0.subject == subject }?.value }

    // MARK: quality

    @Test func qualityPerClassGroupSubjectAndTeacher() throws {
        let j = try run(.quality)
        #expect(j["definition"]?.string == "pupils")
        let rows = try #require(j["rows"]?.array)
        let end = "2026-10-25"
        let subjects = ["s1": "Математика", "s2": "Английский язык", "s3": "Физическая культура"]
        var checked = 0
        for cls in ["5А", "5Б"] {
            for (sid, sname) in subjects.sorted(by: { $0.key < $1.key }) {
                let groups: [String?] = cls == "5А" && sid == "s2" ? ["1 гр.", "2 гр."] : [nil]
                for g in groups {
                    let who = pupils(in: cls, on: end).filter { g == nil || school.groupOf[$0] == g }
                    let values = who.compactMap { final($0, sid) }
                    let want = figures(values)
                    let row = try #require(rows.first { $0["class"]?.string == cls && $0["subject"]?.string == sname && $0["group"]?.string == g },
                                           "row \(cls) \(sname) \(g ?? "")")
                    #expect(row["period"]?.string == "1 четверть")
                    #expect(row["n"]?.int == want.n, "\(cls) \(sname) \(g ?? "")")
                    #expect(row["success_pct"].flatMap(Self.number) == want.success, "\(cls) \(sname)")
                    #expect(row["quality_pct"].flatMap(Self.number) == want.quality, "\(cls) \(sname)")
                    #expect(row["sou"].flatMap(Self.number) == want.sou, "\(cls) \(sname)")
                    for v in ["5", "4", "3", "2"] { #expect(row["counts"]?[v]?.int == values.filter { $0 == v }.count) }
                    #expect(row["counts"]?["н/а"]?.int == 0)
                    checked += 1
                }
            }
        }
        #expect(checked == 7)
        // Teachers: most lessons, substitutes excluded (math 5А: t1; its one lesson by t2 and one substituted by t5 do not change that).
        let teacher = { (cls: String, subject: String, group: String?) in
            rows.first { $0["class"]?.string == cls && $0["subject"]?.string == subject && $0["group"]?.string == group }?["teacher"]?.string
        }
        #expect(teacher("5А", "Математика", nil) == "Иванова Анна Петровна")
        #expect(teacher("5А", "Английский язык", "1 гр.") == "Сидоров Олег Павлович")
        #expect(teacher("5А", "Английский язык", "2 гр.") == "Кузнецова Елена Юрьевна")
        // The leaver (a09: «2» in math) and the transferred pupil (a10: «5») are not in 5А's N; a10 is in 5Б's.
        let math5A = try #require(rows.first { $0["class"]?.string == "5А" && $0["subject"]?.string == "Математика" })
        #expect(math5A["n"]?.int == school.fiveA.count - 2)
        // PE is graded зачёт/незачёт: the success share only.
        let pe = try #require(rows.first { $0["class"]?.string == "5А" && $0["subject"]?.string == "Физическая культура" })
        #expect(pe["quality_pct"]?.isNull == true && pe["sou"]?.isNull == true)
    }

    @Test func qualityByMarksCountsCurrentMarks() throws {
        let j = try run(.quality, scope: .classNamed("5 а"), basis: .marks)
        #expect(j["definition"]?.string == "marks")
        let math = try #require(j["rows"]?.array?.first { $0["subject"]?.string == "Математика" })
        // Three marks per 5А pupil on 5А's math lessons (a10 and a09 included: they were there then).
        #expect(math["n"]?.int == school.fiveA.count * 3)
    }

    static func number(_ j: JSON) -> Double? {
        switch j { case .int(let i): return Double(i); case .double(let d): return d; default: return nil }
    }

    // MARK: summary sheets

    @Test func summaryMarksListsMoversWithNotesAndCountsOnlyThoseAtTheEnd() throws {
        let j = try run(.summaryMarks, scope: .grade(5))
        let sheets = try #require(j["sheets"]?.array)
        #expect(sheets.map { $0["class"]?.string } == ["5А", "5Б"])
        let a = sheets[0]
        #expect(a["subjects"]?.array?.map(\.string) == ["Математика", "Английский язык", "Физическая культура"])
        #expect(a["class_teacher"]?.string == "Иванова Анна Петровна")
        let listed = try #require(a["pupils"]?.array)
        // Everyone in 5А at some time in the period, by surname.
        let want = school.fiveA.sorted { ReportSchool.surnames[$0]! < ReportSchool.surnames[$1]! }
        #expect(listed.map { $0["file"]?.string } == want.map { "F-\($0)" })
        for p in listed {
            let id = String(p["file"]!.string!.dropFirst(2))
            #expect(p["marks"]?["Математика"]?.string == final(id, "s1"))
            #expect(p["marks"]?["Английский язык"]?.string == final(id, "s2"))
            #expect(p["counted"] == .bool(classOf(id, on: "2026-10-25") == "5А"))
        }
        #expect(listed.first { $0["file"]?.string == "F-a09" }?["note"]?.string == "выбыл(а) 10.10.2026")
        #expect(listed.first { $0["file"]?.string == "F-a10" }?["note"]?.string == "выбыл(а) 01.10.2026")
        let b = try #require(sheets[1]["pupils"]?.array)
        #expect(b.first { $0["file"]?.string == "F-a10" }?["note"]?.string == "прибыл(а) 01.10.2026")
        #expect(b.first { $0["file"]?.string == "F-b07" }?["note"]?.string == "прибыл(а) 15.09.2026")
        let mathTotals = try #require(a["subject_totals"]?.array?.first { $0["subject"]?.string == "Математика" })
        let values = pupils(in: "5А", on: "2026-10-25").compactMap { final($0, "s1") }
        #expect(mathTotals["n"]?.int == values.count)
        #expect(mathTotals["success_pct"].flatMap(Self.number) == figures(values).success)
    }

    @Test func summaryAttendanceTalliesReasonsAndWholeDays() throws {
        let j = try run(.summaryAttendance, scope: .grade(5))
        for sheet in try #require(j["sheets"]?.array) {
            let cls = try #require(sheet["class"]?.string)
            for p in try #require(sheet["pupils"]?.array) {
                let name = try #require(p["name"]?.string)
                let id = try #require(ReportSchool.surnames.first { name.hasPrefix($0.value + " ") }?.key)
                let mine = school.absences.filter { $0.pupil == id && $0.cls == cls && $0.date >= "2026-09-01" && $0.date <= "2026-10-25" }
                let missed = mine.filter { !$0.late }
                #expect(p["missed"]?.int == missed.count, "\(cls) \(id)")
                #expect(p["illness"]?.int == missed.filter { $0.reason == "Б" }.count)
                #expect(p["valid_reason"]?.int == missed.filter { $0.reason == "УП" }.count)
                #expect(p["no_valid_reason"]?.int == missed.filter { $0.reason == "НП" }.count)
                #expect(p["reason_not_entered"]?.int == missed.filter { $0.reason == nil }.count)
                #expect(p["late"]?.int == mine.filter(\.late).count)
                // A whole day: every lesson of the pupil's day missed (5А: 1, 2, 4, 5 and their own group's 3; 5Б: 1, 2, 3).
                let ownDay = cls == "5А" ? 5 : 3
                let days = Dictionary(grouping: missed, by: \.date).filter { Set($0.value.map(\.number)).count == ownDay }.count
                #expect(p["whole_days"]?.int == days, "\(cls) \(id)")
            }
        }
        // The edge cases by name: a01 missed a whole day, a02 one lesson of five, a06 four of five.
        let a = try #require(j["sheets"]?.array?.first)
        func pupil(_ surname: String) -> JSON? { a["pupils"]?.array?.first { $0["name"]?.string?.hasPrefix(surname) == true } }
        #expect(pupil("Абрамов")?["whole_days"]?.int == 1)
        #expect(pupil("Борисов")?["missed"]?.int == 1 && pupil("Борисов")?["whole_days"]?.int == 0)
        #expect(pupil("Егоров")?["missed"]?.int == 4 && pupil("Егоров")?["whole_days"]?.int == 0)
    }

    // MARK: movement and class sizes

    @Test func movementOfAPeriod() throws {
        let j = try run(.movement)
        let from = "2026-09-01", to = "2026-10-25"
        let inRange = school.moves.filter { $0.date >= from && $0.date <= to }
        for row in try #require(j["rows"]?.array) {
            let cls = try #require(row["class"]?.string)
            // Start: before the first day's movements; the first list is the start.
            #expect(row["start"]?.int == pupils(in: cls, on: "2026-08-31").count, "\(cls)")
            #expect(row["arrived"]?.int == inRange.filter { $0.to == cls }.count)
            #expect(row["left"]?.int == inRange.filter { $0.from == cls }.count)
            #expect(row["end"]?.int == pupils(in: cls, on: to).count)
        }
        let s = try #require(j["school"])
        #expect(s["start"]?.int == school.initialClass.count)
        #expect(s["arrived"]?.int == inRange.filter { $0.kind == "arrival" }.count)
        #expect(s["left"]?.int == inRange.filter { $0.kind == "withdrawal" }.count)
        #expect(s["end"]?.int == ["5А", "5Б", "1А"].map { pupils(in: $0, on: to).count }.reduce(0, +))
        let list = try #require(j["movements"]?.array)
        #expect(list.count == inRange.count)
        let transfer = try #require(list.first { $0["kind"]?.string == "transfer" })
        #expect(transfer["file"]?.string == "F-a10" && transfer["from"]?.string == "5А" && transfer["to"]?.string == "5Б" && transfer["date"]?.string == "2026-10-01")
    }

    @Test(arguments: ["2026-09-20", "2026-09-14", "2026-11-20"])
    func classSizesAtADate(date: String) throws {
        let j = try run(.classSizes, date: date)
        #expect(j["date"]?.string == date)
        let classes = try #require(j["classes"]?.array)
        for c in classes { #expect(c["pupils"]?.int == pupils(in: c["class"]!.string!, on: date).count, "\(date) \(c)") }
        #expect(j["total"]?.int == ["5А", "5Б", "1А"].map { pupils(in: $0, on: date).count }.reduce(0, +))
        #expect(j["grade1_first_year"]?.int == pupils(in: "1А", on: date).count)
    }

    // MARK: journal control

    @Test func journalControlFindsWhatWasPlanted() throws {
        let j = try run(.journalControl, from: "2026-11-23", to: "2026-11-29")
        let findings = try #require(j["findings"]?.array)
        var want: [String: Int] = [:]
        for p in school.planted { want[p.rule, default: 0] += 1 }
        var got: [String: Int] = [:]
        for f in findings { got[f["rule"]!.string!, default: 0] += 1 }
        #expect(got == want, "\(findings.map { $0.serialized() }.joined(separator: "\n"))")
        for (rule, n) in want { #expect(j["counts"]?[rule]?.int == n) }
        // Each finding names the teacher who keeps that record.
        #expect(findings.contains { $0["rule"]?.string == "R5" && $0["teacher"]?.string == "Сидоров Олег Павлович" && $0["what"]?.string?.contains("тема") == true })
        #expect(findings.contains { $0["rule"]?.string == "R6" && $0["teacher"]?.string == "Петрова Мария Ивановна" })
        #expect(findings.allSatisfy { ["R2", "R5", "R6", "R9"].contains($0["rule"]?.string ?? "") })
    }

    @Test func journalControlAtAPeriodsEndChecksFinalMarks() throws {
        let j = try run(.journalControl, from: "2026-10-19", to: "2026-10-25")
        let findings = try #require(j["findings"]?.array)
        let want = school.plantedFinals.map(\.rule).sorted() + school.planted.filter { $0.rule == "R2" }.map(\.rule)
        #expect(findings.map { $0["rule"]!.string! }.sorted() == want.sorted(), "\(findings.map { $0.serialized() })")
        #expect(findings.contains { $0["rule"]?.string == "R4" && $0["class"]?.string == "5Б" && $0["what"]?.string?.contains("7 итоговых") == true })
        #expect(findings.contains { $0["rule"]?.string == "R4" && $0["class"]?.string == "5А (2 гр.)" })
        #expect(findings.contains { $0["rule"]?.string == "R3" && $0["class"]?.string == "5А (1 гр.)" })
    }

    @Test func lastFullWeekIsMondayToSunday() {
        let (a, b) = JournalControlReport.lastFullWeek(CivilDate(iso: "2026-12-03")!)
        #expect(a == CivilDate(iso: "2026-11-23")! && b == CivilDate(iso: "2026-11-29")!)
        #expect(a.weekday == 1 && b.weekday == 7)
    }
}
