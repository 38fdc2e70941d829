import Foundation
import Testing
import JournalModel
import JournalStore
@testable import SyncEngine
import TestSupport

/// One seeded random history against a real store and an in-memory counterpart.
final class History {
    let seed: UInt64
    var random: SeededRandom
    let dir: TempDir
    var store: JournalStore
    let cp: InMemoryCounterpart
    let school: RemoteSchool
    var model = SyncModel()
    var log: [Write] = []
    var step = 0
    var ids = 0
    /// What happened, for the failure message.
    var trace: [String] = []
    /// The log's length at the last sync.
    var synced = 0
    let policy = PolicyTable.defaults.setting(.attendance, "*", .queue)

    static let dates = ["2026-09-07", "2026-09-08", "2026-09-09"]
    static let topics = ["Дроби", "Уравнения", "Повторение"]
    static let surnames = ["Зайцева", "Орлова", "Кузнецова"]

    init(seed: UInt64, backend: StoreBackend) async throws {
        self.seed = seed
        random = SeededRandom(seed: seed)
        dir = try TempDir()
        store = try newStore(dir, backend)
        cp = InMemoryCounterpart(name: "test")
        school = seedRemote(cp, students: 2, lessons: 2)
        let first = try await sync(store, cp, policy: policy)
        guard first.exitCode == 0 else { throw HistoryFailure(step: 0, message: "first sync: \(first.json)") }
        model.local = try localView()
        model.remote = try remoteView()
        for (k, v) in model.remote { model.agreed[k] = v }
    }

    func fail(_ message: String) -> HistoryFailure {
        HistoryFailure(step: step, message: message + "\nhistory:\n  " + trace.joined(separator: "\n  "))
    }

    func run() async throws {
        let steps = 8 + random.below(10)
        for s in 1...steps {
            step = s
            switch random.below(20) {
            case 0..<3: try setMark(local: random.chance(0.5))
            case 3: try deleteOne("mark", local: random.chance(0.5))
            case 4, 5: try setTopic(local: random.chance(0.5))
            case 6: try setSurname(local: random.chance(0.5))
            case 7, 8: try setAttendance(local: random.chance(0.5))
            case 9: try deleteOne("attendance", local: random.chance(0.5))
            case 10: try createLesson(local: random.chance(0.5))
            case 11: try resolveOne()
            case 12: cp.truncateFeed(); trace.append("\(s): truncate feed")
            default: try await syncStep()
            }
        }
        step += 1
        try await syncStep(clean: true)
        try checkQuiescence()
        try checkOracle()
        // Running it twice equals running it once.
        let once = try snapshot(store, cp, cursor: false)
        try await syncStep(clean: true)
        let twice = try snapshot(store, cp, cursor: false)
        guard once == twice else { throw fail("a second sync changed the state:\n\(once.difference(twice))") }
        guard cp.violations.isEmpty else { throw fail("protocol violations: \(cp.violations)") }
    }

    // MARK: Edits

    /// Whether a creation of `key` on one side may go ahead; registers a replacement.
    /// (Both sides replacing the same record between two syncs is left out: the model
    /// does not follow the engine there.)
    func mayCreate(_ key: String, local: Bool) -> Bool {
        guard model.replaces(key, local: local) else { return true }
        if (local ? model.remoteReplaced : model.localReplaced).contains(key) { return false }
        if local { model.localReplaced.insert(key) } else { model.remoteReplaced.insert(key) }
        return true
    }

    func record(_ local: Bool, _ key: String, _ field: String, _ value: String, localID: String? = nil, externalID: String? = nil) {
        trace.append("\(step): \(local ? "journal" : "counterpart") \(key) \(field) = \(value)")
        // A write of the value already there changes nothing: not a write to account for.
        // Nor is an empty field of a new record.
        let before = (local ? model.local : model.remote)[key]
        if field == "@record" ? (before != nil) == (value == "present") : before?[field] == value { return }
        if field != "@record" && before == nil && value == "∅" { return }
        log.append(Write(step: step, local: local, key: key, field: field, value: value, localID: localID, externalID: externalID))
    }

    /// Local ids and external ids of the fixed records and the lessons of each side, by key.
    func localLessons() throws -> [String: String] {
        Dictionary(try store.records(.lesson).map { ("\($0["date"])#\($0["number"])", $0.id) }, uniquingKeysWith: { a, _ in a })
    }
    func remoteLessons() -> [String: String] {
        Dictionary(cp.records(.lesson).map { ("\($0.fields["date"])#\($0.fields["number"])", $0.externalID) }, uniquingKeysWith: { a, _ in a })
    }
    var studentFiles: [String] { (0..<2).map { "05-10\(10 + $0)" } }
    let workTypes = ["Ответ на уроке", "Контрольная работа"]

