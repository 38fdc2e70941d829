import Foundation
import Testing
@testable import Gateway
import JournalModel
@testable import JournalStore
import PortalEmulator
import TestSupport

/// Issue 18, «Done when»: the binary installed into a temporary prefix and run from another
/// folder (nothing of the package reachable: no `#filePath` in product code, checked here, and
/// neither the prefix nor the working folder is under the package), `night` with a
/// configuration file against the emulators on loopback; a school's override line taking
/// effect; `night` with ЭПОС unreachable still importing and delivering, exit 69; `check`;
/// the metrics file read by the Prometheus text rules.
struct NightE2ETests {
    /// Runs `binary` with `args` in `cwd`, with only `environment` (no inherited variables).
    static func run(_ binary: String, _ args: [String], cwd: String, environment: [String: String] = [:], launcher: [String] = []) throws -> CLIResult {
        try runBinary(args, environment: ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }, launcher: launcher, binary: binary, cwd: cwd)
    }

    static func secret(_ path: String, _ value: String) throws {
        #expect(FileManager.default.createFile(atPath: path, contents: Data((value + "\n").utf8), attributes: [.posixPermissions: 0o600]))
    }

    static func steps(_ out: String) throws -> [String: (code: Int, summary: JSON)] {
        let j = try JSON.parse(out)
        var d: [String: (Int, JSON)] = [:]
        for s in j["steps"]?.array ?? [] { d[s["step"]?.string ?? ""] = (s["exit_code"]?.int ?? -1, s["summary"] ?? .null) }
        return d
    }

    static func metrics(_ path: String) throws -> [PrometheusText.Sample] {
        try PrometheusText.parse(try String(contentsOfFile: path, encoding: .utf8))
    }

    static func value(_ samples: [PrometheusText.Sample], _ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == "journal_gateway_" + name && $0.labels == labels }?.value
    }

    /// As root where mount namespaces are allowed: a launcher that runs a program with an
    /// empty tmpfs mounted over the package root (for that program only), so nothing of the
    /// package — tables, samples, build tree — can be reached. Else none (the static check
    /// below and the prefix outside the package still hold).
    static func hidingPackage() -> [String] {
        let launcher = ["/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                        "mount -t tmpfs none \"$0\" && exec \"$@\"", packageRoot.path]
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: launcher[0]),
              let probe = try? run("/bin/ls", [packageRoot.path + "/Package.swift"], cwd: "/", launcher: launcher),
              probe.code != 0, probe.err.contains("No such file") else { return [] }
        return launcher
    }

    static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// Product code finds nothing through the path it was built from.
    @Test func productCodeHasNoBuildMachinePath() throws {
        let root = packageRoot.path + "/Sources"
        var offenders: [String] = []
        for rel in FileManager.default.enumerator(atPath: root)?.compactMap({ $0 as? String }) ?? [] where rel.hasSuffix(".swift") {
            if rel.hasPrefix("TestSupport/") { continue }
            let text = try String(contentsOfFile: root + "/" + rel, encoding: .utf8)
            if text.contains("#filePath") || text.contains("#file)") { offenders.append(rel) }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }

    @Test func installedBinaryRunsTheNight() throws {
        let dir = try TempDir(prefix: "jg-night")
        #expect(!dir.path.hasPrefix(packageRoot.path))
        let prefix = dir.path("prefix")
        let built = try gatewayBinary().path
        let install = try Self.run(built, ["install", "--prefix", prefix], cwd: dir.path)
        #expect(install.code == 0, "\(install.err)")
        let bin = prefix + "/bin/journal-gateway"
        let share = prefix + "/share/journal-gateway"
        for f in [bin, share + "/mappings/contingent/columns.tsv", share + "/mappings/asu-rso/mark_values.tsv", share + "/school.conf.example",
                  prefix + "/lib/systemd/system/journal-gateway-night.service", prefix + "/lib/systemd/system/journal-gateway-night.timer"] {
            #expect(FileManager.default.fileExists(atPath: f), "\(f)")
        }
        #expect(FileManager.default.isExecutableFile(atPath: bin))
        let service = try String(contentsOfFile: prefix + "/lib/systemd/system/journal-gateway-night.service", encoding: .utf8)
        for line in ["Type=oneshot", "ProtectSystem=strict", "NoNewPrivileges=yes", "User=journal-gateway", "ExecStart=\(bin) --config"] {
            #expect(service.contains(line), "\(line)")
        }
        let timer = try String(contentsOfFile: prefix + "/lib/systemd/system/journal-gateway-night.timer", encoding: .utf8)
        for line in ["OnCalendar=*-*-* 01:30:00", "Persistent=true", "RandomizedDelaySec="] { #expect(timer.contains(line), "\(line)") }

        // The school: a store with the sample contingent and week, the inbox with a list and a broken file.
        let store = try ASURSOSyncE2ETests.freshStore(dir)
        let inbox = dir.path("inbox"), etc = dir.path("etc"), work = dir.path("elsewhere")
        for d in [inbox, etc + "/mappings", work] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        try FileManager.default.copyItem(atPath: samples + "/contingent/list-2026-09-01.csv", toPath: inbox + "/list-2026-09-01.csv")
        try "no header here\n".write(toFile: inbox + "/broken.csv", atomically: false, encoding: .utf8)

        var o = EmulatorOptions(seedDir: samples + "/asu-rso")
        o.novelCodes = true
        let asu = try ASURSOEmulator.start(o)
        defer { asu.stop() }
        let diary = try DiaryEmulator.start(DiaryEmulatorOptions())
        defer { diary.stop() }
        try Self.secret(etc + "/asurso.pw", asu.password)
        try Self.secret(etc + "/diary.token", diary.token)
        let today = try JournalStore.open(at: store, readOnly: true).today
        let config = etc + "/school.conf"
        try """
            [school]
            store = \(store)
            timezone = Europe/Samara
            inbox = \(inbox)
            extracts = \(dir.path("extracts"))
            metrics-file = \(dir.path("metrics.prom"))
            extract-weekday = \(Self.weekdays[today.weekday - 1])
            mappings-overrides = \(etc)/mappings

            [asu-rso]
            url = \(asu.url.absoluteString)
            school-id = \(asu.schoolID)
            login = \(asu.login)
            password-file = asurso.pw

            [diary]
            url = \(diary.url.absoluteString)
            school-id = \(diary.schoolID)
            token-file = diary.token
            """.write(toFile: config, atomically: false, encoding: .utf8)

        // config check from the installed binary: the shipped tables are the prefix's.
        let hide = Self.hidingPackage()
        let check = try Self.run(bin, ["--config", config, "config", "check", "--json"], cwd: work, launcher: hide)
        #expect(check.code == 0, "\(check.out) \(check.err)")
        let findings = try JSON.parse(check.out)["checks"]?.array ?? []
        #expect(findings.contains { $0["check"]?.string == "mappings" && $0["message"]?.string == "shipped tables \(share)/mappings" }, "\(check.out)")
        #expect(findings.contains { $0["check"]?.string == "[asu-rso] sign-in" && $0["status"]?.string == "ok" })

        // A dry run: every step plans, nothing is moved, written or sent.
        let dry = try Self.run(bin, ["--config", config, "night", "--dry-run", "--json"], cwd: work, launcher: hide)
        #expect(dry.code == 65, "\(dry.out.prefix(2000)) \(dry.err.prefix(2000))")
        #expect(try JSON.parse(dry.out)["dry_run"] == .bool(true))
        #expect(try Self.steps(dry.out)["import inbox"]?.summary["files"]?.array?.count == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox).sorted() == ["broken.csv", "list-2026-09-01.csv"])
        #expect(diary.stats()["events_accepted"]?.int == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.path("metrics.prom")))
        #expect(try JournalStore.open(at: store, readOnly: true).meta("night.last_run") == nil)

        // Night 1: the broken list fails alone, the portal's new codes wait for their lines (65).
        let first = try Self.run(bin, ["--config", config, "night", "--json"], cwd: work, launcher: hide)
        #expect(first.code == 65, "\(first.out.prefix(2000)) \(first.err.prefix(2000))")
        let s1 = try Self.steps(first.out)
        #expect(s1.keys.sorted() == ["archive", "extract weekly", "feed diary", "import inbox", "sync asu-rso"])
        #expect(s1["import inbox"]?.code == 65 && s1["sync asu-rso"]?.code == 65 && s1["feed diary"]?.code == 0)
        #expect(s1["archive"]?.summary["status"]?.string == "not available")
        #expect(FileManager.default.fileExists(atPath: inbox + "/done/list-2026-09-01.csv"))
        #expect(FileManager.default.fileExists(atPath: inbox + "/failed/broken.csv"))
        let why = try String(contentsOfFile: inbox + "/failed/broken.csv.error.txt", encoding: .utf8)
        #expect(why.contains("broken.csv"), "\(why)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox).sorted() == ["done", "failed"])
        #expect(!(try JournalStore.open(at: store, readOnly: true).parkedReasons()).isEmpty)
        let accepted1 = diary.stats()["events_accepted"]?.int ?? 0
        #expect(accepted1 > 0)
        #expect(s1["feed diary"]?.summary["delivered"]?["accepted"]?.int == accepted1)
        #expect(s1["extract weekly"]?.code == 0 && s1["extract weekly"]?.summary["week"]?.string == ISOWeek.name(of: today))
        let m1 = try Self.metrics(dir.path("metrics.prom"))
        let mode = try FileManager.default.attributesOfItem(atPath: dir.path("metrics.prom"))[.posixPermissions] as? Int
        #expect(mode == 0o644, "node_exporter's user reads it")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("metrics.prom.") }.isEmpty, "no temporary file left")
        #expect(Self.value(m1, "night_exit_code") == 65)
        #expect(Self.value(m1, "step_exit_code", ["step": "sync asu-rso"]) == 65)
        #expect(Self.value(m1, "night_last_success_timestamp_seconds") == 0)
        #expect(Self.value(m1, "records", ["step": "feed diary", "outcome": "pushed"]) == Double(accepted1))

        // The school's lines for the two new codes, in the /etc-like folder: night 2 delivers them.
        try FileManager.default.createDirectory(atPath: etc + "/mappings/asu-rso", withIntermediateDirectories: true)
        try "5+\t5\n".write(toFile: etc + "/mappings/asu-rso/mark_values.tsv", atomically: false, encoding: .utf8)
        try "portal_code\tportal_reason\tjournal_kind\tjournal_reason\nН\tК\tabsent\tУП\n".write(toFile: etc + "/mappings/asu-rso/attendance.tsv", atomically: false, encoding: .utf8)
        let second = try Self.run(bin, ["--config", config, "night", "--json"], cwd: work, launcher: hide)
        #expect(second.code == 0, "\(second.out.prefix(3000)) \(second.err.prefix(2000))")
        let s2 = try Self.steps(second.out)
        #expect(s2["sync asu-rso"]?.code == 0)
        #expect(s2["sync asu-rso"]?.summary["unmapped"]?.array?.isEmpty == true)
        #expect(s2["import inbox"]?.summary["files"]?.array?.isEmpty == true)
        #expect(try JournalStore.open(at: store, readOnly: true).parkedReasons().isEmpty)
        let m2 = try Self.metrics(dir.path("metrics.prom"))
        #expect(Self.value(m2, "night_exit_code") == 0)
        #expect((Self.value(m2, "night_last_success_timestamp_seconds") ?? 0) > Date().timeIntervalSince1970 - 3600)
        #expect(Self.value(m2, "parked_items") == 0)
        #expect((Self.value(m2, "records", ["step": "sync asu-rso", "outcome": "applied"]) ?? 0) >= 1)
        let ok = try Self.run(bin, ["--config", config, "check"], cwd: work, launcher: hide)
        #expect(ok.code == 0 && ok.out.hasPrefix("OK: "), "\(ok.out)")
    }

    /// ЭПОС down: the inbox is imported, the diary feed goes out, the night exits 69; check
    /// says CRITICAL before any clean night, WARNING after one.
    @Test func eposUnreachable() throws {
        let dir = try TempDir(prefix: "jg-night")
        let store = try EPOSSyncE2ETests.freshStore(dir)
        let inbox = dir.path("inbox")
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: samples + "/contingent/list-2026-09-01.csv", toPath: inbox + "/list.csv")
        let diary = try DiaryEmulator.start(DiaryEmulatorOptions())
        defer { diary.stop() }
        // A port nobody listens on: an emulator started and stopped.
        let gone = try DiaryEmulator.start(DiaryEmulatorOptions())
        let deadURL = gone.url.absoluteString
        gone.stop()
        try Self.secret(dir.path("epos.pw"), "x")
        try Self.secret(dir.path("diary.token"), diary.token)
        let school = "[school]\nstore = \(store)\ninbox = inbox\nmetrics-file = metrics.prom\n"
        let diarySection = "[diary]\nurl = \(diary.url.absoluteString)\nschool-id = \(diary.schoolID)\ntoken-file = diary.token\n"
        try (school + diarySection).write(toFile: dir.path("clean.conf"), atomically: false, encoding: .utf8)
        try (school + "[epos]\nurl = \(deadURL)\nschool-id = 59-122\nlogin = gw\npassword-file = epos.pw\n" + diarySection)
            .write(toFile: dir.path("school.conf"), atomically: false, encoding: .utf8)
        let bin = try gatewayBinary().path

        let never = try Self.run(bin, ["--config", dir.path("school.conf"), "check", "--max-age", "26h"], cwd: dir.path)
        #expect(never.code == 2 && never.out.hasPrefix("CRITICAL: "), "\(never.out)")

        let down = try Self.run(bin, ["--config", dir.path("school.conf"), "--log-format", "json", "night", "--json"], cwd: dir.path)
        #expect(down.code == 69, "\(down.out.prefix(3000)) \(down.err.prefix(2000))")
        let s = try Self.steps(down.out)
        #expect(try JSON.parse(down.out)["exit_code"]?.int == 69)
        #expect(s["import inbox"]?.code == 0 && s["sync epos"]?.code == 69 && s["feed diary"]?.code == 0)
        #expect(FileManager.default.fileExists(atPath: inbox + "/done/list.csv"))
        let accepted = diary.stats()["events_accepted"]?.int ?? 0
        #expect(accepted > 0 && s["feed diary"]?.summary["delivered"]?["accepted"]?.int == accepted)
        // Every log line is a JSON object with a level and the run id; no password in any.
        let runID = try #require(down.err.split(separator: "\n").first.flatMap { try? JSON.parse(String($0)) }?["run"]?.string)
        for line in down.err.split(separator: "\n") {
            let j = try JSON.parse(String(line))
            #expect(j["level"]?.string != nil && j["run"]?.string == runID, "\(line)")
        }
        let m = try Self.metrics(dir.path("metrics.prom"))
        #expect(Self.value(m, "night_exit_code") == 69)
        #expect(Self.value(m, "step_exit_code", ["step": "sync epos"]) == 69)
        #expect(Self.value(m, "step_last_success_timestamp_seconds", ["step": "sync epos"]) == 0)
        #expect((Self.value(m, "step_last_success_timestamp_seconds", ["step": "feed diary"]) ?? 0) > 0)
        #expect(Self.value(m, "outbox_pending") != nil && Self.value(m, "conflicts_open") != nil)

        let critical = try Self.run(bin, ["--config", dir.path("school.conf"), "check"], cwd: dir.path)
        #expect(critical.code == 2 && critical.out.contains("sync epos"), "\(critical.out)")

        // A clean night (no ЭПОС configured), then ЭПОС down again: WARNING, naming the step.
        let clean = try Self.run(bin, ["--config", dir.path("clean.conf"), "night"], cwd: dir.path)
        #expect(clean.code == 0, "\(clean.out) \(clean.err.prefix(2000))")
        #expect(try Self.run(bin, ["--config", dir.path("clean.conf"), "check"], cwd: dir.path).code == 0)
        #expect(try Self.run(bin, ["--config", dir.path("school.conf"), "night"], cwd: dir.path).code == 69)
        let warning = try Self.run(bin, ["--config", dir.path("school.conf"), "check", "--max-age", "26h"], cwd: dir.path)
        #expect(warning.code == 1 && warning.out.hasPrefix("WARNING: ") && warning.out.contains("sync epos (exit 69)"), "\(warning.out)")
    }

    /// The units pass `systemd-analyze verify` (when the machine has it).
    @Test func systemdUnitsVerify() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else { return }
        let dir = try TempDir(prefix: "jg-units")
        let install = try Self.run(try gatewayBinary().path, ["install", "--prefix", dir.path("prefix")], cwd: dir.path)
        #expect(install.code == 0, "\(install.err)")
        let units = dir.path("prefix") + "/lib/systemd/system"
        let v = try Self.run("/usr/bin/systemd-analyze", ["verify", units + "/journal-gateway-night.service", units + "/journal-gateway-night.timer"], cwd: dir.path)
        #expect(v.code == 0, "\(v.err)")
        let ours = v.err.split(separator: "\n").filter { $0.contains("journal-gateway-night") }
        #expect(ours.isEmpty, "\(ours)")
    }
}
