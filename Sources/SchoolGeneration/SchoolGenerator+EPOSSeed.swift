import Adapters
import Foundation
import JournalModel
import PortalEmulator

/// Writes the ЭПОС.Школа emulator's seed (`school.json`, `students.json`,
/// `schedule_items.json`, `marks.json`, `attendances.json`, `final_marks.json`, see
/// docs/emulator.md) for a generated school: the portal's side of the same school, read back
/// from the generated files, with a realistic share of differences: marks changed (2 %),
/// missing (1 %) or only on the portal (1 %), and absences missing (1 %).
///
/// One pass over `journal.jsonl`: marks, absences and final marks are written as they are
/// read; only the reference data and the schedule items (their homework follows them) are
/// kept. Every file is created 0600: the pupils' data and the portal's password.
public struct EPOSSeedWriter {
    public let school: String          // a generated school's directory
    public let out: String
    public let seed: UInt64

    public init(school: String, out: String, seed: UInt64) { self.school = school; self.out = out; self.seed = seed }

    /// The generator's zone (Samara, +04:00): the offset of every `updated_at`.
    static let zone = TimeZone(identifier: "Europe/Samara")!

    /// Portal subject codes by subject name, from `mappings/epos/subjects.tsv`: a subject is
    /// written under the journal's own name, which must be a portal name there.
    static func subjectCodes() throws -> [String: String] {
        let path = MappingsDirectory.path(ProcessInfo.processInfo.environment) + "/epos/subjects.tsv"
        let table: CodeTable
        do { table = try CodeTable(path: path, required: ["portal_name", "portal_code"]) } catch let e as CodeTableError {
            throw GenerationError.badInput(e.message)
        }
        var codes: [String: String] = [:]
        for row in table.rows {
            if let name = row["portal_name"], let code = row["portal_code"], codes[name] == nil { codes[name] = code }
        }
        return codes
    }

    /// Absence reasons: ids differ per region (the gateway maps them by name).
    static let reasons: [(id: Int, name: String, code: String)] = [
        (11, "Болезнь", "Б"), (12, "Уважительная причина", "УП"), (13, "Без уважительной причины", "НП"),
    ]

    /// Subjects with a control form the journal never uses (the portal has more forms than marks).
    static let laboratorySubjects: Set<String> = ["Физика", "Химия"]

    public func write() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let pupils = try ContingentSeedSource.read(school + "/contingent.csv")
        var b = Builder(rng: SeededRandom(seed: seed ^ 0xE905), subjectCodes: try Self.subjectCodes())
        for p in pupils { _ = b.ids.id("student", "stu-" + (p.fileNumber ?? "")) }   // st-4001… in the list's order
        let marks = try JSONArrayFile(out + "/marks.json")
        let attendances = try JSONArrayFile(out + "/attendances.json")
        let finals = try JSONArrayFile(out + "/final_marks.json")
        try forEachJSONLine(school + "/journal.jsonl") { j in
            try b.read(j, marks: marks, attendances: attendances, finals: finals)
        }
        try marks.close(); try attendances.close(); try finals.close()
        try SchoolGenerator.LineFile.write(b.schoolDocument().pretty() + "\n", to: out + "/school.json")
        try writeStudents(pupils, b)
        let items = try JSONArrayFile(out + "/schedule_items.json")
        for item in b.items { items.append(item.row) }
        try items.close()
    }

    private func writeStudents(_ pupils: [ContingentRow], _ b: Builder) throws {
        let file = try JSONArrayFile(out + "/students.json")
        let listed = b.yearBegin.adding(days: -4)   // the contingent was loaded before the year
        for (n, p) in pupils.enumerated() {
            guard let id = b.ids.existing("student", "stu-" + (p.fileNumber ?? "")), let classID = b.ids.existing("class", "cls-" + p.className) else {
                throw GenerationError.failure("contingent.csv line \(p.line): class \(p.className) is not in journal.jsonl")
            }
            file.append(.object([
                ("id", .string(id)), ("class_unit_id", .string(classID)),
                ("last_name", .string(p.surname)), ("first_name", .string(p.name)), ("middle_name", p.patronymic.map(JSON.string) ?? .null),
                ("birth_date", p.birthDate.map { .string($0.description) } ?? .null), ("personal_file", p.fileNumber.map(JSON.string) ?? .null),
                ("snils", p.snils.flatMap(Snils.digits).map(JSON.string) ?? .null),
                ("updated_at", .string(Self.stamp(listed, 10 * 3600 + n, ms: 0))),
            ]))
        }
        try file.close()
    }

    /// A moment of a school day in the school's zone: `2025-09-01T09:18:12.345+04:00`.
    static func stamp(_ day: CivilDate, _ secondsOfDay: Int, ms: Int) -> String {
        let noon = Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + 43_200)
        let offset = zone.secondsFromGMT(for: noon)
        let utc = (Int64(day.daysSinceEpoch) * 86_400 + Int64(secondsOfDay - offset)) * 1000 + Int64(ms)
        return EPOSTime.render(utc, in: zone)
    }

    /// When lesson `number` starts (8:30, then every 55 minutes), in seconds of the day.
    static func lessonStart(_ number: Int) -> Int { (8 * 60 + 30 + (number - 1) * 55) * 60 }
}

