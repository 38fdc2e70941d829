import Foundation
import Testing
import JournalModel
@testable import JournalStore
import TestSupport

/// Issue 13: R1 checks put off to the end of a batch, files that are not stores, and
/// read-only opening that writes nothing.
struct StoreOpeningTests {
    let origin = Origin(source: "test", runID: "run-1", account: "admin")

    private func filled(_ dir: TempDir) throws -> JournalStore {
        let store = try JournalStore.create(at: dir.path("s.sqlite"), school: "Школа", timeZone: "Europe/Samara")
        try store.transaction { for r in sampleRecords() { try store.write(r, origin: origin) } }
        return store
    }

    @Test func deferredRegradeChecksTheEndOfTheBatch() throws {
        let dir = try TempDir()
        let store = try filled(dir)
        var c5 = store.record(.classUnit, id: "c5")!
        c5["grade"] = .int(1)
        // Re-graded first, its mark and homework deleted further down: accepted at the end.
        try store.transaction {
            try store.deferringRegradeChecks {
                _ = try store.write(c5, origin: origin)
                try store.delete(.mark, id: "m1", origin: origin)
                try store.delete(.homework, id: "h1", origin: origin)
            }
        }
        #expect(store.record(.classUnit, id: "c5")?["grade"] == .int(1))
        let other = try TempDir()
        let s2 = try filled(other)
        #expect(throws: StoreFailure.self) {
            try s2.transaction { try s2.deferringRegradeChecks { _ = try s2.write(c5, origin: origin) } }
        }
        #expect(s2.record(.classUnit, id: "c5")?["grade"] == .int(5))
    }

    @Test func readOnlyOpenOfAnEmptyFileWritesNothing() throws {
        let dir = try TempDir()
        let path = dir.path("empty.sqlite")
        FileManager.default.createFile(atPath: path, contents: Data())
        do {
            _ = try JournalStore.open(at: path, readOnly: true)
            Issue.record("an empty file opened as a store")
        } catch let e as StoreError {
            #expect(e.kind == .notInitialized)
        }
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 0)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
    }

    @Test(arguments: [Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }), Data("школа;5А;Иванов\n".utf8)])
    func aFileThatIsNotADatabaseIsNotAStore(bytes: Data) throws {
        let dir = try TempDir()
        let path = dir.path("not.sqlite")
        try bytes.write(to: URL(fileURLWithPath: path))
        for readOnly in [true, false] {
            do {
                _ = try JournalStore.open(at: path, readOnly: readOnly)
                Issue.record("opened as a store")
            } catch let e as StoreError {
                #expect(e.kind == .notAStore, "\(e)")
                #expect(e.message.contains("is not a Journal Gateway store (not an SQLite database)"))
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        }
    }

    @Test func createInAMissingDirectoryNamesIt() throws {
        let dir = try TempDir()
        let path = dir.path("no/such/dir/s.sqlite")
        do {
            _ = try JournalStore.create(at: path, school: "Школа", timeZone: "Europe/Samara")
            Issue.record("created")
        } catch let e as StoreError {
            #expect(e.kind == .missingDirectory)
            #expect(e.message.contains(dir.path("no/such/dir")))
        }
    }

    @Test func readOnlyMediaIsReadImmutableWithoutCreatingFiles() throws {
        let dir = try TempDir()
        let path = dir.path("s.sqlite")
        do { _ = try filled(dir) }   // closed: WAL folded in, -wal and -shm removed
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
        // A directory that cannot hold -shm: immutable; one that can, or an existing -shm: not.
        #expect(try JournalStore.readerNeedsImmutable(path, directoryWritable: false))
        #expect(try !JournalStore.readerNeedsImmutable(path, directoryWritable: true))
        let db = try Database(path: path, readOnly: true, immutable: true)
        #expect(try db.scalar("SELECT count(*) FROM mark")?.int == 1)
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"), "an immutable read creates nothing")
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        // A WAL with changes that SQLite could not index is refused, not skipped.
        try Data(repeating: 1, count: 64).write(to: URL(fileURLWithPath: path + "-wal"))
        #expect(throws: StoreError.self) { try JournalStore.readerNeedsImmutable(path, directoryWritable: false) }
    }

    @Test(.enabled(if: getuid() != 0, "as root chmod does not stop writes"))
    func aRunLockInAReadOnlyDirectoryIsCannotWrite() throws {
        let dir = try TempDir()
        _ = try JournalStore.create(at: dir.path("s.sqlite"), school: "Школа", timeZone: "Europe/Samara")
        chmod(dir.url.path, 0o555)
        defer { chmod(dir.url.path, 0o755) }
        do {
            _ = try RunLock(storePath: dir.path("s.sqlite"), command: "journal import")
            Issue.record("a lock in a read-only directory")
        } catch let e as StoreError {
            #expect(e.kind == .cannotWrite)
        }
    }
}
