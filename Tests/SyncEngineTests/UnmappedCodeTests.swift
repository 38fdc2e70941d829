import Foundation
import Synchronization
import Testing
import JournalModel
import JournalStore
import SyncModel
@testable import SyncEngine
import TestSupport

/// A counterpart that maps its marks' values through a table a test can extend, as the
/// adapters do: a value without a line stays raw and is listed in `unmapped`.
final class MappingCounterpart: Counterpart {
    let inner: InMemoryCounterpart
    let table: Mutex<[String: String]> = Mutex(["1": "1", "2": "2", "3": "3", "4": "4", "5": "5"])
    init(inner: InMemoryCounterpart) { self.inner = inner }
    var name: String { inner.name }

    func addLine(_ portal: String, _ journal: String) { table.withLock { $0[portal] = journal } }

    func map(_ r: RemoteRecord) -> RemoteRecord {
        guard r.kind == .mark, !r.deleted, let raw = r.fields["value"].text else { return r }
        var out = r
        out.unmapped = []
        if let v = table.withLock({ $0[raw] }) {
            out.fields["value"] = .text(v)
        } else {
            out.unmapped = [UnmappedCode(table: "test/mark_values.tsv", code: raw, what: "mark value", line: raw + "\t…", choices: "1, 2, 3, 4, 5")]
        }
        return out
    }

    func pull(cursor: String?) async throws -> PullPage {
        switch try await inner.pull(cursor: cursor) {
        case .resetToFull: return .resetToFull
        case .needs(let needs): return .needs(needs)
        case .records(let items, let next, let more): return .records(items.map(map), next: next, hasMore: more)
        }
    }
    func push(_ ops: [OutboundOperation]) async throws -> [OperationResult] { try await inner.push(ops) }
    func remap(_ record: RemoteRecord) -> RemoteRecord { map(record) }
}

