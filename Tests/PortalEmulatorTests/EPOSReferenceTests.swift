import Foundation
import JournalModel
import Testing
@testable import PortalEmulator

struct EPOSReferenceTests {
    @Test func referenceDataAsTheDocumentShowsIt() throws {
        let e = try startEPOS()
        defer { e.stop() }
        let c = try EPOSClient(e)
        let years = try c.get("/core/api/academic_years?current=true").json
        #expect(years == .array([obj(["id": "y-2026", "name": "2026-2027", "begin_date": "2026-09-01", "end_date": "2027-05-31"])]))
        #expect(try c.get("/core/api/periods").json.array?.first?["name"]?.string == "1 четверть")
        let subjects = try c.get("/core/api/subjects").json.array ?? []
        #expect(subjects.first == obj(["id": "s-math", "name": "Математика", "code": "MAT"]) && subjects.count == 7)

        let forms = try c.get("/core/api/control_forms?subject_id=s-math").json.array ?? []
        #expect(forms.map { $0["name"]?.string ?? "" } == ["Ответ на уроке", "Контрольная работа", "Домашнее задание", "Самостоятельная работа"])
        #expect(forms[1]["id"]?.string == "cf-12" && forms[1]["weight"]?.int == 2 && forms[1]["grade_system_type"]?.string == "five")
        #expect(try c.get("/core/api/control_forms?subject_id=s-phys").json.array?.count == 5)
        #expect(try c.get("/core/api/control_forms?subject_id=s-none").status == 404)

        let reasons = try c.get("/core/api/absence_reasons").json
        #expect(reasons == .array([obj(["id": 6, "name": "Болезнь"]), obj(["id": 7, "name": "Уважительная причина"]),
                                   obj(["id": 8, "name": "Без уважительной причины"])]))

        let classes = try c.get("/core/api/class_units").json.array ?? []
        #expect(classes.map { $0["name"]?.string ?? "" } == ["1-А", "5-А", "5-Б", "9-А"])
        #expect(classes.compactMap { $0["name"]?.string.flatMap(ClassName.normalize) } == ["1А", "5А", "5Б", "9А"])
        #expect(classes[1] == obj(["id": "cu-5a", "name": "5-А", "parallel": 5]))

        let groups = try c.get("/core/api/groups?class_unit_id=cu-5a").json.array ?? []
        #expect(groups.map { $0["name"]?.string ?? "" } == ["5-А англ. 1 гр.", "5-А англ. 2 гр."])
        #expect(groups.allSatisfy { $0["subject_id"]?.string == "s-eng" && $0["student_ids"]?.array?.count == 4 })
        #expect(try c.get("/core/api/groups?class_unit_id=cu-9a").json.array?.isEmpty == true)
        #expect(try c.get("/core/api/groups?class_unit_id=cu-7z").status == 404)
        #expect(try c.get("/core/api/teachers").status == 404, "the document has no list of teachers")

        let pupils = try c.get("/core/api/students?class_unit_id=cu-5a").json.array ?? []
        #expect(pupils.count == 8)
        let zaitseva = try #require(pupils.first { $0["last_name"]?.string == "Зайцева" })
        #expect(zaitseva["personal_file"]?.string == "05-1011" && zaitseva["snils"]?.string == "10008711890")
        #expect(zaitseva["updated_at"]?.string == "2026-08-28T10:00:00.000+05:00" && zaitseva["id"]?.string?.hasPrefix("st-") == true)
        let one = try c.get("/core/api/students/\(zaitseva["id"]!.string!)")
        #expect(one.status == 200 && one.json == zaitseva && one.headers["ETag"] != nil)
    }

    /// The seed is the АСУ РСО sample's school, moved to Perm: the same pupils, name for name.
    @Test func theSeedIsTheSameSchoolAsTheASURSOSample() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: sampleSeed + "/students.json")))
        let asu: [JSON] = try JSON.parse(bytes: bytes)["students"]?.array ?? []
        let state = try EPOSState.load(seedDirectory: eposSeed)
        let students: [EPOSRecord] = Array(state.all(.student))
        #expect(students.count == asu.count && asu.count == 26)
        for a in asu {
            let file = a["personalFileNumber"]!.string!
            let s = try #require(students.first { $0.string("personal_file") == file }, "\(file)")
            #expect(s.string("last_name") == a["lastName"]?.string && s.string("first_name") == a["firstName"]?.string)
            #expect(s["middle_name"] == (a["middleName"] ?? .null) && s.string("birth_date") == a["birthDate"]?.string)
            #expect(s.string("snils") == a["snils"]?.string.flatMap(Snils.digits), "\(file)")
        }
        let counts = Dictionary(uniqueKeysWithValues: state.objectCounts)
        // The journal's week (80 lessons, 109 marks, 14 absences and lates, 1 final mark) plus
        // portal-only rows; one schedule item and one mark are soft-deleted.
        #expect(counts == ["student": 26, "schedule_item": 80, "mark": 111, "attendance": 16, "final_mark": 2])
        #expect(state.all(.scheduleItem).count == 81 && state.all(.mark).count == 112)
        // The substitution of 9 September: teacher_id is who taught, replaced_teacher_id whom they replaced.
        let substituted: [EPOSRecord] = state.all(.scheduleItem).filter { !$0["replaced_teacher_id"].isNull }
        let who: [[String?]] = substituted.map { [$0.string("teacher_id"), $0.string("replaced_teacher_id"), $0.string("date")] }
        #expect(who == [["t-302", "t-301", "2026-09-09"]])
    }

    /// The first column of a code table in `mappings/epos/` (comments and the header left out).
    static func mapped(_ table: String) throws -> Set<String> {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("mappings/epos/\(table)"), encoding: .utf8)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.dropFirst()
        return Set(lines.compactMap { $0.split(separator: "\t").first.map(String.init) })
    }

    @Test func everyCodeOfTheSeedHasALineInTheCodeTables() throws {
        let school = try EPOSState.load(seedDirectory: eposSeed).school
        #expect(Set(school.subjects.map(\.name)).isSubset(of: try Self.mapped("subjects.tsv")))
        #expect(Set(school.controlForms.map(\.name)).isSubset(of: try Self.mapped("control_forms.tsv")))
        #expect(Set(school.absenceReasons.map(\.name)) == Set(["Болезнь", "Уважительная причина", "Без уважительной причины"]))
        #expect(Set(school.absenceReasons.map(\.name)).isSubset(of: try Self.mapped("absence_reasons.tsv")))
        #expect(try Self.mapped("mark_values.tsv") == Set(EPOSCodes.markValues))
    }

    @Test func statsHaveTheDocumentedShape() throws {
        let e = try startEPOS()
        defer { e.stop() }
        let stats = try control(e, "GET", "/_emulator/stats")
        guard case .object(let pairs) = stats, case .object(let objects)? = stats["objects"] else { Issue.record("not an object"); return }
        #expect(pairs.map(\.0) == ["objects", "operations_applied", "idempotent_replays", "faults_injected", "duplicate_external_ids",
                                   "precondition_failures"])
        #expect(objects.map(\.0) == ["student", "schedule_item", "mark", "attendance", "final_mark"])
        #expect(stats == e.stats() && stats["operations_applied"]?.int == 0)
    }
}
