import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

/// Issue 18 item 2's last step with issue 19's archive: a night whose archive step builds the
/// archive of the periods that have closed (`archive =` and the signing key in school.conf),
/// signed, verifiable, remembered so that the next night archives nothing twice; its figures
/// in the metrics file.
@Suite(.serialized) struct NightArchiveE2ETests {
    /// The last school year that has wholly ended by today (its four quarters closed).
    static func lastEndedYear(_ now: Date = Date()) -> Int {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Europe/Samara")!, from: now)
        return (c.month ?? 1) >= 9 ? (c.year ?? 2026) - 1 : (c.year ?? 2026) - 2
    }

    @Test func nightArchivesClosedPeriodsOnce() throws {
        let dir = try TempDir(prefix: "jg-night-archive")
        let year = Self.lastEndedYear()
        let school = dir.path("school")
        #expect(cli(["generate", "school", "--students", "12", "--year", "\(year)", "--seed", "7", "--out", school], store: dir.path("unused.sqlite")).code == 0)
        let store = dir.path("journal.sqlite")
        #expect(cli(["init", "--school", "МБОУ «Школа № 122»", "--timezone", "Europe/Samara"], store: store).code == 0)
        #expect(cli(["journal", "import", school + "/pupils.jsonl"], store: store).code == 0)
        #expect(cli(["journal", "import", school + "/journal.jsonl"], store: store).code == 0)
        let key = dir.path("key.pem"), cert = dir.path("cert.pem")
        let made = try #require(try runTool("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                                        "-days", "30", "-subj", "/CN=Night archive test", "-utf8"]), "openssl not installed")
        #expect(made.status == 0, "\(made.err)")
        #expect(chmod(key, 0o600) == 0)

        // The periods the store holds, and which have closed by the store's clock: all four.
        let closed = try ArchiveStep.closedPeriods(try JournalStore.open(at: store, readOnly: true))
        #expect(closed.count == 4, "\(closed)")
        let archive = dir.path("archive"), metrics = dir.path("metrics.prom")
        let config = dir.path("school.conf")
        try """
            [school]
            store = \(store)
            timezone = Europe/Samara
            archive = \(archive)
            metrics-file = \(metrics)
            archive-sign-key = \(key)
            archive-sign-cert = \(cert)
            """.write(toFile: config, atomically: false, encoding: .utf8)

        // A dry run plans every closed period and writes nothing.
        let dry = LocaleCLITests.run(["--config", config, "night", "--dry-run", "--json"], [:])
        #expect(dry.code == 0, "\(dry.out.prefix(2000)) \(dry.err.prefix(2000))")
        #expect(try NightE2ETests.steps(dry.out)["archive"]?.summary["periods"]?.array?.count == 4)
        #expect(!FileManager.default.fileExists(atPath: archive + "/\(year)-\(year + 1)_1-четверть/manifest.json"))

        // Night 1: every closed period archived, signed, each file in the manifest; remembered.
        let first = LocaleCLITests.run(["--config", config, "night", "--json"], [:])
        #expect(first.code == 0, "\(first.out.prefix(3000)) \(first.err.prefix(2000))")
        let step = try #require(try NightE2ETests.steps(first.out)["archive"])
        #expect(step.code == 0)
        let periods = step.summary["periods"]?.array ?? []
        #expect(periods.map { $0["period"]?.string ?? "" } == closed.map(\.name))
        for p in periods {
            #expect(p["exit_code"]?.int == 0, "\(p)")
            let result = p["result"]
            #expect(result?["signed"] == .bool(true), "\(p)")
            let directory = try #require(result?["directory"]?.string)
            #expect(directory.hasPrefix(archive + "/\(year)-\(year + 1)_"))
            let manifest = try JSON.parse(String(contentsOfFile: directory + "/manifest.json", encoding: .utf8))
            let files = manifest["files"]?.array ?? []
            #expect(!files.isEmpty)
            for f in files {
                let name = try #require(f["name"]?.string)
                #expect(FileManager.default.fileExists(atPath: directory + "/" + name), "\(name)")
                #expect(FileManager.default.fileExists(atPath: directory + "/" + name + ".sig"), "\(name).sig")
            }
        }
        let remembered = try JournalStore.open(at: store, readOnly: true).meta("night.archived").flatMap { try? JSON.parse($0) }?.array?.compactMap(\.string)
        #expect(Set(remembered ?? []) == Set(closed.map(\.id)))
        let verified = cli(["archive", "verify", archive, "--json"], store: store)
        #expect(verified.code == 0, "\(verified.out.prefix(2000)) \(verified.err.prefix(1000))")
        #expect(try JSON.parse(verified.out)["manifests"]?.int == 4)
        let m1 = try PrometheusText.parse(try String(contentsOfFile: metrics, encoding: .utf8))
        #expect(StepMetricsTests.value(m1, "step_exit_code", ["step": "archive"]) == 0)
        #expect(StepMetricsTests.value(m1, "night_exit_code") == 0)

        // Night 2: nothing closed since; nothing archived again, nothing overwritten.
        let listing = try FileManager.default.contentsOfDirectory(atPath: archive).sorted()
        let second = LocaleCLITests.run(["--config", config, "night", "--json"], [:])
        #expect(second.code == 0, "\(second.out.prefix(2000)) \(second.err.prefix(2000))")
        #expect(try NightE2ETests.steps(second.out)["archive"]?.summary["periods"]?.array?.isEmpty == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: archive).sorted() == listing)

        // The night's report in Russian names the step; `check` is OK.
        let russian = LocaleCLITests.run(["--config", config, "night"], ["LANG": "ru_RU.UTF-8"])
        #expect(russian.code == 0 && russian.out.contains("archive: успешно"), "\(russian.out)")
        #expect(LocaleCLITests.run(["--config", config, "check"], [:]).out.hasPrefix("OK: "))
    }
}
