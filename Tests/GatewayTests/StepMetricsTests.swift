import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// Issue 18 item 4, "after every run": single commands that run a step write the metrics file
/// (merged with the other steps' figures, atomically, by Prometheus's text rules), and every
/// command logs one event a line with `--log-format`.
struct StepMetricsTests {
    static func value(_ samples: [PrometheusText.Sample], _ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == "journal_gateway_" + name && $0.labels == labels }?.value
    }

    @Test func singleCommandsWriteTheirStepAndKeepTheOthers() throws {
        let dir = try TempDir(prefix: "jg-step-metrics")
        let store = try ASURSOSyncE2ETests.freshStore(dir)
        let metrics = dir.path("metrics.prom")
        let e = try PortalHarness.startASURSO()
        let env = PortalHarness.asuRSO.env(e)
        func read() throws -> [PrometheusText.Sample] { try PrometheusText.parse(try String(contentsOfFile: metrics, encoding: .utf8)) }

        // A journal import: its step, its records, the store's queues.
        let line = dir.path("mark.jsonl")
        try #"{"type": "mark", "id": "mk-metrics-1", "lesson": "les-9А-2026-09-07-1", "student": "stu-09-1026", "work_type": "wt-self", "value": "4", "weight": 1}"#
            .appending("\n").write(toFile: line, atomically: false, encoding: .utf8)
        #expect(LocaleCLITests.run(["--store", store, "--metrics-file", metrics, "journal", "import", line], env).code == 0)
        let m1 = try read()
        #expect(Self.value(m1, "step_exit_code", ["step": "journal import"]) == 0)
        #expect((Self.value(m1, "step_last_success_timestamp_seconds", ["step": "journal import"]) ?? 0) > Date().timeIntervalSince1970 - 600)
        #expect(Self.value(m1, "records", ["step": "journal import", "outcome": "applied"]) == 1, "\(m1.filter { $0.name.hasSuffix("records") })")
        #expect(Self.value(m1, "conflicts_open") == 0 && Self.value(m1, "outbox_pending") != nil)

        // A sync with the JSON log: its step joins the file, the import's stays; every stderr line an event.
        let sync = ["--store", store, "--metrics-file", metrics, "--log-format", "json", "sync", "asu-rso",
                    "--url", e.url.absoluteString, "--school-id", e.schoolID, "--login", e.login]
        let synced = LocaleCLITests.run(sync, env)
        #expect(synced.code == 0, "\(synced.err.prefix(2000))")
        let m2 = try read()
        #expect(Self.value(m2, "step_exit_code", ["step": "sync asu-rso"]) == 0)
        #expect((Self.value(m2, "records", ["step": "sync asu-rso", "outcome": "pushed"]) ?? 0) >= 1, "the local mark went out")
        #expect(Self.value(m2, "step_exit_code", ["step": "journal import"]) == 0, "the other step stays")
        #expect(Self.value(m2, "records", ["step": "journal import", "outcome": "applied"]) == 1)
        let success = try #require(Self.value(m2, "step_last_success_timestamp_seconds", ["step": "sync asu-rso"]))

        // The portal gone: 69, its last success kept; the failure is a JSON event with the run id.
        e.stop()
        let down = LocaleCLITests.run(sync, env)
        #expect(down.code == 69, "\(down.err.prefix(2000))")
        let m3 = try read()
        #expect(Self.value(m3, "step_exit_code", ["step": "sync asu-rso"]) == 69)
        #expect(Self.value(m3, "step_last_success_timestamp_seconds", ["step": "sync asu-rso"]) == success)
        let events = try down.err.split(separator: "\n").map { try JSON.parse(String($0)) }
        #expect(!events.isEmpty)
        let run = events.first?["run"]?.string ?? ""
        #expect(run.hasPrefix("sync-asu-rso-"))
        for ev in events {
            #expect(ev["run"]?.string == run && ev["level"]?.string != nil && ev["time"]?.string != nil && ev["step"]?.string == "sync asu-rso", "\(ev)")
        }
        #expect(events.contains { $0["level"]?.string == "error" })
        #expect(!down.err.contains(e.password), "no credential in the log")

        // A night (no portal configured) keeps the single commands' steps and adds its own.
        let config = dir.path("school.conf")
        try "[school]\nstore = \(store)\nmetrics-file = \(metrics)\n".write(toFile: config, atomically: false, encoding: .utf8)
        #expect(LocaleCLITests.run(["--config", config, "night"], env).code == 0)
        let m4 = try read()
        #expect(Self.value(m4, "night_exit_code") == 0)
        #expect(Self.value(m4, "step_exit_code", ["step": "archive"]) == 0)
        #expect(Self.value(m4, "step_exit_code", ["step": "sync asu-rso"]) == 69)
        #expect(Self.value(m4, "step_exit_code", ["step": "journal import"]) == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("metrics.prom.") }.isEmpty, "no temporary file left")

        // A dry run and a command that is no step leave the file as it is.
        let before = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(LocaleCLITests.run(["--store", store, "--metrics-file", metrics, "journal", "import", line, "--dry-run"], env).code != 99)
        #expect(LocaleCLITests.run(["--store", store, "--metrics-file", metrics, "status"], env).code == 0)
        #expect(try String(contentsOfFile: metrics, encoding: .utf8) == before)
    }

    /// The text log: one line per event with time, level, run id; plain lines when none is asked for.
    @Test func textLogForAnyCommand() throws {
        let dir = try TempDir(prefix: "jg-log")
        let missing = dir.path("none.sqlite")
        let plain = LocaleCLITests.run(["--store", missing, "status"], [:])
        #expect(plain.err.hasPrefix("error: no store at"), "\(plain.err)")
        let text = LocaleCLITests.run(["--store", missing, "--log-format", "text", "status"], [:])
        #expect(text.code == plain.code)
        // started, the error, finished: each an event with the same run id.
        let lines = text.err.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(text.err)")
        let run = try #require(lines.first?.split(separator: " ").first { $0.hasPrefix("run=status-") })
        #expect(lines.allSatisfy { $0.contains(" \(run) step=\"status\" ") }, "\(text.err)")
        #expect(lines.first?.contains(" info \(run) step=\"status\" started") == true, "\(text.err)")
        #expect(lines[1].contains(" error \(run) step=\"status\" error: no store at"), "\(text.err)")
        #expect(lines.last?.contains(" error \(run) step=\"status\" finished: exit 64") == true, "\(text.err)")
        // JSON from the environment; the messages in the server's language, the field names not.
        let json = LocaleCLITests.run(["--store", missing, "status"], ["JOURNAL_GATEWAY_LOG_FORMAT": "json", "LANG": "ru_RU.UTF-8"])
        let events = try json.err.split(separator: "\n").map { try JSON.parse(String($0)) }
        #expect(events.count == 3)
        #expect(events.contains { $0["level"]?.string == "error" && $0["message"]?.string?.hasPrefix("ошибка: хранилище") == true }, "\(json.err)")
        #expect(events.last?["message"]?.string == "завершён: код 64")
    }
}
