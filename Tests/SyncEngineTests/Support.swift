import Foundation
import Testing
import JournalModel
import JournalStore
import SyncModel
@testable import SyncEngine
import TestSupport

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A new store on `backend`: a file in `dir`, or a school of its own in the test process's
/// PostgreSQL cluster. The engine's tests run on both (`@Test(arguments: StoreBackend.allCases)`).
func newStore(_ dir: TempDir, _ backend: StoreBackend, _ name: String = "journal.sqlite") throws -> JournalStore {
    try JournalStore.create(at: try testStoreLocation(backend, dir, name), school: "Школа № 122", timeZone: "Europe/Samara")
}

/// The ids, at the counterpart, of a small school seeded there.
struct RemoteSchool {
    var teacher = "", subject = "", oral = "", test = "", klass = "", period = ""
    var students: [String] = []
    var lessons: [String] = []
}

/// Seeds a counterpart with a school: a year and period, a teacher, a subject, two work
/// types, class 5А, `students` students and `lessons` lessons.
@discardableResult
func seedRemote(_ cp: InMemoryCounterpart, students: Int = 3, lessons: Int = 3) -> RemoteSchool {
    var s = RemoteSchool()
    let year = cp.create(.year, ["name": .text("2026/2027"), "start_date": .text("2026-09-01"), "end_date": .text("2027-05-31")])
    s.period = cp.create(.period, ["year": .text(year), "name": .text("1 четверть"), "start_date": .text("2026-09-01"), "end_date": .text("2026-10-24")])
    s.teacher = cp.create(.teacher, ["surname": .text("Ковалёва"), "name": .text("Наталья"), "patronymic": .text("Петровна")])
    s.subject = cp.create(.subject, ["name": .text("Математика")])
    s.oral = cp.create(.workType, ["name": .text("Ответ на уроке"), "abbr": .text("О")])
    s.test = cp.create(.workType, ["name": .text("Контрольная работа"), "abbr": .text("КР")])
    s.klass = cp.create(.classUnit, ["name": .text("5А"), "grade": .int(5), "teacher": .text(s.teacher)])
    for i in 0..<students {
        s.students.append(cp.create(.student, ["file_number": .text("05-10\(10 + i)"), "surname": .text(surnames[i % surnames.count]),
                                               "name": .text("Мария"), "class": .text(s.klass), "status": .text("active")]))
    }
    for i in 0..<lessons {
        s.lessons.append(cp.create(.lesson, ["class": .text(s.klass), "subject": .text(s.subject), "date": .text("2026-09-\(String(format: "%02d", 7 + i))"),
                                             "number": .int(1), "teacher": .text(s.teacher), "topic": .text("Тема \(i + 1)")]))
    }
    return s
}

let surnames = ["Зайцева", "Иванов", "Петрова", "Сидоров", "Орлова", "Кузнецов"]

/// Runs one sync.
@discardableResult
func sync(_ store: JournalStore, _ cp: InMemoryCounterpart, policy: PolicyTable = .defaults, batchSize: Int = 200,
          crash: CrashHook = .none, runID: String? = nil, allowDeletions: Int? = nil, commitEvery: Int? = nil) async throws -> SyncSummary {
    var engine = SyncEngine(store: store, counterpart: cp, policy: policy)
    engine.allowDeletions = allowDeletions
    if let commitEvery { engine.commitEvery = commitEvery }
    engine.batchSize = batchSize
    engine.crash = crash
    engine.runID = runID
    return try await engine.run()
}

/// The local id of a counterpart's record.
func local(_ store: JournalStore, _ cp: InMemoryCounterpart, _ kind: EntityKind, _ ext: String) throws -> String {
    try #require(try store.localID(counterpart: cp.name, kind, externalID: ext))
}

let user = Origin(source: "journal-import", account: "teacher1")

/// Writes a record in its own transaction, as a teacher would through an import.
func edit(_ store: JournalStore, _ kind: EntityKind, _ id: String, _ changes: [String: FieldValue], origin: Origin = user) throws {
    try store.transaction {
        var r = store.record(kind, id: id) ?? Record(kind, id: id)
        for (k, v) in changes { r.fields[k] = v }
        try store.write(r, origin: origin)
    }
}

func remove(_ store: JournalStore, _ kind: EntityKind, _ id: String, origin: Origin = user) throws {
    try store.transaction { _ = try store.delete(kind, id: id, origin: origin) }
}

/// Everything that makes up the state a run leaves, without run ids and clock times.
struct Snapshot: Equatable, CustomStringConvertible {
    var records: [String] = []
    var identities: [String] = []
    var bases: [String] = []
    var conflicts: [String] = []
    var log: [String] = []
    var pending: [String] = []
    var remote: [String] = []
    var cursor = ""

    var description: String {
        ["records": records, "identities": identities, "bases": bases, "conflicts": conflicts, "log": log,
         "pending": pending, "remote": remote, "cursor": [cursor]].sorted { $0.key < $1.key }
            .map { "\($0.key):\n  " + $0.value.joined(separator: "\n  ") }.joined(separator: "\n")
    }

    /// The lines where two snapshots differ, for a readable failure.
    func difference(_ other: Snapshot) -> String {
        let a = description.split(separator: "\n"), b = other.description.split(separator: "\n")
        return (a.filter { !b.contains($0) }.map { "- " + $0 } + b.filter { !a.contains($0) }.map { "+ " + $0 }).joined(separator: "\n")
    }
}

func snapshot(_ store: JournalStore, _ cp: InMemoryCounterpart, cursor: Bool = true) throws -> Snapshot {
    var s = Snapshot()
    for kind in EntityKind.allCases {
        try store.forEachRecord(kind) { r in
            s.records.append("\(kind.rawValue) \(r.id) " + r.kind.fields.map { "\($0.name)=\(r[$0.name])" }.joined(separator: " "))
        }
    }
    s.identities = try store.identities(counterpart: cp.name).map { "\($0.entity.rawValue) \($0.localID) ↔ \($0.externalID)" }
    s.bases = try store.syncBases(counterpart: cp.name).map { b in
        "\(b.entity.rawValue) \(b.localID) v\(b.base.version ?? "∅") " + (b.base.fields.map { Wire.json($0).serialized() } ?? "deleted")
    }
    s.conflicts = try store.conflicts().map { "\($0.counterpart) \($0.entity.rawValue) \($0.localID) \($0.field) \($0.base.serialized()) \($0.local.serialized()) \($0.remote.serialized())" }
    s.log = try store.changes(since: 0).map { e in
        "\(e.entity.rawValue) \(e.recordID) \(e.op) \(e.origin.source) " + e.changes.map { "\($0.name):\($0.old)→\($0.new)" }.joined(separator: ",")
    }
    s.pending = try store.outbox(counterpart: cp.name).filter { $0.status == "pending" }.map { "\($0.entity.rawValue) \($0.localID) \($0.op)" }
    s.remote = cp.allRecords.map { "\($0.kind.rawValue) \($0.externalID) v\($0.version ?? "") \(Wire.json($0.fields).serialized())" }
    if cursor { s.cursor = try store.syncCursor(counterpart: cp.name).cursor ?? "∅" }
    return s
}