// MARK: - Reading the journal

extension EPOSSeedWriter {
    /// Portal ids for the journal's ids (`cls-5А` → `cu-101`), numbered per kind in order of
    /// appearance. Teachers keep the journal's ids (`t-7`), as in `samples/epos`: formats/epos.md
    /// has no list of teachers, so the gateway knows a portal's teacher by an id the journal shares.
    struct PortalIDs {
        static let kinds: [String: (prefix: String, start: Int)] = [
            "year": ("y", 0), "period": ("pr", 0), "teacher": ("t", 300), "class": ("cu", 100), "group": ("g", 800), "student": ("st", 4000),
        ]
        private var ids: [String: String] = [:]
        private var next: [String: Int] = [:]

        mutating func id(_ kind: String, _ local: String) -> String {
            let key = kind + "/" + local
            if let v = ids[key] { return v }
            if kind == "teacher" { ids[key] = local; return local }
            let k = Self.kinds[kind]!
            let n = (next[kind] ?? k.start) + 1
            next[kind] = n
            ids[key] = "\(k.prefix)-\(n)"
            return ids[key]!
        }

        func existing(_ kind: String, _ local: String) -> String? { ids[kind + "/" + local] }
    }

    /// A schedule item kept until the end: its homework comes on a later line.
    struct Item {
        let id: String
        let pairs: [(String, JSON)]
        var homework: JSON = .null
        var updatedAt: String
        let date: CivilDate
        let number: Int
        let subject: Int

        var row: JSON {
            .object(pairs + [("homework", homework), ("external_id", .null), ("updated_at", .string(updatedAt)), ("deleted_at", .null)])
        }
    }

    struct Subject { let portalID: String; let name: String; let code: String }

    /// What one pass over the journal collects, and the portal's differences it draws.
    struct Builder {
        let subjectCodes: [String: String]   // portal name → code
        var rng: SeededRandom
        var ids = PortalIDs()
        var year: JSON = .null
        var yearBegin = CivilDate(year: 2000, month: 9, day: 1)!
        var periods: [JSON] = []
        var subjects: [Subject] = []
        var subjectIndex: [String: Int] = [:]
        var workTypes: [String] = []          // the journal's work type names, in order
        var workTypeIndex: [String: Int] = [:]
        var teachers: [JSON] = []
        var classes: [JSON] = []
        var classNames: [String: String] = [:]   // portal class id → «5-А»
        var groups: [(local: String, pairs: [(String, JSON)])] = []
        var groupMembers: [String: [String]] = [:]
        var items: [Item] = []
        var lessonItems: [String: Int] = [:]   // the journal's lesson id → index in `items`
        var markNo = 500_000, attendanceNo = 700_000, finalNo = 100

        init(rng: SeededRandom, subjectCodes: [String: String]) { self.rng = rng; self.subjectCodes = subjectCodes }

