import Foundation
import Testing
import JournalModel
@testable import JournalStore
import TestSupport

/// One record of every kind, consistent with each other.
func sampleRecords() -> [Record] {
    [
        Record(.year, id: "y", ["name": .text("2026/2027"), "start_date": .text("2026-09-01"), "end_date": .text("2027-05-31")]),
        Record(.period, id: "p1", ["year": .text("y"), "name": .text("1 четверть"), "start_date": .text("2026-09-01"), "end_date": .text("2026-10-24")]),
        Record(.teacher, id: "t1", ["surname": .text("Ковалёва"), "name": .text("Наталья"), "patronymic": .text("Петровна")]),
        Record(.subject, id: "math", ["name": .text("Математика")]),
        Record(.workType, id: "wt", ["name": .text("Ответ на уроке"), "abbr": .text("О")]),
        Record(.classUnit, id: "c5", ["name": .text("5А"), "grade": .int(5), "teacher": .text("t1")]),
        Record(.student, id: "s1", ["file_number": .text("05-1010"), "surname": .text("Зайцева"), "name": .text("Мария"),
                                    "patronymic": .text("Сергеевна"), "birth_date": .text("2015-08-29"), "snils": .text("24614164148"),
                                    "gender": .text("Ж"), "class": .text("c5"), "status": .text("active")]),
        Record(.guardian, id: "g1", ["surname": .text("Зайцева"), "name": .text("Ульяна"), "phone": .text("+79699941713")]),
        Record(.guardianship, id: "gs1", ["student": .text("s1"), "guardian": .text("g1")]),
        Record(.group, id: "gr1", ["class": .text("c5"), "subject": .text("math"), "name": .text("1 гр."), "teacher": .text("t1")]),
        Record(.groupMember, id: "gm1", ["group": .text("gr1"), "student": .text("s1")]),
        Record(.lesson, id: "l1", ["class": .text("c5"), "group": .text("gr1"), "subject": .text("math"), "date": .text("2026-09-07"),
                                   "number": .int(1), "teacher": .text("t1"), "substitute": .text("t1"), "topic": .text("Натуральные числа")]),
        Record(.homework, id: "h1", ["lesson": .text("l1"), "text": .text("№ 12, 14"), "due": .text("2026-09-09")]),
        Record(.mark, id: "m1", ["lesson": .text("l1"), "student": .text("s1"), "work_type": .text("wt"), "value": .text("5"), "point": .int(0), "weight": .int(1)]),
        Record(.attendance, id: "a1", ["lesson": .text("l1"), "student": .text("s1"), "kind": .text("late")]),
        Record(.finalMark, id: "f1", ["student": .text("s1"), "subject": .text("math"), "period": .text("p1"), "value": .text("5")]),
        Record(.movement, id: "mv1", ["student": .text("s1"), "kind": .text("arrival"), "date": .text("2026-09-01"), "to_class": .text("5А")]),
    ]
}

struct StoreTests {
    let origin = Origin(source: "test", runID: "run-1", account: "admin")

    @Test(arguments: StoreBackend.allCases) func everyKindRoundTrips(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let location = try storeLocation(backend, dir)
        let store = try JournalStore.create(at: location, school: "Школа", timeZone: "Europe/Samara")
        #expect(store.backend == backend)
        let records = sampleRecords()
        #expect(Set(records.map(\.kind)) == Set(EntityKind.allCases), "the sample covers every kind")
        let outcomes = try store.transaction { try records.map { try store.write($0, origin: origin) } }
        #expect(outcomes.allSatisfy { $0 == .created })
        let reopened = try JournalStore.open(at: location)
        for r in records {
            #expect(reopened.record(r.kind, id: r.id) == r.normalized, "\(r.kind)")
        }
        #expect(reopened.school.name == "Школа")
        #expect(reopened.school.timeZoneID == "Europe/Samara")
    }

    @Test func tablesMatchTheSchema() throws {
        let dir = try TempDir()
        let store = try JournalStore.create(at: dir.path("s.sqlite"), school: "Школа", timeZone: "Europe/Samara")
        for kind in EntityKind.allCases {
            let cols = try store.db.rows("SELECT name FROM pragma_table_info(?)", [.text(kind.table)]).compactMap { $0[0].text }
            #expect(cols == ["id"] + kind.fields.map(\.name), "\(kind.table)")
        }
    }

