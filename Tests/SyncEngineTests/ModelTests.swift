import Foundation
import Testing
import JournalModel
import JournalStore
@testable import SyncEngine

/// Model-based property tests: seeded random histories of edits on both sides, syncs
/// with duplicated, reordered, stale and dropped-and-retried pages, lost pushes, killed
/// runs, conflict resolutions and truncated feeds; after every sync the journal and the
/// counterpart must equal an independent model, and at the end the invariants hold.
struct ModelTests {
    /// 1,000 histories from a fixed first seed; `SYNC_MODEL_SEED` and `SYNC_MODEL_HISTORIES`
    /// explore others (a failure names its seed: set SYNC_MODEL_SEED to it and HISTORIES to 1).
    static let environment = ProcessInfo.processInfo.environment
    static let histories = environment["SYNC_MODEL_HISTORIES"].flatMap { Int($0) } ?? 1000
    static let firstSeed = environment["SYNC_MODEL_SEED"].flatMap { UInt64($0) } ?? 20_260_907
    static let chunks = 8

    /// PostgreSQL runs the first eighth of the histories (125 of 1,000, the same seeds as
    /// SQLite's first 125): each history is a new school (a schema and ~30 tables) and a few
    /// dozen transactions over the socket, so all 1,000 would add minutes to `swift test`; the
    /// engine's logic is the same on both, and what the backend can change (transactions,
    /// savepoints, ordering, the dialect) every history exercises. `SYNC_MODEL_HISTORIES` sets both.
    static func histories(_ backend: StoreBackend) -> Int {
        backend == .sqlite || environment["SYNC_MODEL_HISTORIES"] != nil ? histories : histories / 8
    }

    @Test(arguments: StoreBackend.allCases, 0..<ModelTests.chunks)
    func randomHistoriesAgreeWithTheModel(_ backend: StoreBackend, chunk: Int) async throws {
        for i in stride(from: chunk, to: ModelTests.histories(backend), by: ModelTests.chunks) {
            let seed = ModelTests.firstSeed + UInt64(i)
            do {
                try await History(seed: seed, backend: backend).run()
            } catch let f as HistoryFailure {
                Issue.record("\(backend.rawValue), seed \(seed) (replay: SYNC_MODEL_SEED=\(seed) SYNC_MODEL_HISTORIES=1), step \(f.step): \(f.message)")
            } catch {
                Issue.record("\(backend.rawValue), seed \(seed): \(error)")
            }
        }
    }
}

struct HistoryFailure: Error { let step: Int; let message: String }

/// The expected state, kept by simple rules written apart from the engine (docs/sync.md):
/// records by natural key, their fields as text, the agreed state, open conflicts.
struct SyncModel {
    typealias Fields = [String: String]
    var local: [String: Fields] = [:]
    var remote: [String: Fields] = [:]
    /// Key absent: never agreed. `.some(nil)`: agreed deleted.
    var agreed: [String: Fields?] = [:]
    var conflicts: [String: Set<String>] = [:]
    /// Keys whose record one side deleted and entered again since the last sync.
    var remoteReplaced: Set<String> = []
    var localReplaced: Set<String> = []

    static let fields = ["lesson": ["topic"], "mark": ["value"], "attendance": ["kind", "reason"], "student": ["surname"]]
    /// The test's policy: the journal owns lessons and marks, the contingent students, a person attendance.
    static func authority(_ kind: String) -> String { ["lesson": "local", "mark": "local", "student": "remote"][kind] ?? "queue" }

    mutating func sync() {
        // A record the counterpart replaced arrives as two: the old one deleted, then a new
        // one; the journal's push for the first never happens, the second decides.
        for key in remoteReplaced.sorted() {
            let replacement = remote[key]
            remote[key] = nil
            merge(key)
            remote[key] = replacement
            agreed[key] = .some(nil)
        }
        remoteReplaced = []
        localReplaced = []
        for key in Set(local.keys).union(remote.keys).union(agreed.keys).sorted() { merge(key) }
    }

    /// The side's record was agreed and is gone now: a creation with its key replaces it.
    func replaces(_ key: String, local side: Bool) -> Bool {
        guard case .some(.some) = agreed[key] else { return false }
        return (side ? local[key] : remote[key]) == nil
    }

    private mutating func merge(_ key: String) {
        let kind = String(key.prefix { $0 != "/" })
        let names = SyncModel.fields[kind]!
        let base = agreed[key] ?? nil, l = local[key], r = remote[key]
        let blocked = conflicts[key] ?? []
        if blocked.contains("@record") {
            agreed[key] = .some(r)
            if l == r { conflicts[key] = nil }
            return
        }
        switch (base, l, r) {
        case (_, nil, nil):
            conflicts[key] = nil
            if agreed[key] != nil || base != nil { agreed[key] = .some(nil) }
        case (nil, nil, let r?):
            local[key] = r; agreed[key] = r
        case (nil, let l?, nil):
            remote[key] = l; agreed[key] = l
        case (let b?, nil, let r?):
            conflicts[key] = nil
            if r == b { remote[key] = nil; agreed[key] = .some(nil) } else { deleteAgainstEdit(key, kind, deleterIsLocal: true, base: b, edited: r) }
        case (let b?, let l?, nil):
            conflicts[key] = nil
            if l == b { local[key] = nil; agreed[key] = .some(nil) } else { deleteAgainstEdit(key, kind, deleterIsLocal: false, base: b, edited: l) }
        case (let b, var l?, var r?):
            var open = blocked
            for f in names {
                let bf = b?[f] ?? "∅"
                if blocked.contains(f) { if l[f] == r[f] { open.remove(f) }; continue }
                if l[f] == r[f] { continue }
                if l[f] == bf { l[f] = r[f]; continue }
                if r[f] == bf { r[f] = l[f]; continue }
                switch SyncModel.authority(kind) {
                case "local": r[f] = l[f]
                case "remote": l[f] = r[f]
                default: open.insert(f)
                }
            }
            local[key] = l; remote[key] = r; agreed[key] = r
            conflicts[key] = open.isEmpty ? nil : open
        }
    }

    private mutating func deleteAgainstEdit(_ key: String, _ kind: String, deleterIsLocal: Bool, base: Fields, edited: Fields) {
        // One authority per kind in this test, so the owners of the record and of every edited field agree.
        switch (SyncModel.authority(kind), deleterIsLocal) {
        case ("local", true), ("remote", false):       // the deleting side owns it: deleted on both
            local[key] = nil; remote[key] = nil; agreed[key] = .some(nil)
        case ("local", false), ("remote", true):       // the editing side owns it: the record stands on both
            local[key] = edited; remote[key] = edited; agreed[key] = edited
        default:
            conflicts[key] = ["@record"]
            agreed[key] = .some(remote[key])
        }
    }
}

/// One write in the oracle log.
struct Write {
    /// Changed and changed back before a sync: the merge sees no change (docs/sync.md).
    var reverted = false
    let step: Int
    let local: Bool
    let key: String
    let field: String       // or "@record"
    let value: String       // "deleted" / "present" for @record
    let localID: String?
    let externalID: String?
}