    func localRef(_ kind: EntityKind, _ ext: String) throws -> String {
        guard let id = try store.localID(counterpart: cp.name, kind, externalID: ext) else { throw fail("no local \(kind) for \(ext)") }
        return id
    }

    func setMark(local: Bool) throws {
        let lessons = local ? try localLessons() : remoteLessons()
        let lessonKey = random.pick(lessons.keys.sorted()), s = random.below(2), w = random.below(2)
        let key = "mark/\(lessonKey)|\(studentFiles[s])|\(workTypes[w])"
        let value = String(1 + random.below(5))
        if local {
            let existing = try store.records(.mark, where: "lesson", equals: .text(lessons[lessonKey]!)).first {
                $0["student"] == .text(try! localRef(.student, school.students[s])) && $0["work_type"] == .text(try! localRef(.workType, w == 0 ? school.oral : school.test))
            }
            if existing == nil && !mayCreate(key, local: true) { return }
            let id = existing?.id ?? { ids += 1; return "m\(ids)" }()
            try edit(store, .mark, id, ["lesson": .text(lessons[lessonKey]!), "student": .text(try localRef(.student, school.students[s])),
                                        "work_type": .text(try localRef(.workType, w == 0 ? school.oral : school.test)), "value": .text(value)])
            if existing == nil { record(true, key, "@record", "present", localID: id) }
            record(true, key, "value", value, localID: id)
            model.local[key, default: [:]]["value"] = value
        } else {
            let existing = cp.records(.mark).first {
                $0.fields["lesson"] == .text(lessons[lessonKey]!) && $0.fields["student"] == .text(school.students[s])
                    && $0.fields["work_type"] == .text(w == 0 ? school.oral : school.test)
            }
            if existing == nil && !mayCreate(key, local: false) { return }
            var ext = existing?.externalID
            if let ext { cp.update(ext, ["value": .text(value)]) } else {
                ext = cp.create(.mark, ["lesson": .text(lessons[lessonKey]!), "student": .text(school.students[s]),
                                        "work_type": .text(w == 0 ? school.oral : school.test), "value": .text(value)])
                record(false, key, "@record", "present", externalID: ext)
            }
            record(false, key, "value", value, externalID: ext)
            model.remote[key, default: [:]]["value"] = value
        }
    }

    func setAttendance(local: Bool) throws {
        let lessons = local ? try localLessons() : remoteLessons()
        let lessonKey = random.pick(lessons.keys.sorted()), s = random.below(2)
        let key = "attendance/\(lessonKey)|\(studentFiles[s])"
        let kind = random.pick(["absent", "late"]), reason = random.pick(["Б", "УП", "НП", "∅"])
        let values: [String: FieldValue] = ["kind": .text(kind), "reason": reason == "∅" ? .null : .text(reason)]
        if local {
            let student = try localRef(.student, school.students[s])
            let existing = try store.records(.attendance, where: "lesson", equals: .text(lessons[lessonKey]!)).first { $0["student"] == .text(student) }
            if existing == nil && !mayCreate(key, local: true) { return }
            let id = existing?.id ?? { ids += 1; return "a\(ids)" }()
            try edit(store, .attendance, id, ["lesson": .text(lessons[lessonKey]!), "student": .text(student)].merging(values) { a, _ in a })
            if existing == nil { record(true, key, "@record", "present", localID: id) }
            record(true, key, "kind", kind, localID: id); record(true, key, "reason", reason, localID: id)
            model.local[key] = ["kind": kind, "reason": reason]
        } else {
            let existing = cp.records(.attendance).first { $0.fields["lesson"] == .text(lessons[lessonKey]!) && $0.fields["student"] == .text(school.students[s]) }
            if existing == nil && !mayCreate(key, local: false) { return }
            var ext = existing?.externalID
            if let ext { cp.update(ext, values) } else {
                ext = cp.create(.attendance, ["lesson": .text(lessons[lessonKey]!), "student": .text(school.students[s])].merging(values) { a, _ in a })
                record(false, key, "@record", "present", externalID: ext)
            }
            record(false, key, "kind", kind, externalID: ext); record(false, key, "reason", reason, externalID: ext)
            model.remote[key] = ["kind": kind, "reason": reason]
        }
    }

