import Foundation
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

/// A small hand-built school for the report tests, written through the store's real gate with
/// the change log's clock set per write (Europe/Samara, UTC+4). It keeps, as plain lists, what
/// it wrote — who moved when, every final mark, every absence, every planted control finding —
/// so that the tests compute their expected figures from these lists, not through the reports.
///
/// 5А (10 pupils a01…a10, English split into groups «1 гр.» a01–a05 and «2 гр.» a06–a10),
/// 5Б (b01…b06), 1А (c01…c03); a09 leaves the school on 10.10, a10 moves 5А → 5Б on 01.10,
/// b07 arrives in 5Б on 15.09; 1 четверть 01.09–25.10, 2 четверть 05.11–28.12.
final class ReportSchool {
    let dir: TempDir
    let path: String
    let store: JournalStore
    static let zone = TimeZone(identifier: "Europe/Samara")!

    // What was written, for the expectations.
    var initialClass: [String: String] = [:]                   // pupil → class at the first list
    var moves: [(pupil: String, kind: String, date: String, from: String?, to: String?)] = []
    var finals: [(pupil: String, subject: String, value: String)] = []   // 1 четверть
    var absences: [(pupil: String, lesson: String, cls: String, date: String, number: Int, late: Bool, reason: String?)] = []
    var groupOf: [String: String] = [:]                          // 5А pupil → English group name
    var planted: [(rule: String, what: String)] = []             // journal-control, 23–29.11
    var plantedFinals: [(rule: String, what: String)] = []       // journal-control, 19–25.10
    var lessonsByClassDay: [String: [Int]] = [:]                 // "5А 2026-09-08" → numbers taught to the whole class

    let fiveA = (1...10).map { String(format: "a%02d", $0) }
    let fiveB = (1...6).map { String(format: "b%02d", $0) }
    let oneA = (1...3).map { String(format: "c%02d", $0) }
    static let surnames = ["a01": "Абрамов", "a02": "Борисов", "a03": "Васильев", "a04": "Гришин", "a05": "Дмитриев", "a06": "Егоров",
                           "a07": "Жуков", "a08": "Зайцев", "a09": "Ильин", "a10": "Карпов", "b01": "Лебедев", "b02": "Морозов",
                           "b03": "Никитин", "b04": "Орлов", "b05": "Павлов", "b06": "Романов", "b07": "Смирнов",
                           "c01": "Титов", "c02": "Усов", "c03": "Фролов"]

    init() throws {
        dir = try TempDir()
        path = dir.path("journal.sqlite")
        store = try JournalStore.create(at: path, school: "Школа № 7", timeZone: "Europe/Samara")
        try build()
        let fixed = ReportSchool.instant("2026-12-03", "12:00"); store.now = { fixed }
    }

    /// An instant given as the school's local date and time.
    static func instant(_ date: String, _ time: String) -> Date {
        let d = CivilDate(iso: date)!
        let hm = time.split(separator: ":").map { Int($0)! }
        return Date(timeIntervalSince1970: Double(d.daysSinceEpoch * 86_400 + hm[0] * 3600 + hm[1] * 60 - 4 * 3600))
    }

    func put(_ kind: EntityKind, _ id: String, _ fields: [String: FieldValue], at date: String, _ time: String = "10:00") throws {
        let fixed = ReportSchool.instant(date, time); store.now = { fixed }
        _ = try store.transaction { try store.write(Record(kind, id: id, fields), origin: Origin(source: "test")) }
    }