    @Test(arguments: StoreBackend.allCases) func changeLogKeepsOldAndNewValues(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let location = try storeLocation(backend, dir)
        let store = try JournalStore.create(at: location, school: "Школа", timeZone: "Europe/Samara")
        #expect(store.backend == backend)
        try store.transaction { for r in sampleRecords() { try store.write(r, origin: origin) } }
        var mark = try #require(store.record(.mark, id: "m1"))
        mark["value"] = .text("4")
        let outcome = try store.transaction { try store.write(mark, origin: Origin(source: "test", runID: "run-2", account: "teacher")) }
        #expect(outcome == .updated([FieldChange(Mark.value, old: .text("5"), new: .text("4"))]))
        #expect(try store.transaction { try store.write(mark, origin: origin) } == .unchanged)
        #expect(try store.transaction { try store.delete(.mark, id: "m1", origin: origin) })
        #expect(try store.isTombstoned(.mark, id: "m1"))
        let h = try store.history(recordID: "m1")
        #expect(h.map(\.op) == ["create", "update", "delete"])
        #expect(h[0].changes.first { $0.name == "value" } == FieldChange(Mark.value, old: .null, new: .text("5")))
        #expect(h[1].changes == [FieldChange(Mark.value, old: .text("5"), new: .text("4"))])
        #expect(h[1].origin == Origin(source: "test", runID: "run-2", account: "teacher"))
        #expect(h[2].changes.contains(FieldChange(Mark.value, old: .text("4"), new: .null)))
        #expect(h[2].changes.contains(FieldChange(Mark.student, old: .text("s1"), new: .null)))
        // Creating it again lifts the tombstone.
        try store.transaction { _ = try store.write(mark, origin: origin) }
        #expect(try !store.isTombstoned(.mark, id: "m1"))
    }

    @Test(arguments: StoreBackend.allCases) func foreignKeysAndNaturalKeysAreEnforced(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let location = try storeLocation(backend, dir)
        let store = try JournalStore.create(at: location, school: "Школа", timeZone: "Europe/Samara")
        #expect(store.backend == backend)
        try store.transaction { for r in sampleRecords() { try store.write(r, origin: origin) } }
        #expect(throws: StoreFailure.self) {
            try store.transaction { try store.write(Record(.mark, id: "m2", ["lesson": .text("nope"), "student": .text("s1"), "work_type": .text("wt"), "value": .text("3")]), origin: origin) }
        }
        #expect(throws: StoreFailure.self) {
            try store.transaction { try store.write(Record(.subject, id: "math2", ["name": .text("Математика")]), origin: origin) }
        }
        let twin = Record(.mark, id: "other", ["lesson": .text("l1"), "student": .text("s1"), "work_type": .text("wt")])
        #expect(store.recordByNaturalKey(twin)?.id == "m1")
    }

    @Test func fileIsPrivateAndInWAL() throws {
        let dir = try TempDir()
        let store = try JournalStore.create(at: dir.path("s.sqlite"), school: "Школа", timeZone: "Europe/Samara")
        let mode = try FileManager.default.attributesOfItem(atPath: dir.path("s.sqlite"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try store.db.scalar("PRAGMA journal_mode")?.text == "wal")
        #expect(try store.db.scalar("PRAGMA foreign_keys")?.int == 1)
    }

    @Test func migratesAStoreOfThePreviousVersion() throws {
        let dir = try TempDir()
        let path = dir.path("old.sqlite")
        // Build a version-1 store by hand: the schema as it shipped, plus data.
        do {
            let db = try Database(path: path)
            try db.exec("PRAGMA journal_mode = WAL")
            try db.exec(Migrations.v1)
            try db.exec("PRAGMA user_version = 1")
            try db.exec("INSERT INTO meta VALUES ('school_name', 'Старая школа'), ('time_zone', 'Europe/Samara')")
            try db.exec("INSERT INTO subject (id, name) VALUES ('math', 'Математика')")
        }
        let store = try JournalStore.open(at: path)
        #expect(store.schemaVersion == Migrations.latest)
        #expect(store.record(.subject, id: "math")?["name"] == .text("Математика"))
        #expect(store.school.name == "Старая школа")
        let tables = try store.db.rows("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0[0].text }
        for t in ["identity", "sync_base", "conflict", "outbox", "sync_run"] { #expect(tables.contains(t), "\(t)") }
    }

    @Test func refusesANewerSchema() throws {
        let dir = try TempDir()
        _ = try JournalStore.create(at: dir.path("s.sqlite"), school: "Школа", timeZone: "Europe/Samara")
        do { let db = try Database(path: dir.path("s.sqlite")); try db.exec("PRAGMA user_version = 99") }
        #expect(throws: StoreError.self) { try JournalStore.open(at: dir.path("s.sqlite")) }
    }

    @Test func runLockRefusesASecondHolderAndTakesOverStaleOnes() throws {
        let dir = try TempDir()
        let path = dir.path("s.sqlite")
        let first = try RunLock(storePath: path, command: "sync asu-rso")
        do {
            _ = try RunLock(storePath: path, command: "journal import")
            Issue.record("a second lock was granted")
        } catch let e as StoreError {
            #expect(e.kind == .locked)
            #expect(e.message.contains("pid \(getpid())"))
            #expect(e.message.contains("sync asu-rso"))
        }
        first.release()
        // A lock file left by a process that died: pid 999999 does not run.
        try #"{"pid": 999999, "command": "sync epos", "since": "2026-09-01T00:00:00Z"}"#.write(toFile: path + ".lock", atomically: false, encoding: .utf8)
        let second = try RunLock(storePath: path, command: "status")
        #expect(second.tookOverFrom?.pid == 999999)
        #expect(second.tookOverFrom?.command == "sync epos")
    }
}
