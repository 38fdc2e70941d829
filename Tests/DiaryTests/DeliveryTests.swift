import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// The feed against the portal emulator over real loopback HTTP.
@Suite(.serialized) struct DeliveryTests {
    @Test(arguments: StoreBackend.allCases)
    func cleanDeliveryIsAcceptedOnceAndTheNextRunSendsNothing(_ backend: StoreBackend) async throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let path = try sampleStore(dir, backend)
        let portal = try DiaryEmulator.start(DiaryEmulatorOptions())
        defer { portal.stop() }
        let token = try tokenFile(dir, portal.token)
        let r = await cliOffPool(feedArgs(portal, token: token), store: path)
        #expect(r.code == 0, "\(r.err)")
        let summary = try JSON.parse(r.out)
        #expect(summary["delivered"]?["accepted"]?.int == 401)
        #expect(summary["outbox"]?["pending"]?.int == 0)
        #expect(summary["cursor"]?["delivered_seq"] == summary["cursor"]?["change_log_seq"])
        #expect(portal.stats().serialized() == #"{"events_accepted":401,"duplicates":0,"rejected":0,"faults_injected":0}"#)
        let again = await cliOffPool(feedArgs(portal, token: token), store: path)
        #expect(again.code == 0)
        #expect(try JSON.parse(again.out)["delivered"]?["batches"]?.int == 0)
        #expect(portal.stats()["events_accepted"]?.int == 401)
    }

    @Test(arguments: StoreBackend.allCases)
    func fivePercentFaultsStillDeliverEveryEventExactlyOnce(_ backend: StoreBackend) async throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let path = try sampleStore(dir, backend)
        let expected = try await referenceIDs(dir, backend)
        let faults = try FaultSpec(parsing: "500=0.01,503=0.01,429=0.01,drop=0.01,truncate=0.01,retry-after=0")
        let portal = try DiaryEmulator.start(DiaryEmulatorOptions(faults: faults, seed: 7))
        defer { portal.stop() }
        let token = try tokenFile(dir, portal.token)
        let r = await cliOffPool(feedArgs(portal, token: token, batchSize: 4), store: path)
        #expect(r.code == 0, "\(r.err)")
        let ids = acceptedIDs(portal)
        #expect(ids.count == Set(ids).count)
        #expect(Set(ids) == expected)
        let stats = portal.stats()
        #expect((stats["faults_injected"]?.int ?? 0) > 0)
        // A batch applied before its answer was lost comes back as duplicates.
        #expect((stats["duplicates"]?.int ?? 0) > 0, "\(stats.serialized())")
    }

    @Test(arguments: StoreBackend.allCases)
    func unknownGuardiansAreRejectedKeptAndRetriedWhenTheirDataChanges(_ backend: StoreBackend) async throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let path = try sampleStore(dir, backend)
        let store = try JournalStore.open(at: path)
        var all = Set<String>()
        try store.forEachRecord(.guardian) { all.insert($0.id) }
        let portal = try DiaryEmulator.start(DiaryEmulatorOptions(knownGuardians: all.subtracting(["grd-008m"])))
        defer { portal.stop() }
        let token = try tokenFile(dir, portal.token)
        let first = await cliOffPool(feedArgs(portal, token: token), store: path)
        #expect(first.code == 0, "rejections never block the feed: \(first.err)")
        let rejected = try #require(try JSON.parse(first.out)["delivered"]?["rejected"]?.int)
        #expect(rejected > 0)
        let list = try JSON.parse(cli(["feed", "diary", "--rejected", "--json"], store: path).out).array ?? []
        #expect(list.count == rejected)
        #expect(list.allSatisfy { $0["reason"]?.string == "unknown_guardian" && $0["student"]?.string == "stu-05-1008" })
        #expect(cli(["feed", "diary", "--rejected"], store: path).out.contains("unknown_guardian"))
        // Nothing about the data changed: nothing is retried.
        let idle = await cliOffPool(feedArgs(portal, token: token), store: path)
        #expect(try JSON.parse(idle.out)["delivered"]?["batches"]?.int == 0)
        // The guardian's record is corrected and the portal now knows her.
        portal.setKnownGuardians(all)
        try importLines([#"{"type": "guardian", "id": "grd-008m", "surname": "Соколова", "name": "Елена", "patronymic": "Юрьевна", "snils": "20083783240", "phone": "+79270000000"}"#],
                        store: path, dir: dir)
        let retry = await cliOffPool(feedArgs(portal, token: token), store: path)
        let summary = try JSON.parse(retry.out)
        #expect(summary["planned"]?["rejected_retried"]?.int == rejected)
        #expect(summary["delivered"]?["accepted"]?.int == rejected)
        #expect(try JSON.parse(cli(["feed", "diary", "--rejected", "--json"], store: path).out).array?.isEmpty == true)
        #expect(portal.stats()["events_accepted"]?.int == 401)
    }

    @Test(arguments: StoreBackend.allCases)
    func anExpiredTokenIsReadAgainAndAWrongOneStopsWithExit77(_ backend: StoreBackend) async throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let path = try sampleStore(dir, backend)
        // Seed 3 expires the token three times, never twice in a row.
        let portal = try DiaryEmulator.start(DiaryEmulatorOptions(faults: try FaultSpec(parsing: "expire-token=0.2"), seed: 3))
        defer { portal.stop() }
        let good = try tokenFile(dir, portal.token)
        let ok = await cliOffPool(feedArgs(portal, token: good, batchSize: 100), store: path)
        #expect(ok.code == 0, "\(ok.err)")
        #expect(portal.stats()["events_accepted"]?.int == 401)
        #expect(portal.stats()["faults_injected"]?.int == 3)

        let other = try sampleStore(dir, backend, name: "other.sqlite")
        let bad = dir.path("bad.token")
        try #require(FileManager.default.createFile(atPath: bad, contents: Data("nope\n".utf8), attributes: [.posixPermissions: 0o600]))
        let refused = await cliOffPool(feedArgs(portal, token: bad), store: other)
        #expect(refused.code == ExitCode.credentialsRefused)
        #expect(refused.err.contains("401"))
        let unreachable = await cliOffPool(["feed", "diary", "--url", "http://127.0.0.1:9", "--token-file", good, "--school-id", "x"], store: other)
        #expect(unreachable.code == ExitCode.unavailable)
    }

    @Test func theEmulatorSpeaksTheProtocol() async throws {
        let portal = try DiaryEmulator.start(DiaryEmulatorOptions(knownGuardians: ["g1"]))
        defer { portal.stop() }
        let event = #"{"eventId":"mark:1:v1","seq":1,"type":"mark.created","occurredAt":"2026-09-07T10:41:00+04:00","student":{"id":"s1","name":"Зайцева Мария"},"recipients":[{"guardianId":"g1","name":"Зайцева Ульяна Юрьевна","snils":"11223344595"}],"payload":{"value":"4"}}"#
        let stranger = event.replacingOccurrences(of: "\"g1\"", with: "\"g2\"").replacingOccurrences(of: "mark:1:v1", with: "mark:2:v1")
        func post(_ body: String, token: String? = nil) async throws -> (Int, JSON) {
            var req = URLRequest(url: portal.url.appendingPathComponent("api/diary/v1/events:batch"))
            req.httpMethod = "POST"
            req.setValue("Bearer \(token ?? portal.token)", forHTTPHeaderField: "Authorization")
            req.httpBody = Data(body.utf8)
            let (data, response) = try await URLSession.shared.data(for: req)
            return ((response as! HTTPURLResponse).statusCode, (try? JSON.parse(bytes: Array(data))) ?? .null)
        }
        let (s1, a1) = try await post(#"{"schoolId":"63-0002","batchId":"b1","events":[\#(event),\#(event),\#(stranger)]}"#)
        #expect(s1 == 200)
        #expect(a1.serialized() == #"{"accepted":["mark:1:v1"],"duplicates":["mark:1:v1"],"rejected":[{"eventId":"mark:2:v1","reason":"unknown_guardian","guardianId":"g2"}]}"#)
        #expect(try await post(#"{"schoolId":"63-0002","batchId":"b1","events":[]}"#, token: "wrong").0 == 401)
        #expect(try await post(#"{"schoolId":"99-0001","batchId":"b1","events":[]}"#).0 == 403)
        let many = Array(repeating: event, count: 1001).joined(separator: ",")
        #expect(try await post(#"{"schoolId":"63-0002","batchId":"b2","events":[\#(many)]}"#).0 == 413)
        #expect(portal.stats().serialized() == #"{"events_accepted":1,"duplicates":1,"rejected":1,"faults_injected":0}"#)
        let (stats, _) = try await URLSession.shared.data(from: portal.url.appendingPathComponent("_emulator/stats"))
        #expect(String(decoding: stats, as: UTF8.self) == portal.stats().serialized())
    }

    @Test func theGuardiansFileListsIDsOneALine() throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let file = dir.path("guardians.txt")
        try "# known to the portal\ngrd-001m Морозова Екатерина\n\n  grd-002m\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try DiaryEmulatorOptions.guardians(fromFile: file) == ["grd-001m", "grd-002m"])
        #expect(throws: EmulatorError.self) { try DiaryEmulatorOptions.guardians(fromFile: dir.path("none.txt")) }
    }

    @Test func theEmulatorCommandPrintsItsReadyLineAndStopsOnSIGTERM() async throws {
        let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
        let pid = try spawnBinary(["emulator", "diary", "--port", "0", "--seed", "5"], out: dir.path("out"), err: dir.path("err"))
        var line = ""
        for _ in 0..<200 where !line.hasSuffix("\n") {
            try await Task.sleep(for: .milliseconds(50))
            line = (try? String(contentsOfFile: dir.path("out"), encoding: .utf8)) ?? ""
        }
        // The signal handler is set up just after the line; give it a moment.
        try await Task.sleep(for: .milliseconds(200))
        kill(pid, SIGTERM)
        let end = await waitChild(pid)
        #expect(end.status == 0 && !end.killed)
        let parts = line.trimmingCharacters(in: .newlines).split(separator: " ")
        #expect(parts.count == 3)
        #expect(parts.first?.hasPrefix("url=http://127.0.0.1:") == true)
        #expect(parts.dropFirst().first == "school-id=63-0002")
        #expect(parts.last?.hasPrefix("token=diary-") == true)
    }
}

/// The ids a clean delivery of the sample school gives (another store, another portal).
func referenceIDs(_ dir: TempDir, _ backend: StoreBackend) async throws -> Set<String> {
    let path = try sampleStore(dir, backend, name: "reference-\(UUID().uuidString).sqlite")
    let portal = try DiaryEmulator.start(DiaryEmulatorOptions())
    defer { portal.stop() }
    let r = await cliOffPool(feedArgs(portal, token: try tokenFile(dir, portal.token)), store: path)
    try #require(r.code == 0, "\(r.err)")
    return Set(acceptedIDs(portal))
}