        mutating func read(_ j: JSON, marks: JSONArrayFile, attendances: JSONArrayFile, finals: JSONArrayFile) throws {
            guard let type = j["type"]?.string, let lid = j["id"]?.string else { return }
            switch type {
            case "year": readYear(j, lid)
            case "period":
                periods.append(.object([("id", .string(ids.id("period", lid))), ("name", j["name"] ?? .null),
                                        ("begin_date", j["start_date"] ?? .null), ("end_date", j["end_date"] ?? .null)]))
            case "subject": try readSubject(j, lid)
            case "work_type":
                workTypeIndex[lid] = workTypes.count
                workTypes.append(j["name"]?.string ?? lid)
            case "teacher":
                teachers.append(.object([("id", .string(ids.id("teacher", lid))), ("last_name", j["surname"] ?? .null),
                                         ("first_name", j["name"] ?? .null), ("middle_name", j["patronymic"] ?? .null)]))
            case "class": readClass(j, lid)
            case "group": try readGroup(j, lid)
            case "group_member":
                groupMembers[j["group"]?.string ?? "", default: []].append(try ref("student", j, "student"))
            case "lesson": try readLesson(j, lid)
            case "homework": try readHomework(j)
            case "mark": try readMark(j, to: marks)
            case "attendance": try readAttendance(j, to: attendances)
            case "final_mark": try readFinalMark(j, to: finals)
            default: break
            }
        }

        /// The portal id of a reference the journal line makes; an unknown one is an error.
        func ref(_ kind: String, _ j: JSON, _ field: String) throws -> String {
            let local = j[field]?.string ?? ""
            guard let id = ids.existing(kind, local) else {
                throw GenerationError.failure("journal.jsonl: \(j["type"]?.string ?? "?") \(j["id"]?.string ?? "?"): \(field) «\(local)» is not known")
            }
            return id
        }

        /// The index in `items` of the line's lesson; an unknown one is an error.
        func itemIndex(_ j: JSON) throws -> Int {
            guard let i = lessonItems[j["lesson"]?.string ?? ""] else {
                throw GenerationError.failure("journal.jsonl: \(j["type"]?.string ?? "?") \(j["id"]?.string ?? "?"): its lesson is not known")
            }
            return i
        }

        func item(_ j: JSON) throws -> Item { items[try itemIndex(j)] }

        mutating func readYear(_ j: JSON, _ lid: String) {
            yearBegin = CivilDate(iso: j["start_date"]?.string ?? "") ?? yearBegin
            // The portal spells a year with a hyphen (`2025-2026`); the journal with a slash.
            let name = (j["name"]?.string ?? "").replacingOccurrences(of: "/", with: "-")
            year = .object([("id", .string(ids.id("year", lid))), ("name", .string(name)),
                            ("begin_date", j["start_date"] ?? .null), ("end_date", j["end_date"] ?? .null)])
        }

        mutating func readSubject(_ j: JSON, _ lid: String) throws {
            let name = j["name"]?.string ?? ""
            guard let code = subjectCodes[name] else {
                throw GenerationError.failure("journal.jsonl: subject «\(name)» is not a portal_name in mappings/epos/subjects.tsv")
            }
            subjectIndex[lid] = subjects.count
            subjects.append(Subject(portalID: "s-" + code.lowercased(), name: name, code: code))
        }

        mutating func readClass(_ j: JSON, _ lid: String) {
            let name = j["name"]?.string ?? lid
            let grade = j["grade"]?.int ?? ClassName.grade(of: name) ?? 0
            let digits = String(grade)
            // The portal writes a class with a hyphen: `5А` → `5-А`.
            let portalName = name.hasPrefix(digits) && name.count > digits.count ? digits + "-" + name.dropFirst(digits.count) : name
            let id = ids.id("class", lid)
            classNames[id] = portalName
            classes.append(.object([("id", .string(id)), ("name", .string(portalName)), ("parallel", .int(grade))]))
        }

        mutating func readGroup(_ j: JSON, _ lid: String) throws {
            let classID = try ref("class", j, "class")
            guard let s = subjectIndex[j["subject"]?.string ?? ""] else {
                throw GenerationError.failure("journal.jsonl: group \(lid): its subject is not known")
            }
            // `5-А англ. 1 гр.`: the gateway reads the number before «гр.».
            let short = subjects[s].name.lowercased().prefix(4)
            let name = "\(classNames[classID] ?? "") \(short). \(j["name"]?.string ?? "")"
            groups.append((lid, [("id", .string(ids.id("group", lid))), ("class_unit_id", .string(classID)),
                                 ("subject_id", .string(subjects[s].portalID)), ("name", .string(name))]))
        }