    private func build() throws {
        let t0 = "2026-08-30"
        try put(.year, "y26", ["name": .text("2026/2027"), "start_date": .text("2026-09-01"), "end_date": .text("2027-05-31")], at: t0)
        try put(.period, "p1", ["year": .text("y26"), "name": .text("1 четверть"), "start_date": .text("2026-09-01"), "end_date": .text("2026-10-25")], at: t0)
        try put(.period, "p2", ["year": .text("y26"), "name": .text("2 четверть"), "start_date": .text("2026-11-05"), "end_date": .text("2026-12-28")], at: t0)
        for (id, s, n, p) in [("t1", "Иванова", "Анна", "Петровна"), ("t2", "Петрова", "Мария", "Ивановна"), ("t3", "Сидоров", "Олег", "Павлович"),
                              ("t4", "Кузнецова", "Елена", "Юрьевна"), ("t5", "Орлова", "Нина", "Сергеевна")] {
            try put(.teacher, id, ["surname": .text(s), "name": .text(n), "patronymic": .text(p)], at: t0)
        }
        for (id, n) in [("s1", "Математика"), ("s2", "Английский язык"), ("s3", "Физическая культура")] { try put(.subject, id, ["name": .text(n)], at: t0) }
        try put(.workType, "w-oral", ["name": .text("Ответ на уроке")], at: t0)
        try put(.workType, "w-test", ["name": .text("Контрольная работа")], at: t0)
        for (id, n, g, t) in [("c5a", "5А", 5, "t1"), ("c5b", "5Б", 5, "t2"), ("c1a", "1А", 1, "t3")] {
            try put(.classUnit, id, ["name": .text(n), "grade": .int(g), "teacher": .text(t)], at: t0)
        }
        // The first list (01.09): everyone but b07.
        for (cls, id, pupils) in [("5А", "c5a", fiveA), ("5Б", "c5b", fiveB), ("1А", "c1a", oneA)] {
            for p in pupils {
                initialClass[p] = cls
                try put(.student, p, ["file_number": .text("F-\(p)"), "surname": .text(Self.surnames[p]!), "name": .text("Иван"),
                                      "patronymic": .text("Петрович"), "class": .text(id), "status": .text("active")], at: "2026-09-01")
                try movement(p, "arrival", "2026-09-01", from: nil, to: cls, at: "2026-09-01")
            }
        }
        try put(.student, "b07", ["file_number": .text("F-b07"), "surname": .text("Смирнов"), "name": .text("Иван"), "class": .text("c5b"),
                                  "status": .text("active")], at: "2026-09-15")
        try movement("b07", "arrival", "2026-09-15", from: nil, to: "5Б", at: "2026-09-15")
        try put(.student, "a10", ["file_number": .text("F-a10"), "surname": .text("Карпов"), "name": .text("Иван"), "patronymic": .text("Петрович"),
                                  "class": .text("c5b"), "status": .text("active")], at: "2026-10-01")
        try movement("a10", "transfer", "2026-10-01", from: "5А", to: "5Б", at: "2026-10-01")
        try put(.student, "a09", ["file_number": .text("F-a09"), "surname": .text("Ильин"), "name": .text("Иван"), "patronymic": .text("Петрович"),
                                  "class": .text("c5a"), "status": .text("withdrawn")], at: "2026-10-10")
        try movement("a09", "withdrawal", "2026-10-10", from: "5А", to: nil, at: "2026-10-10")
        // English groups of 5А.
        for (gid, name, teacher, members) in [("g1", "1 гр.", "t3", Array(fiveA[0..<5])), ("g2", "2 гр.", "t4", Array(fiveA[5..<10]))] {
            try put(.group, gid, ["class": .text("c5a"), "subject": .text("s2"), "name": .text(name), "teacher": .text(teacher)], at: t0)
            for m in members { groupOf[m] = name; try put(.groupMember, "gm-\(m)", ["group": .text(gid), "student": .text(m)], at: t0) }
        }
        try buildFirstQuarter()
        try buildControlWeek()
    }

    func movement(_ p: String, _ kind: String, _ date: String, from: String?, to: String?, at: String, _ time: String = "10:00") throws {
        if !(kind == "arrival" && date == "2026-09-01") { moves.append((p, kind, date, from, to)) }
        try put(.movement, "mv-\(p)-\(kind)-\(date)", ["student": .text(p), "kind": .text(kind), "date": .text(date),
                                                      "from_class": FieldValue(from), "to_class": FieldValue(to)], at: at, time)
    }

    private func lesson(_ id: String, cls: String, date: String, n: Int, subject: String, teacher: String, group: String? = nil,
                        substitute: String? = nil, topic: String? = "Тема", at: String, _ time: String = "10:00") throws {
        var f: [String: FieldValue] = ["class": .text(cls), "subject": .text(subject), "date": .text(date), "number": .int(n), "teacher": .text(teacher)]
        if let group { f["group"] = .text(group) }
        if let substitute { f["substitute"] = .text(substitute) }
        if let topic { f["topic"] = .text(topic) }
        try put(.lesson, id, f, at: at, time)
    }

    func absent(_ p: String, _ lessonID: String, cls: String, date: String, n: Int, late: Bool = false, reason: String?, at: String = "2026-10-20", _ time: String = "10:00") throws {
        absences.append((p, lessonID, cls, date, n, late, reason))
        try put(.attendance, "att-\(p)-\(lessonID)", ["lesson": .text(lessonID), "student": .text(p), "kind": .text(late ? "late" : "absent"),
                                                       "reason": FieldValue(reason)], at: at, time)
    }

