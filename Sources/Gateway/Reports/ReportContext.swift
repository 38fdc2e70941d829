import JournalModel
import JournalStore

/// What every report reads first, inside its read transaction: the school's classes, pupils,
/// periods, subjects, teachers and movements, and who was in which class on which day.
struct ReportContext {
    let schoolName: String
    let today: CivilDate
    let years: [ReportRows.Year]
    let periods: [ReportRows.Period]
    let subjects: [ReportRows.Subject]
    let subjectName: [String: String]
    let teachers: [String: String]
    let classes: [ReportRows.ClassUnit]
    let classByID: [String: ReportRows.ClassUnit]
    let classByName: [String: ReportRows.ClassUnit]
    let students: [ReportRows.Student]
    let studentByID: [String: ReportRows.Student]
    let movements: [ReportRows.Movement]
    let membership: Membership

    init(store: JournalStore) throws {
        schoolName = store.school.name
        today = store.today
        years = try store.reportYears()
        periods = try store.reportPeriods()
        subjects = try store.reportSubjects()
        subjectName = Dictionary(uniqueKeysWithValues: subjects.map { ($0.id, $0.name) })
        teachers = try store.reportTeachers()
        classes = try store.reportClasses().sorted { ReportContext.classOrder($0.name, $1.name) }
        classByID = Dictionary(uniqueKeysWithValues: classes.map { ($0.id, $0) })
        classByName = Dictionary(classes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        students = try store.reportStudents()
        studentByID = Dictionary(uniqueKeysWithValues: students.map { ($0.id, $0) })
        movements = try store.reportMovements()
        membership = Membership(students: students, movements: movements, classByID: classByID)
    }

    /// 1А < 1Б < 2А < 10А: by grade, then by the rest of the name.
    static func classOrder(_ a: String, _ b: String) -> Bool {
        let ga = ClassName.grade(of: a) ?? 0, gb = ClassName.grade(of: b) ?? 0
        return ga != gb ? ga < gb : a < b
    }

    /// The class teacher's name (классный руководитель).
    func classTeacher(_ c: ReportRows.ClassUnit) -> String { c.teacher.flatMap { teachers[$0] } ?? "" }

    /// The classes a scope names, in order.
    func classes(in scope: ReportScope) throws -> [ReportRows.ClassUnit] {
        switch scope {
        case .all: return classes
        case .grade(let g):
            let out = classes.filter { $0.grade == g }
            guard !out.isEmpty else { throw GatewayError.usage(.noGrade, ["grade": "\(g)"]) }
            return out
        case .classNamed(let raw):
            let name = ClassName.normalize(raw) ?? raw
            guard let c = classByName[name] else {
                throw GatewayError.usage(.noClassInJournal, ["class": raw, "classes": classes.prefix(12).map(\.name).joined(separator: ", ") + (classes.count > 12 ? ", …" : "")])
            }
            return [c]
        }
    }

    /// The periods a selection names (one, or every period of the current year for `--year`).
    func periods(for selection: PeriodSelection) throws -> [ReportRows.Period] {
        switch selection {
        case .named(let name):
            let matches = periods.filter { $0.name.lowercased() == name.lowercased() }
            guard !matches.isEmpty else {
                throw GatewayError.usage(.noPeriod, ["period": name, "periods": Set(periods.map(\.name)).sorted().joined(separator: ", ")])
            }
            // The same name in several years: the current year's, else the latest.
            let year = currentYear
            return [matches.first { $0.year == year?.id } ?? matches.max { $0.start < $1.start }!]
        case .year:
            guard let year = currentYear else { throw GatewayError.usage(.noYear) }
            let ps = periods.filter { $0.year == year.id }
            guard !ps.isEmpty else { throw GatewayError.usage(.yearWithoutPeriods, ["year": year.name]) }
            return ps
        case .current:
            guard let p = currentPeriod else { throw GatewayError.usage(.noStudyPeriod) }
            return [p]
        }
    }

    /// The year holding today, else the latest that started before it, else the first.
    var currentYear: ReportRows.Year? {
        years.first { $0.start <= today && today <= $0.end } ?? years.last { $0.start <= today } ?? years.first
    }

    /// The period holding today, else the latest that ended before it (a holiday), else the first.
    var currentPeriod: ReportRows.Period? {
        periods.first { $0.start <= today && today <= $0.end } ?? periods.last { $0.end < today } ?? periods.first
    }
}

/// Which classes a report covers.
enum ReportScope: Equatable {
    case all
    case grade(Int)
    case classNamed(String)
}

/// Which period a report covers.
enum PeriodSelection: Equatable {
    case current
    case named(String)
    case year
}
