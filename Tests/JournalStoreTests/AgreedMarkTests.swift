import Foundation
import Testing
import JournalModel
import JournalStore
import TestSupport

/// The agreed mark (`sync_base.agreed_seq`, docs/sync.md): the push plan's candidates leave
/// out a record whose base with that counterpart was set as agreeing with it, until the
/// record changes again; any other base write, a cleared mark, a moved sync state or another
/// counterpart sees it as changed. On both backends.
struct AgreedMarkTests {
    let origin = Origin(source: "test", runID: "run-1", account: "admin")

    func subject(_ id: String, _ name: String) -> Record { Record(.subject, id: id, ["name": .text(name)]) }

    @Test(arguments: StoreBackend.allCases) func agreedRecordsLeaveThePlanUntilTheyChange(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let store = try JournalStore.create(at: try storeLocation(backend, dir), school: "Школа", timeZone: "Europe/Samara")
        func changed(_ cp: String = "cp", since: Int = 0) throws -> [String] {
            try store.changedRecords(since: since, skipping: ["sync:cp"], agreedWith: cp).records.map(\.localID)
        }
        func base(_ id: String) -> SyncBase { SyncBase(fields: store.record(.subject, id: id)?.normalized.fields, version: "1", epoch: 0) }
        try store.transaction {
            for id in ["a", "b", "c", "d"] { try store.write(subject(id, "Предмет " + id), origin: origin) }
        }
        #expect(try changed() == ["a", "b", "c", "d"])
        try store.transaction {
            try store.setSyncBase(counterpart: "cp", .subject, localID: "a", base("a"), agreed: true)
            try store.setSyncBase(counterpart: "cp", .subject, localID: "b", base("b"))
            try store.setSyncBase(counterpart: "cp", .subject, localID: "c", base("c"), agreed: true)
        }
        #expect(try changed() == ["b", "d"])
        // Another counterpart's plan still sees every record.
        #expect(try changed("other") == ["a", "b", "c", "d"])
        // A counterpart's own writes are skipped, agreed or not; the last seq covers them.
        let before = try store.changedRecords(since: 0, skipping: [], agreedWith: "cp").lastSeq
        try store.transaction { try store.write(subject("e", "Предмет e"), origin: Origin(source: "sync:cp", runID: "run-2", account: nil)) }
        let after = try store.changedRecords(since: 0, skipping: ["sync:cp"], agreedWith: "cp")
        #expect(!after.records.map(\.localID).contains("e") && after.lastSeq == before + 1)
        // A's change after its mark brings it back; so does a cleared mark (c).
        try store.transaction {
            try store.write(subject("a", "Предмет а, изменён"), origin: origin)
            try store.clearAgreedMark(counterpart: "cp", .subject, localID: "c")
        }
        #expect(try changed() == ["a", "b", "c", "d"])
        // A base written again without `agreed` clears the mark.
        try store.transaction { try store.setSyncBase(counterpart: "cp", .subject, localID: "a", base("a"), agreed: true) }
        #expect(try changed() == ["b", "c", "d"])
        try store.transaction { try store.setSyncBase(counterpart: "cp", .subject, localID: "a", base("a")) }
        #expect(try changed() == ["a", "b", "c", "d"])
        // A sync state moved to another record (d replaces c) is not known to agree with it.
        try store.transaction { try store.setSyncBase(counterpart: "cp", .subject, localID: "c", base("c"), agreed: true) }
        #expect(try changed() == ["a", "b", "d"])
        try store.transaction { try store.moveSyncState(counterpart: "cp", .subject, from: "c", to: "d") }
        #expect(try changed() == ["a", "b", "c", "d"])
        // Only changes after `since` count.
        let end = try store.changedRecords(since: 0, skipping: [], agreedWith: nil).lastSeq
        #expect(try changed(since: after.lastSeq) == ["a"] && changed(since: end).isEmpty)
    }
}