    func deleteOne(_ kindName: String, local: Bool) throws {
        let kind = EntityKind(rawValue: kindName)!
        if local {
            let records = try store.records(kind)
            guard !records.isEmpty else { return }
            let r = random.pick(records)
            let key = try localKey(kind, r.fields.named)
            try remove(store, kind, r.id)
            record(true, key, "@record", "deleted", localID: r.id)
            model.local[key] = nil
        } else {
            let records = cp.records(kind)
            guard !records.isEmpty else { return }
            let r = random.pick(records)
            let key = remoteKey(r)
            cp.delete(r.externalID)
            record(false, key, "@record", "deleted", externalID: r.externalID)
            model.remote[key] = nil
        }
    }

    func setTopic(local: Bool) throws {
        let lessons = local ? try localLessons() : remoteLessons()
        let lessonKey = random.pick(lessons.keys.sorted())
        let topic = random.pick(History.topics)
        if local { try edit(store, .lesson, lessons[lessonKey]!, ["topic": .text(topic)]) } else { cp.update(lessons[lessonKey]!, ["topic": .text(topic)]) }
        record(local, "lesson/" + lessonKey, "topic", topic, localID: local ? lessons[lessonKey] : nil, externalID: local ? nil : lessons[lessonKey])
        if local { model.local["lesson/" + lessonKey]!["topic"] = topic } else { model.remote["lesson/" + lessonKey]!["topic"] = topic }
    }

    func setSurname(local: Bool) throws {
        let s = random.below(2), surname = random.pick(History.surnames)
        let key = "student/" + studentFiles[s]
        if local {
            let id = try localRef(.student, school.students[s])
            try edit(store, .student, id, ["surname": .text(surname)])
            record(true, key, "surname", surname, localID: id)
            model.local[key]!["surname"] = surname
        } else {
            cp.update(school.students[s], ["surname": .text(surname)])
            record(false, key, "surname", surname, externalID: school.students[s])
            model.remote[key]!["surname"] = surname
        }
    }

    func createLesson(local: Bool) throws {
        let taken = Set(local ? try localLessons().keys.map { $0 } : remoteLessons().keys.map { $0 })
        let free = History.dates.flatMap { d in [1, 2].map { "\(d)#\($0)" } }.filter { !taken.contains($0) }
        guard !free.isEmpty else { return }
        let lessonKey = random.pick(free)
        let parts = lessonKey.split(separator: "#")
        let topic = random.pick(History.topics)
        let key = "lesson/" + lessonKey
        if local {
            ids += 1
            try edit(store, .lesson, "l\(ids)", ["class": .text(try localRef(.classUnit, school.klass)), "subject": .text(try localRef(.subject, school.subject)),
                                                 "teacher": .text(try localRef(.teacher, school.teacher)), "date": .text(String(parts[0])),
                                                 "number": .int(Int(parts[1])!), "topic": .text(topic)])
            record(true, key, "@record", "present", localID: "l\(ids)"); record(true, key, "topic", topic, localID: "l\(ids)")
            model.local[key] = ["topic": topic]
        } else {
            let ext = cp.create(.lesson, ["class": .text(school.klass), "subject": .text(school.subject), "teacher": .text(school.teacher),
                                          "date": .text(String(parts[0])), "number": .int(Int(parts[1])!), "topic": .text(topic)])
            record(false, key, "@record", "present", externalID: ext); record(false, key, "topic", topic, externalID: ext)
            model.remote[key] = ["topic": topic]
        }
    }

    func resolveOne() throws {
        let open = try store.conflicts()
        guard !open.isEmpty else { return }
        let c = random.pick(open)
        let key = try conflictKey(c)
        let isRecord = c.field == PolicyTable.recordField
        if !isRecord && store.record(c.entity, id: c.localID) == nil { return }
        let choice = random.below(isRecord ? 2 : 3)
        let value = c.field == "kind" ? random.pick(["absent", "late"]) : random.pick(["Б", "УП", "НП"])
        let take: ConflictQueue.Take = choice == 0 ? .local : choice == 1 ? .remote : .value(value)
        try ConflictQueue.resolve(store: store, id: c.id, take: take, account: "admin")
        trace.append("\(step): resolve #\(c.id) \(key) \(c.field) \(take)")
        model.conflicts[key]?.remove(c.field)
        if model.conflicts[key]?.isEmpty == true { model.conflicts[key] = nil }
        let agreed = model.agreed[key] ?? nil
        switch (take, isRecord) {
        case (.remote, true):
            record(true, key, "@record", agreed == nil ? "deleted" : "present", localID: c.localID)
            for (f, v) in (agreed ?? [:]).sorted(by: { $0.key < $1.key }) { record(true, key, f, v, localID: c.localID) }
            model.local[key] = agreed
        case (.remote, false):
            let v = agreed?[c.field] ?? "∅"
            record(true, key, c.field, v, localID: c.localID)
            model.local[key]?[c.field] = v
        case (.value(let v), _):
            record(true, key, c.field, v, localID: c.localID)
            model.local[key]?[c.field] = v
        default: break
        }
    }

