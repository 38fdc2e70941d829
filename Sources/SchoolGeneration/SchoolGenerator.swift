import Foundation
import Formats
import JournalModel

/// Writes a deterministic, realistic synthetic school for benchmarks and rehearsals:
/// the secretary's contingent list (cp1251 CSV and xlsx) and a year of the native
/// journal (JSON Lines). 2,000 students over a whole year is about a million records.
///
/// Lessons stop at yesterday in the school's time zone (R2: nothing in advance), so
/// `--year 2025` gives a whole past year and the current year gives the year so far.
public struct SchoolGenerator {
    public var students: Int
    public var year: Int
    public var seed: UInt64
    public var today: CivilDate

    public init(students: Int, year: Int, seed: UInt64, today: CivilDate) {
        self.students = students; self.year = year; self.seed = seed; self.today = today
    }

    public struct Counts: Sendable {
        public var byKind: [EntityKind: Int] = [:]
        public var total: Int { byKind.values.reduce(0, +) }
    }

    struct Pupil { let id: String; let file: String; let surname: String; let name: String; let patronymic: String
                   let birth: CivilDate; let snils: String; let male: Bool; let classIndex: Int; let guardians: [Int] }
    struct Parent { let surname: String; let name: String; let patronymic: String; let phone: String }
    struct ClassInfo { let id: String; let name: String; let grade: Int; let teacher: String }

    static let subjectsByGrade: [(id: String, name: String, grades: ClosedRange<Int>, perWeek: Int)] = [
        ("sub-rus", "Русский язык", 1...11, 4), ("sub-lit", "Литература", 2...11, 2), ("sub-math", "Математика", 1...6, 5),
        ("sub-alg", "Алгебра", 7...11, 3), ("sub-geom", "Геометрия", 7...11, 2), ("sub-eng", "Английский язык", 2...11, 3),
        ("sub-world", "Окружающий мир", 1...4, 2), ("sub-hist", "История", 5...11, 2), ("sub-soc", "Обществознание", 6...11, 1),
        ("sub-geo", "География", 5...11, 1), ("sub-bio", "Биология", 5...11, 1), ("sub-phys", "Физика", 7...11, 2),
        ("sub-chem", "Химия", 8...11, 2), ("sub-inf", "Информатика", 7...11, 1), ("sub-pe", "Физическая культура", 1...11, 2),
        ("sub-art", "Изобразительное искусство", 1...7, 1), ("sub-mus", "Музыка", 1...8, 1), ("sub-tech", "Технология", 1...8, 1),
    ]
    static let workTypes = [("wt-answer", "Ответ на уроке", "О"), ("wt-hw", "Домашнее задание", "ДЗ"),
                            ("wt-test", "Контрольная работа", "КР"), ("wt-self", "Самостоятельная работа", "СР")]
    static let surnames = ["Иванов", "Петров", "Соколов", "Кузнецов", "Попов", "Лебедев", "Козлов", "Новиков", "Морозов", "Волков",
                           "Алексеев", "Семёнов", "Павлов", "Голубев", "Виноградов", "Богданов", "Воробьёв", "Фролов", "Зайцев", "Орлов",
                           "Андреев", "Макаров", "Никитин", "Захаров", "Борисов", "Ковалёв", "Ильин", "Гусев", "Титов", "Кузьмин"]
    static let maleNames = ["Артём", "Максим", "Иван", "Михаил", "Дмитрий", "Даниил", "Кирилл", "Егор", "Матвей", "Тимофей", "Лев", "Фёдор", "Роман", "Марк"]
    static let femaleNames = ["Мария", "Анна", "Софья", "Алиса", "Виктория", "Полина", "Ева", "Дарья", "Варвара", "Ксения", "Алёна", "Вероника", "Милана"]
    static let fathers = ["Сергей", "Александр", "Андрей", "Алексей", "Дмитрий", "Игорь", "Олег", "Павел", "Николай", "Юрий"]
    static let mothers = ["Ульяна", "Елена", "Ольга", "Татьяна", "Наталья", "Юлия", "Екатерина", "Ирина", "Светлана", "Анна"]
    static let letters = Array("АБВГДЕЖЗИКЛМН")

    static func feminine(_ surname: String) -> String { surname + "а" }
    static func patronymic(_ father: String, male: Bool) -> String {
        let stem = father.hasSuffix("й") ? String(father.dropLast()) + "е" : father + "о"
        return stem + (male ? "вич" : "вна")
    }

    static func snils(_ n: Int) -> String {
        let nine = String(format: "%09d", 100_000_000 + n % 899_999_999)
        let d = nine.compactMap(\.wholeNumberValue)
        var sum = 0
        for i in 0..<9 { sum += d[i] * (9 - i) }
        var c = sum % 101
        if c == 100 { c = 0 }
        return nine + String(format: "%02d", c)
    }

    /// School days of the academic year up to yesterday: Monday to Friday without the holidays.
    func schoolDays() -> [CivilDate] {
        let start = CivilDate(year: year, month: 9, day: 1)!
        let end = min(CivilDate(year: year + 1, month: 5, day: 25)!, today.adding(days: -1))
        let breaks = [(CivilDate(year: year, month: 10, day: 26)!, CivilDate(year: year, month: 11, day: 4)!),
                      (CivilDate(year: year, month: 12, day: 29)!, CivilDate(year: year + 1, month: 1, day: 11)!),
                      (CivilDate(year: year + 1, month: 3, day: 23)!, CivilDate(year: year + 1, month: 3, day: 31)!)]
        var out: [CivilDate] = []
        var d = start
        while d <= end {
            if d.weekday <= 5 && !breaks.contains(where: { d >= $0.0 && d <= $0.1 }) { out.append(d) }
            d = d.adding(days: 1)
        }
        return out
    }

    var periods: [(id: String, name: String, start: CivilDate, end: CivilDate)] {
        [("p-\(year)-1", "1 четверть", CivilDate(year: year, month: 9, day: 1)!, CivilDate(year: year, month: 10, day: 25)!),
         ("p-\(year)-2", "2 четверть", CivilDate(year: year, month: 11, day: 5)!, CivilDate(year: year, month: 12, day: 28)!),
         ("p-\(year)-3", "3 четверть", CivilDate(year: year + 1, month: 1, day: 12)!, CivilDate(year: year + 1, month: 3, day: 22)!),
         ("p-\(year)-4", "4 четверть", CivilDate(year: year + 1, month: 4, day: 1)!, CivilDate(year: year + 1, month: 5, day: 25)!)]
    }
}