        /// A lesson as a schedule item. ЭПОС names who taught (`teacher_id`) and whom they
        /// replaced (`replaced_teacher_id`); the journal the regular teacher and the substitute.
        mutating func readLesson(_ j: JSON, _ lid: String) throws {
            guard let date = CivilDate(iso: j["date"]?.string ?? ""), let number = j["number"]?.int,
                  let s = subjectIndex[j["subject"]?.string ?? ""] else {
                throw GenerationError.failure("journal.jsonl: lesson \(lid): no date, number or known subject")
            }
            let regular = try j["teacher"]?.string.map { _ in try ref("teacher", j, "teacher") }
            // A «substitute» who is the regular teacher is no substitution (ЭПОС refuses replaced == teacher).
            let substitute = try j["substitute"]?.string.map { _ in try ref("teacher", j, "substitute") }.flatMap { $0 == regular ? nil : $0 }
            let group = try j["group"]?.string.map { _ in try ref("group", j, "group") }
            let id = "si-\(100_001 + items.count)"
            let pairs: [(String, JSON)] = [
                ("id", .string(id)), ("class_unit_id", .string(try ref("class", j, "class"))), ("date", .string(date.description)),
                ("lesson_number", .int(number)), ("subject_id", .string(subjects[s].portalID)), ("group_id", group.map(JSON.string) ?? .null),
                ("teacher_id", (substitute ?? regular).map(JSON.string) ?? .null),
                ("replaced_teacher_id", substitute == nil ? .null : regular.map(JSON.string) ?? .null), ("topic", j["topic"] ?? .null),
            ]
            let saved = EPOSSeedWriter.stamp(date, EPOSSeedWriter.lessonStart(number) + 40 * 60 + rng.below(600), ms: rng.below(1000))
            lessonItems[lid] = items.count
            items.append(Item(id: id, pairs: pairs, updatedAt: saved, date: date, number: number, subject: s))
        }

        /// Homework is a field of its schedule item, given in the evening after the lesson.
        mutating func readHomework(_ j: JSON) throws {
            let i = try itemIndex(j)
            items[i].homework = .object([("text", j["text"] ?? .null), ("due_date", j["due"] ?? .null)])
            items[i].updatedAt = EPOSSeedWriter.stamp(items[i].date, 17 * 3600 + rng.below(4 * 3600), ms: rng.below(1000))
        }

        /// The subject's control form for a work type (`cf-<subject><form>`).
        func controlForm(subject: Int, workType: Int) -> String { "cf-\((subject + 1) * 100 + workType + 1)" }

        mutating func readMark(_ j: JSON, to file: JSONArrayFile) throws {
            let item = try item(j)
            let student = try ref("student", j, "student")
            guard let wt = workTypeIndex[j["work_type"]?.string ?? ""] else {
                throw GenerationError.failure("journal.jsonl: mark \(j["id"]?.string ?? "?"): its work type is not known")
            }
            if rng.chance(0.01) { return }   // not (yet) on the portal
            var value = j["value"]?.string
            if let v = value, rng.chance(0.02) { value = rng.pick(["2", "3", "4", "5"].filter { $0 != v }) }   // changed on the portal
            appendMark(item, student, form: controlForm(subject: item.subject, workType: wt), value: value,
                       weight: j["weight"]?.int ?? 1, to: file)
            if rng.chance(0.01) {
                // Only on the portal: a second mark of another kind of work in the same lesson.
                let other = (wt + 1) % workTypes.count
                appendMark(item, student, form: controlForm(subject: item.subject, workType: other), value: rng.pick(["3", "4", "5"]),
                           weight: workTypes[other] == "Контрольная работа" ? 2 : 1, to: file)
            }
        }

        /// A mark row; a «точка» (no value) is due a week after the lesson.
        mutating func appendMark(_ item: Item, _ student: String, form: String, value: String?, weight: Int, to file: JSONArrayFile) {
            markNo += 1
            let saved = EPOSSeedWriter.stamp(item.date, EPOSSeedWriter.lessonStart(item.number) + 300 + rng.below(2100), ms: rng.below(1000))
            file.append(.object([
                ("id", .string("mk-\(markNo)")), ("student_id", .string(student)), ("schedule_item_id", .string(item.id)),
                ("control_form_id", .string(form)), ("value", value.map(JSON.string) ?? .null), ("weight", .int(weight)),
                ("is_point", .bool(value == nil)), ("point_date", value == nil ? .string(item.date.adding(days: 7).description) : .null),
                ("comment", .null), ("is_exam", .bool(false)), ("external_id", .null), ("updated_at", .string(saved)), ("deleted_at", .null),
            ]))
        }