@Suite struct UnmappedCodeTests {
    /// A mark whose value has no line is kept (parked), everything else flows; the run exits 65
    /// naming the line; every later run tries it again; once the line is there it flows, exit 0.
    @Test(arguments: StoreBackend.allCases)
    func aValueWithoutALineIsParkedAndFlowsOnceTheLineIsThere(_ backend: StoreBackend) async throws {
        let dir = try TempDir(), store = try newStore(dir, backend)
        let inner = InMemoryCounterpart(name: "portal")
        let school = seedRemote(inner, students: 2, lessons: 1)
        let cp = MappingCounterpart(inner: inner)
        let good = inner.create(.mark, ["lesson": .text(school.lessons[0]), "student": .text(school.students[0]), "work_type": .text(school.oral),
                                        "value": .text("5"), "weight": .int(1)])
        let odd = inner.create(.mark, ["lesson": .text(school.lessons[0]), "student": .text(school.students[1]), "work_type": .text(school.oral),
                                       "value": .text("5+"), "weight": .int(1)])
        let first = try await SyncEngine(store: store, counterpart: cp).run()
        #expect(first.exitCode == 65)
        #expect(first.status == "unmapped")
        #expect(first.failures.isEmpty, "\(first.failures)")
        #expect(first.unmapped == [UnmappedReport(code: UnmappedCode(table: "test/mark_values.tsv", code: "5+", what: "mark value", line: "5+\t…",
                                                                     choices: "1, 2, 3, 4, 5"), items: 1)])
        #expect(first.entities[.mark]?.failed == 1 && first.entities[.mark]?.applied == 1 && first.total.unexplained == 0)
        #expect(first.unmapped.map(\.line).contains { $0.hasPrefix("mark value «5+»: 1 item(s) kept, not applied; add to mappings/test/mark_values.tsv the line «5+<TAB>…»") })
        #expect(first.json["unmapped"]?.array?.first?["items"]?.int == 1)
        #expect(try store.localID(counterpart: "portal", .mark, externalID: good) != nil)
        #expect(try store.localID(counterpart: "portal", .mark, externalID: odd) == nil)
        #expect(try store.parkedItems(counterpart: "portal").map(\.externalID) == [odd])

        // Retried on every run while the line is missing; nothing else to do.
        let second = try await SyncEngine(store: store, counterpart: cp).run()
        #expect(second.exitCode == 65 && second.unmapped.first?.items == 1)

        cp.addLine("5+", "5")
        let pushes = inner.appliedOperations
        let third = try await SyncEngine(store: store, counterpart: cp).run()
        #expect(third.exitCode == 0, "\(third.json)")
        #expect(third.unmapped.isEmpty)
        let id = try #require(try store.localID(counterpart: "portal", .mark, externalID: odd))
        #expect(store.record(.mark, id: id)?["value"] == .text("5"))
        #expect(try store.parkedItems(counterpart: "portal").isEmpty)
        #expect(inner.appliedOperations == pushes, "nothing sent back")
    }

    /// The journal's own record with the key of a parked one is not pushed as new meanwhile
    /// (it would meet the counterpart's record); once the line is there they bind and merge.
    @Test(arguments: StoreBackend.allCases)
    func theJournalsTwinWaitsForTheParkedRecord(_ backend: StoreBackend) async throws {
        let dir = try TempDir(), store = try newStore(dir, backend)
        let inner = InMemoryCounterpart(name: "portal")
        let school = seedRemote(inner, students: 1, lessons: 1)
        let cp = MappingCounterpart(inner: inner)
        #expect(try await SyncEngine(store: store, counterpart: cp).run().exitCode == 0)
        let lesson = try local(store, inner, .lesson, school.lessons[0]), student = try local(store, inner, .student, school.students[0])
        let oral = try local(store, inner, .workType, school.oral)
        _ = try store.write(Record(.mark, id: "mk-local", ["lesson": .text(lesson), "student": .text(student), "work_type": .text(oral),
                                                           "value": .text("4"), "weight": .int(1)]), origin: user)
        let odd = inner.create(.mark, ["lesson": .text(school.lessons[0]), "student": .text(school.students[0]), "work_type": .text(school.oral),
                                       "value": .text("5+"), "weight": .int(1)])
        let pushes = inner.appliedOperations
        let parked = try await SyncEngine(store: store, counterpart: cp).run()
        #expect(parked.exitCode == 65, "\(parked.json)")
        #expect(inner.appliedOperations == pushes, "the twin was not created at the counterpart")
        #expect(inner.records(.mark).count == 1)

        cp.addLine("5+", "5")
        let bound = try await SyncEngine(store: store, counterpart: cp).run()
        #expect(bound.exitCode == 0, "\(bound.json)")
        #expect(try store.localID(counterpart: "portal", .mark, externalID: odd) == "mk-local")
        // Both sides created it: the journal is the authority for marks, so its value is pushed, once.
        #expect(inner.record(odd)?.fields["value"] == .text("4"))
        #expect(inner.records(.mark).count == 1)
        let again = try await SyncEngine(store: store, counterpart: cp).run()
        #expect(again.exitCode == 0 && again.total.pushed == 0)
    }

    /// 65 only when what is left is items kept for codes (and held deletions); any other failure is 1.
    @Test func exitCodes() {
        func summary(failed: Int, unmappedItems: Int, failures: [String] = [], held: [String] = [], heldItems: Int = 0) -> SyncSummary {
            var c = EntityCounts()
            c.expected = 5; c.applied = 5 - failed; c.failed = failed
            return SyncSummary(runID: "r", counterpart: "p", cursorStart: nil, cursorEnd: nil, entities: [.mark: c], failures: failures,
                               resumedAfter: [], resent: 0, unavailable: nil, stopReason: nil, held: held, heldItems: heldItems,
                               warnings: [], openConflicts: 0, unmappedItems: unmappedItems)
        }
        #expect(summary(failed: 0, unmappedItems: 0).exitCode == 0)
        #expect(summary(failed: 2, unmappedItems: 2).exitCode == 65)
        #expect(summary(failed: 2, unmappedItems: 2).status == "unmapped")
        #expect(summary(failed: 3, unmappedItems: 2).exitCode == 1)
        #expect(summary(failed: 2, unmappedItems: 2, failures: ["x"]).exitCode == 1)
        #expect(summary(failed: 3, unmappedItems: 2, held: ["h"], heldItems: 1).exitCode == 65)
        #expect(summary(failed: 3, unmappedItems: 2, held: ["h"], heldItems: 1).status == "held")
    }
}