    /// 1 четверть: ten days of lessons, attendance, current and final marks (all entered 20.10).
    private func buildFirstQuarter() throws {
        let days = ["2026-09-07", "2026-09-08", "2026-09-09", "2026-09-10", "2026-09-11", "2026-10-12", "2026-10-13", "2026-10-14", "2026-10-15", "2026-10-16"]
        let at = "2026-10-20"
        var markNo = 0
        func mark(_ p: String, _ lessonID: String, _ v: String) throws {
            markNo += 1
            try put(.mark, "m\(markNo)", ["lesson": .text(lessonID), "student": .text(p), "work_type": .text("w-oral"), "value": .text(v)], at: at)
        }
        for (di, d) in days.enumerated() {
            // 5А: 1 math, 2 math, 3 English by group, 4 PE, 5 math. Math: t1, once t2, once t1 with t5 substituting.
            try lesson("5a-\(d)-1", cls: "c5a", date: d, n: 1, subject: "s1", teacher: di == 0 ? "t2" : "t1", at: at)
            try lesson("5a-\(d)-2", cls: "c5a", date: d, n: 2, subject: "s1", teacher: "t1", substitute: di == 1 ? "t5" : nil, at: at)
            try lesson("5a-\(d)-3g1", cls: "c5a", date: d, n: 3, subject: "s2", teacher: "t3", group: "g1", at: at)
            try lesson("5a-\(d)-3g2", cls: "c5a", date: d, n: 3, subject: "s2", teacher: "t4", group: "g2", at: at)
            try lesson("5a-\(d)-4", cls: "c5a", date: d, n: 4, subject: "s3", teacher: "t4", at: at)
            try lesson("5a-\(d)-5", cls: "c5a", date: d, n: 5, subject: "s1", teacher: "t1", at: at)
            try lesson("5b-\(d)-1", cls: "c5b", date: d, n: 1, subject: "s1", teacher: "t2", at: at)
            try lesson("5b-\(d)-2", cls: "c5b", date: d, n: 2, subject: "s2", teacher: "t3", at: at)
            try lesson("5b-\(d)-3", cls: "c5b", date: d, n: 3, subject: "s3", teacher: "t4", at: at)
            try lesson("1a-\(d)-1", cls: "c1a", date: d, n: 1, subject: "s1", teacher: "t3", at: at)
            lessonsByClassDay["5А \(d)"] = [1, 2, 4, 5]
        }
        // Three current marks per pupil in math and English (a03: two in English: R3).
        for (k, d) in days.prefix(3).enumerated() {
            for p in fiveA + fiveB {
                let cls = p.hasPrefix("a") ? "5a" : "5b"
                try mark(p, "\(cls)-\(d)-1", String(3 + (k + p.count) % 3))
                if p == "a03" && k == 2 { continue }
                let eng = p.hasPrefix("a") ? "5a-\(d)-3\(groupOf[p] == "1 гр." ? "g1" : "g2")" : "5b-\(d)-2"
                try mark(p, eng, "4")
            }
        }
        for d in days[5..<8] {   // b07 came on 15.09: his three marks are in October
            try mark("b07", "5b-\(d)-1", "3")
            try mark("b07", "5b-\(d)-2", "4")
        }
        // Attendance: a whole day (a01, 08.09: its five lessons, its own group's English), one lesson of five
        // (a02, 09.09), lateness (a03), four of five (a06, 13.10), the leaver (a09) and the transferred pupil (a10) in both classes.
        for n in ["1", "2", "3g1", "4", "5"] {
            try absent("a01", "5a-2026-09-08-\(n)", cls: "5А", date: "2026-09-08", n: Int(n.prefix(1))!, reason: "Б")
        }
        try absent("a02", "5a-2026-09-09-2", cls: "5А", date: "2026-09-09", n: 2, reason: "НП")
        try absent("a03", "5a-2026-09-10-1", cls: "5А", date: "2026-09-10", n: 1, late: true, reason: nil)
        for (n, r) in [("1", nil), ("2", "УП"), ("3g2", "УП"), ("4", "Б")] as [(String, String?)] {
            try absent("a06", "5a-2026-10-13-\(n)", cls: "5А", date: "2026-10-13", n: Int(n.prefix(1))!, reason: r)
        }
        try absent("a09", "5a-2026-09-09-1", cls: "5А", date: "2026-09-09", n: 1, reason: "Б")
        try absent("a10", "5a-2026-09-10-5", cls: "5А", date: "2026-09-10", n: 5, reason: "НП")
        try absent("a10", "5b-2026-10-14-1", cls: "5Б", date: "2026-10-14", n: 1, reason: "Б")

        // Final marks of 1 четверть (20.10, before the deadline 22.10), except 5Б's math (23.10: late, R4).
        let math = ["a01": "5", "a02": "4", "a03": "4", "a04": "3", "a05": "2", "a06": "5", "a07": "3", "a08": "4", "a09": "2", "a10": "5",
                    "b01": "4", "b02": "4", "b03": "3", "b04": "5", "b05": "5", "b06": "3", "b07": "3"]
        let english = ["a01": "5", "a02": "5", "a03": "4", "a04": "3", "a05": "4", "a06": "4", "a07": "3", "a09": "2", "a10": "4",
                       "b01": "3", "b02": "4", "b03": "4", "b04": "4", "b05": "5", "b06": "3", "b07": "4"]   // a08: none (R4)
        let pe = Dictionary(uniqueKeysWithValues: (fiveA + fiveB + ["b07"]).map { ($0, $0 == "a07" ? "незачёт" : "зачёт") })
        for (subject, table) in [("s1", math), ("s2", english), ("s3", pe)] {
            for (p, v) in table.sorted(by: { $0.key < $1.key }) {
                finals.append((p, subject, v))
                let late = subject == "s1" && p.hasPrefix("b")
                try put(.finalMark, "f-\(p)-\(subject)", ["student": .text(p), "subject": .text(subject), "period": .text("p1"), "value": .text(v)],
                        at: late ? "2026-10-23" : "2026-10-20")
            }
        }
        plantedFinals = [("R4", "5Б Математика: 7 late"), ("R4", "5А (2 гр.) English: a08 missing"), ("R3", "5А (1 гр.) English: a03 two marks")]
    }

