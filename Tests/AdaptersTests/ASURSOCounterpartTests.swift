import Foundation
import Testing
import JournalModel
import PortalEmulator
import SyncModel
import Transport
@testable import Adapters

func asuCounterpart(_ emulator: RunningEmulator) throws -> ASURSOCounterpart {
    var policy = RetryPolicy()
    policy.baseDelay = .milliseconds(5)
    policy.maxDelay = .milliseconds(50)
    policy.maxAttempts = 8
    let session = ASURSOSession(client: HTTPClient(policy: policy),
                                account: ASURSOAccount(baseURL: emulator.url, schoolID: emulator.schoolID, login: emulator.login, password: emulator.password))
    return ASURSOCounterpart(session: session, codes: try ASURSOCodes(directory: packageRoot.path + "/mappings/asu-rso"),
                             timeZone: TimeZone(identifier: "Europe/Samara")!, today: CivilDate(year: 2026, month: 11, day: 22)!)
}

/// Pulls until the cursor reaches the change feed; returns the records and the final cursor.
func pullAll(_ c: ASURSOCounterpart, from cursor: String? = nil) async throws -> ([RemoteRecord], String) {
    var all: [RemoteRecord] = []
    var cursor = cursor
    while true {
        switch try await c.pull(cursor: cursor) {
        case .records(let r, let next, let more):
            all += r
            cursor = next
            if !more { return (all, next) }
        case .resetToFull:
            cursor = nil
        case .needs(let needs):
            // No journal here: it holds nothing of what the adapter asks (it reads the pages instead).
            await c.answer(Dictionary(uniqueKeysWithValues: needs.map { ($0, PullAnswer.nothing) }))
        }
    }
}

struct ASURSOCounterpartTests {
    let seed = packageRoot.path + "/samples/asu-rso"

    @Test func fullPullMapsEverything() async throws {
        let emu = try ASURSOEmulator.start(EmulatorOptions(seedDir: seed))
        defer { emu.stop() }
        let (records, cursor) = try await pullAll(try asuCounterpart(emu))
        var byKind: [EntityKind: Int] = [:]
        for r in records { byKind[r.kind, default: 0] += 1 }
        let stats = emu.stats()["objects"]
        #expect(byKind[.student] == stats?["student"]?.int)
        #expect(byKind[.lesson] == stats?["lesson"]?.int)
        #expect(byKind[.mark] == stats?["mark"]?.int)
        #expect(byKind[.attendance] == stats?["attendance"]?.int)
        #expect(byKind[.finalMark] == stats?["finalmark"]?.int)
        #expect((byKind[.homework] ?? 0) > 0)
        #expect(byKind[.group] == 2)
        #expect(records.contains { $0.kind == .group && $0.fields["name"] == .text("1 гр.") })
        #expect(cursor.hasPrefix("feed:"))
        // Codes are mapped, not copied: «зач» becomes «зачёт», types by abbreviation.
        #expect(records.contains { $0.kind == .workType && $0.fields["name"] == .text("Домашнее задание") })
        let values = Set(records.filter { $0.kind == .mark }.compactMap { $0.fields["value"].text })
        #expect(values.isSubset(of: ["1", "2", "3", "4", "5", "зачёт", "незачёт"]))
    }

    @Test func pushesAMarkAndSeesItInTheFeed() async throws {
        let emu = try ASURSOEmulator.start(EmulatorOptions(seedDir: seed))
        defer { emu.stop() }
        let c = try asuCounterpart(emu)
        let (records, cursor) = try await pullAll(c)
        let mark = try #require(records.first { $0.kind == .mark && $0.fields["value"] == .text("4") })
        var fields = mark.fields
        fields["value"] = .text("5")
        let op = OutboundOperation(key: "M-test-1", kind: .mark, localID: "m1", externalID: mark.externalID, op: .upsert,
                                   fields: fields, changed: [Mark.value], baseVersion: mark.version)
        let results = try await c.push([op])
        guard case .applied(let id, let version)? = results.first else { Issue.record("\(results)"); return }
        #expect(id == mark.externalID)
        #expect(version != nil)
        // The same key again: the portal replays its answer and applies nothing twice.
        _ = try await c.push([op])
        #expect(emu.stats()["idempotent_replays"]?.int == 1)
        #expect(emu.stats()["operations_applied"]?.int == 1)
        let (changes, _) = try await pullAll(c, from: cursor)
        #expect(changes.contains { $0.kind == .mark && $0.externalID == mark.externalID && $0.fields["value"] == .text("5") })
        // A stale base version is a conflict carrying the portal's current mark.
        var stale = op
        stale.key = "M-test-2"
        stale.fields["value"] = .text("3")
        guard case .conflict(let current)? = try await c.push([stale]).first else { Issue.record("expected a conflict"); return }
        #expect(current.fields["value"] == .text("5"))
    }

    @Test func unmappedCodesAreClearErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("codes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for f in ["subjects.tsv", "work_types.tsv", "mark_values.tsv", "attendance.tsv"] {
            try FileManager.default.copyItem(atPath: packageRoot.path + "/mappings/asu-rso/" + f, toPath: dir.path + "/" + f)
        }
        let codes = try ASURSOCodes(directory: dir.path)
        #expect(throws: CodeTableError.self) { try codes.subject("Астрономия") }
        do { _ = try codes.markToJournal("н/а"); Issue.record("н/а must not map") } catch let e as CodeTableError {
            #expect(e.message.contains("«н/а»") && e.message.contains("mark_values.tsv"))
        }
        #expect(try codes.attendanceToJournal(code: "Н", reason: nil) == ("absent", nil))
        #expect(try codes.attendanceToPortal(kind: "late", reason: nil) == ("ОП", nil))
    }
}