    // MARK: Syncs

    func syncStep(clean: Bool = false) async throws {
        var faults = InMemoryCounterpart.Faults()
        faults.seed = random.next()
        faults.pageSize = 1 + random.below(5)
        if !clean {
            for p in [\InMemoryCounterpart.Faults.repeatEdge, \.rewind, \.duplicate, \.stale, \.reorder, \.dropPull] where random.chance(0.4) {
                faults[keyPath: p] = 0.3
            }
        }
        cp.setFaults(faults)
        let batch = 1 + random.below(4)
        // The model's counterpart is trusted: its deletions are real, so every run says yes to
        // them (the brake on mass deletion has its own tests, DeletionBrakeTests).
        let trusted = Int.max
        let mode = clean ? 0 : random.below(6)
        // Pages committed one by one, a few at a time, or all in one held transaction (no randomness drawn).
        let commitEvery = [1, 4, 5000][step % 3]
        trace.append("\(step): sync (mode \(mode), page \(faults.pageSize), batch \(batch), commit every \(commitEvery))")
        if mode == 1 { cp.faults.failPushes = 3 }          // unreachable for the whole push: the next run resends
        if mode == 2 { cp.faults.losePushAnswers = 1 }     // applied, answer lost: retried under the same keys
        if mode == 3 {
            let point = random.pick(CrashPoint.allCases), n = 1 + random.below(3)
            let crash = CrashHook { p in if p == point { throw CrashTests.InjectedCrash(point: p, occurrence: n) } }
            do { _ = try await sync(store, cp, policy: policy, batchSize: batch, crash: crash, allowDeletions: trusted, commitEvery: commitEvery) } catch is CrashTests.InjectedCrash {}
            store = try JournalStore.open(at: store.path)   // the same store on either backend
        }
        var summary = try await sync(store, cp, policy: policy, batchSize: batch, allowDeletions: trusted, commitEvery: commitEvery)
        if summary.exitCode == 69 {
            cp.faults.failPushes = 0
            summary = try await sync(store, cp, policy: policy, batchSize: batch, allowDeletions: trusted)
        }
        cp.setFaults(InMemoryCounterpart.Faults())
        guard summary.exitCode == 0, summary.total.unexplained == 0 else { throw fail("sync: \(summary.json.pretty())") }
        markReverted()
        model.sync()
        try compare()
    }

    /// Writes since the last sync on a side that ended where the sides last agreed.
    func markReverted() {
        for i in synced..<log.count {
            let w = log[i]
            let now = (w.local ? model.local : model.remote)[w.key]
            let agreed = model.agreed[w.key] ?? nil
            if w.field == "@record" ? (now == nil) == (agreed == nil) : now != nil && now?[w.field] == (agreed?[w.field] ?? "∅") {
                log[i].reverted = true
            }
        }
        synced = log.count
    }

    func compare() throws {
        let (l, r) = (try localView(), try remoteView())
        if l != model.local { throw fail("journal differs from the model:\n\(diff(l, model.local))") }
        if r != model.remote { throw fail("counterpart differs from the model:\n\(diff(r, model.remote))") }
        var open: [String: Set<String>] = [:]
        for c in try store.conflicts() { open[try conflictKey(c), default: []].insert(c.field) }
        if open != model.conflicts { throw fail("conflicts \(open) but the model has \(model.conflicts)") }
    }

    func diff(_ a: [String: SyncModel.Fields], _ b: [String: SyncModel.Fields]) -> String {
        Set(a.keys).union(b.keys).sorted().filter { a[$0] != b[$0] }.map { "  \($0): got \(a[$0].map { "\($0)" } ?? "nothing"), model \(b[$0].map { "\($0)" } ?? "nothing")" }
            .joined(separator: "\n")
    }
}
