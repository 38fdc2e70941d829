import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

/// A random school lived through a random sequence of journal changes, guardianship
/// links made and broken, and withdrawals, with the feed run at random moments. The
/// model here knows the truth independently of the feed's own bookkeeping.
struct RandomSchool {
    struct Link: Hashable { let student: String; let guardian: String }

    var rng: SeededRandom
    let store: JournalStore
    let origin = Origin(source: "property-test")
    var links: [String: Link] = [:]
    /// (change-log seq after a guardianship change, the links from then on).
    var linkHistory: [(seq: Int, links: Set<Link>)] = []
    var grade: [String: Int] = [:]
    var classOf: [String: String] = [:]
    var students: [String] = []
    var guardians: [String] = []
    var lessons: [String: [Record]] = [:]
    var marks: [Record] = []
    /// Student → (withdrawal date, feed runs done before it was recorded).
    var withdrawn: [String: (date: String, afterRun: Int)] = [:]
    var runs = 0
    /// Every event delivered, with the run it came in.
    var delivered: [(run: Int, event: JSON)] = []
    var nextID = 0

    init(seed: UInt64, path: String) throws {
        rng = SeededRandom(seed: seed)
        store = try JournalStore.create(at: path, school: "Школа \(seed)", timeZone: "Europe/Samara")
    }

    mutating func id(_ prefix: String) -> String { nextID += 1; return "\(prefix)-\(nextID)" }

    mutating func write(_ r: Record) throws { _ = try store.transaction { try store.write(r, origin: origin) } }

    mutating func build() throws {
        try store.transaction {
            for r in [Record(.year, id: "y", ["name": .text("2026/2027"), "start_date": .text("2026-09-01"), "end_date": .text("2027-05-31")]),
                      Record(.period, id: "p1", ["year": .text("y"), "name": .text("1 четверть"), "start_date": .text("2026-09-01"), "end_date": .text("2026-10-24")]),
                      Record(.subject, id: "s-math", ["name": .text("Математика")]), Record(.subject, id: "s-rus", ["name": .text("Русский язык")]),
                      Record(.workType, id: "wt", ["name": .text("Ответ на уроке"), "abbr": .text("О")]),
                      Record(.teacher, id: "t", ["surname": .text("Ковалёва"), "name": .text("Наталья"), "patronymic": .text("Петровна")])] {
                try store.write(r, origin: origin)
            }
        }
        let letters = ["А", "Б", "В", "Г"]
        for c in 0..<(2 + rng.below(3)) {
            let g = rng.pick([1, 1, 2, 5, 9])
            let cls = "cls-\(c)"
            try write(Record(.classUnit, id: cls, ["name": .text("\(g)\(letters[c])"), "grade": .int(g), "teacher": .text("t")]))
            for n in 0..<(2 + rng.below(5)) {
                let s = "stu-\(c)-\(n)"
                try write(Record(.student, id: s, ["file_number": .text(s), "surname": .text("Фамилия\(c)\(n)"), "name": .text("Имя"),
                                                   "class": .text(cls), "status": .text("active")]))
                students.append(s); grade[s] = g; classOf[s] = cls
            }
            for day in 7...11 where rng.chance(0.7) {
                for number in 1...(1 + rng.below(2)) {
                    let l = Record(.lesson, id: "les-\(c)-\(day)-\(number)", ["class": .text(cls), "subject": .text(rng.pick(["s-math", "s-rus"])),
                                                                           "date": .text(String(format: "2026-09-%02d", day)),
                                                                           "number": .int(number), "teacher": .text("t"), "topic": .text("Тема")])
                    try write(l)
                    lessons[cls, default: []].append(l)
                }
            }
        }
        // Families: siblings anywhere in the school, one or two guardians; some guardians shared.
        var rest = students.shuffled(using: &rng)
        while !rest.isEmpty {
            let kids = Array(rest.prefix(1 + rng.below(3)))
            rest.removeFirst(kids.count)
            for _ in 0..<(1 + rng.below(2)) {
                let g = id("grd")
                let snils = rng.pick([nil, "20010472974", "123", "20010472975"])
                try write(Record(.guardian, id: g, ["surname": .text("Родитель"), "name": .text("Имя"), "snils": FieldValue(snils)]))
                guardians.append(g)
                for k in kids { try link(k, g) }
            }
        }
        for _ in 0..<rng.below(3) { try link(rng.pick(students), rng.pick(guardians)) }
    }

    mutating func link(_ s: String, _ g: String) throws {
        let l = Link(student: s, guardian: g)
        guard !links.values.contains(l) else { return }
        let rid = id("gs")
        try write(Record(.guardianship, id: rid, ["student": .text(s), "guardian": .text(g)]))
        links[rid] = l
        linkHistory.append((store.lastSeq, Set(links.values)))
    }

    mutating func unlink() throws {
        let ids = links.keys.sorted()
        guard !ids.isEmpty else { return }
        let rid = rng.pick(ids)
        _ = try store.transaction { try store.delete(.guardianship, id: rid, origin: origin) }
        links[rid] = nil
        linkHistory.append((store.lastSeq, Set(links.values)))
    }