    /// 23–29.11 in 5Б, with one of each journal-control finding planted (and entries that are on time).
    private func buildControlWeek() throws {
        let d = "2026-11-23"   // a Monday
        try lesson("cw-1", cls: "c5b", date: d, n: 1, subject: "s1", teacher: "t2", at: d, "14:00")
        try lesson("cw-2", cls: "c5b", date: d, n: 2, subject: "s2", teacher: "t3", topic: nil, at: d, "09:00")
        try put(.lesson, "cw-2", ["class": .text("c5b"), "subject": .text("s2"), "date": .text(d), "number": .int(2), "teacher": .text("t3"),
                                  "topic": .text("Present Simple")], at: d, "17:30")
        planted.append(("R5", "topic of lesson 2 at 17:30"))
        try lesson("cw-3", cls: "c5b", date: d, n: 3, subject: "s3", teacher: "t4", topic: nil, at: d, "09:00")
        planted.append(("R5", "no topic on lesson 3"))
        try put(.homework, "hw-1", ["lesson": .text("cw-1"), "text": .text("§ 5")], at: d, "16:00")
        planted.append(("R5", "homework at 16:00 after lessons ending 10:35"))
        try put(.homework, "hw-2", ["lesson": .text("cw-2"), "text": .text("ex. 3")], at: d, "11:00")
        try put(.mark, "cw-m1", ["lesson": .text("cw-1"), "student": .text("b01"), "work_type": .text("w-test"), "value": .text("4")], at: "2026-12-01")
        planted.append(("R5", "test mark on 01.12, after 30.11"))
        try put(.mark, "cw-m2", ["lesson": .text("cw-1"), "student": .text("b02"), "work_type": .text("w-test"), "value": .text("5")], at: "2026-11-30")
        try put(.mark, "cw-m3", ["lesson": .text("cw-1"), "student": .text("b03"), "work_type": .text("w-oral"), "value": .text("5")], at: "2026-12-01")
        try absent("b03", "cw-1", cls: "5Б", date: d, n: 1, reason: nil, at: d, "12:00")
        planted.append(("R6", "b03 without a reason"))
        try absent("b04", "cw-2", cls: "5Б", date: d, n: 2, reason: "Б", at: d, "18:00")
        try absent("b05", "cw-3", cls: "5Б", date: d, n: 3, reason: nil, at: d, "12:00")
        try put(.attendance, "att-b05-cw-3", ["lesson": .text("cw-3"), "student": .text("b05"), "kind": .text("absent"), "reason": .text("Б")], at: "2026-11-24", "09:00")
        planted.append(("R6", "b05's reason on 24.11"))
        try put(.student, "b06", ["file_number": .text("F-b06"), "surname": .text("Романов"), "name": .text("Иван"), "patronymic": .text("Петрович"),
                                  "class": .text("c5b"), "status": .text("withdrawn")], at: "2026-11-25")
        try movement("b06", "withdrawal", "2026-11-10", from: "5Б", to: nil, at: "2026-11-25")
        planted.append(("R9", "b06's withdrawal of 10.11 entered 25.11"))
        // A lesson dated in the future of the report's clock (written while the clock ran ahead).
        try lesson("cw-future", cls: "c5b", date: "2026-12-10", n: 1, subject: "s1", teacher: "t2", at: "2026-12-11")
        planted.append(("R2", "lesson of 10.12"))
    }
}