        /// An absence (reason by its code, or none yet) or a lateness (`late_minutes`).
        mutating func readAttendance(_ j: JSON, to file: JSONArrayFile) throws {
            let item = try item(j)
            let student = try ref("student", j, "student")
            if rng.chance(0.01) { return }   // not (yet) marked on the portal
            let late = j["kind"]?.string == "late"
            let reason = late ? nil : j["reason"]?.string.flatMap { code in EPOSSeedWriter.reasons.first { $0.code == code }?.id }
            attendanceNo += 1
            let saved = EPOSSeedWriter.stamp(item.date, EPOSSeedWriter.lessonStart(item.number) + 60 + rng.below(600), ms: rng.below(1000))
            file.append(.object([
                ("id", .string("at-\(attendanceNo)")), ("student_id", .string(student)), ("schedule_item_id", .string(item.id)),
                ("absence_reason_id", reason.map(JSON.int) ?? .null), ("late_minutes", late ? .int(3 + rng.below(18)) : .null),
                ("external_id", .null), ("updated_at", .string(saved)), ("deleted_at", .null),
            ]))
        }

        /// A final mark, saved on the last day of its period.
        mutating func readFinalMark(_ j: JSON, to file: JSONArrayFile) throws {
            let student = try ref("student", j, "student"), period = try ref("period", j, "period")
            guard let s = subjectIndex[j["subject"]?.string ?? ""], let value = j["value"]?.string else {
                throw GenerationError.failure("journal.jsonl: final mark \(j["id"]?.string ?? "?"): no known subject or no value")
            }
            let end = periods.first { $0["id"]?.string == period }?["end_date"]?.string.flatMap(CivilDate.init(iso:)) ?? yearBegin
            finalNo += 1
            file.append(.object([
                ("id", .string("fm-\(finalNo)")), ("student_id", .string(student)), ("subject_id", .string(subjects[s].portalID)),
                ("period_id", .string(period)), ("value", .string(value)), ("external_id", .null),
                ("updated_at", .string(EPOSSeedWriter.stamp(end, 14 * 3600 + rng.below(3 * 3600), ms: rng.below(1000)))), ("deleted_at", .null),
            ]))
        }
    }
}

// MARK: - school.json

extension EPOSSeedWriter.Builder {
    func schoolDocument() -> JSON {
        var forms: [JSON] = []
        for (s, subject) in subjects.enumerated() {
            var names = workTypes
            if EPOSSeedWriter.laboratorySubjects.contains(subject.name) { names.append("Лабораторная работа") }
            for (w, name) in names.enumerated() {
                forms.append(.object([("id", .string(controlForm(subject: s, workType: w))), ("subject_id", .string(subject.portalID)),
                                      ("name", .string(name)), ("weight", .int(name == "Контрольная работа" ? 2 : 1)),
                                      ("grade_system_type", .string("five"))]))
            }
        }
        let groupRows: [JSON] = groups.map { g in
            .object(g.pairs + [("student_ids", .array((groupMembers[g.local] ?? []).map(JSON.string)))])
        }
        return .object([
            ("school_id", .string("63-0001")), ("name", .string("МБОУ «Школа № 1»")), ("time_zone", .string(EPOSSeedWriter.zone.identifier)),
            ("login", .string("gateway")), ("password", .string("Журнал2026")), ("profile_id", .string("p-301")),
            ("academic_year", year), ("periods", .array(periods)),
            ("subjects", .array(subjects.map { .object([("id", .string($0.portalID)), ("name", .string($0.name)), ("code", .string($0.code))]) })),
            ("control_forms", .array(forms)),
            ("absence_reasons", .array(EPOSSeedWriter.reasons.map { .object([("id", .int($0.id)), ("name", .string($0.name))]) })),
            ("teachers", .array(teachers)), ("class_units", .array(classes)), ("groups", .array(groupRows)),
        ])
    }
}

// MARK: - Output

/// A JSON array written one row a line as rows come (`[`, rows separated by commas, `]`),
/// through the generator's buffered 0600 line file.
final class JSONArrayFile {
    private let file: SchoolGenerator.LineFile
    private var pending: String?

    init(_ path: String) throws {
        file = try SchoolGenerator.LineFile(path)
        file.write("[")
    }

    func append(_ row: JSON) {
        if let p = pending { file.write("  " + p + ",") }
        pending = row.serialized()
    }

    func close() throws {
        if let p = pending { file.write("  " + p) }
        file.write("]")
        try file.close()
    }
}