    mutating func step() throws {
        let s = rng.pick(students)
        let classLessons = lessons[classOf[s]!] ?? []
        switch rng.below(10) {
        case 0...2 where !classLessons.isEmpty && grade[s] != 1:
            let m = Record(.mark, id: id("mk"), ["lesson": .text(rng.pick(classLessons).id), "student": .text(s), "work_type": .text("wt"),
                                                 "value": .text(String(2 + rng.below(4))), "point": .int(0), "weight": .int(1 + rng.below(2))])
            // Grade 1 takes no marks (R1: the store's gate refuses them); a second mark of the
            // same lesson, pupil and work type is refused by its natural key.
            if (try? write(m)) != nil { marks.append(m) }
        case 3 where !marks.isEmpty:
            var m = rng.pick(marks)
            if rng.chance(0.3) { _ = try store.transaction { try store.delete(.mark, id: m.id, origin: origin) }; marks.removeAll { $0.id == m.id } }
            else if store.record(.mark, id: m.id) != nil { m["value"] = .text(String(1 + rng.below(5))); try write(m) }
        case 4 where !classLessons.isEmpty:
            _ = try? write(Record(.attendance, id: id("at"), ["lesson": .text(rng.pick(classLessons).id), "student": .text(s),
                                                              "kind": .text("absent"), "reason": FieldValue(rng.pick([nil, "Б", "УП"]))]))
        case 5 where !classLessons.isEmpty && grade[s] != 1:   // no homework on grade 1 (R1)
            let l = rng.pick(classLessons)
            try write(Record(.homework, id: "hw-\(l.id)", ["lesson": .text(l.id), "text": .text("Упр. \(rng.below(300))")]))
        case 6: try link(s, rng.pick(guardians))
        case 7: try unlink()
        case 8 where withdrawn[s] == nil && rng.chance(0.3):
            let date = "2026-09-0\(7 + rng.below(3))"
            try store.transaction {
                var r = store.record(.student, id: s)!
                r["status"] = .text("withdrawn")
                try store.write(r, origin: origin)
                try store.write(Record(.movement, id: id("mv"), ["student": .text(s), "kind": .text("withdrawal"), "date": .text(date)]), origin: origin)
            }
            withdrawn[s] = (date, runs)
        case 9:
            try write(Record(.finalMark, id: "fm-\(s)", ["student": .text(s), "subject": .text("s-math"), "period": .text("p1"),
                                                          "value": .text(String(2 + rng.below(4)))]))
        default:
            try feed()
        }
    }

    mutating func feed() throws {
        var o = DiaryFeedOptions()
        o.schoolID = "x"
        o.batchSize = 1 + rng.below(50)
        o.chunkSize = 1 + rng.below(40)
        let sink = CapturingSink()
        _ = try DiaryFeed(store: store, options: o).run(sink: sink)
        runs += 1
        delivered += sink.events.map { (runs, $0) }
    }

    func linksAt(_ seq: Int) -> Set<Link> { linkHistory.last { $0.seq <= seq }?.links ?? [] }

    /// Every broken promise, described.
    func violations() -> [String] {
        var out: [String] = []
        let gated: Set<String> = ["mark.created", "mark.changed", "mark.deleted", "homework.set", "final_mark.set", "forecast.set"]
        for (run, e) in delivered {
            let id = e["eventId"]?.string ?? "?"
            guard let s = e["student"]?["id"]?.string, let seq = e["seq"]?.int, let type = e["type"]?.string else { out.append("\(id): malformed"); continue }
            let recipients = (e["recipients"]?.array ?? []).compactMap { $0["guardianId"]?.string }
            if recipients.isEmpty { out.append("\(id): no recipients") }
            if Set(recipients).count != recipients.count { out.append("\(id): a guardian twice") }
            let linked = linksAt(seq)
            for g in recipients where !linked.contains(Link(student: s, guardian: g)) {
                out.append("R8: \(id) about \(s) went to \(g), not linked at #\(seq)")
            }
            if grade[s] == 1 && gated.contains(type) { out.append("R1: \(id) \(type) about grade-1 \(s)") }
            if let w = withdrawn[s], run > w.afterRun {
                let date = e["payload"]?["date"]?.string ?? String((e["occurredAt"]?.string ?? "").prefix(10))
                if date > w.date { out.append("withdrawal: \(id) dated \(date) about \(s), withdrawn \(w.date)") }
            }
        }
        return out
    }
}

struct PropertyTests {
    /// Random schools per part: 4 × 250 = 1,000 on SQLite, in parallel; 4 × 25 on PostgreSQL
    /// (each school is a new schema and a few hundred small transactions over the socket; the
    /// first 25 seeds of each part, so the same schools as SQLite's first ones).
    static func schools(_ backend: StoreBackend) -> Int { backend == .sqlite ? 250 : 25 }

    @Test(arguments: StoreBackend.allCases, 0..<4)
    func noGuardianHearsOfAChildNotTheirsAndGradeOneHasNoMarks(_ backend: StoreBackend, _ part: Int) throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let count = Self.schools(backend)
        var events = 0, withdrawals = 0, unlinkedLater = 0
        for i in 0..<count {
            let seed = UInt64(1_000_003 * (part + 1) + i)
            let path = try testStoreLocation(backend, dir, "school-\(i).sqlite")
            do {
                var school = try RandomSchool(seed: seed, path: path)
                try school.build()
                for _ in 0..<(20 + school.rng.below(40)) { try school.step() }
                try school.feed()
                let v = school.violations()
                #expect(v.isEmpty, "\(backend.rawValue), seed \(seed): \(v.prefix(5).joined(separator: "; "))")
                events += school.delivered.count
                withdrawals += school.withdrawn.count
                unlinkedLater += school.linkHistory.count
            }
            if backend == .sqlite { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        }
        #expect(events > 4 * count)
        #expect(withdrawals * 25 > count)
        print("diary property part \(part) on \(backend.rawValue): \(count) schools, \(events) events, \(withdrawals) withdrawals, \(unlinkedLater) link changes")
    }
}
