import Foundation
import Testing
@testable import Gateway
@testable import Adapters
import JournalModel
import TestSupport

/// Issue 18: `school.conf`, the global options, the school's code-table lines over the
/// shipped ones, the night's urgency order, durations, the metrics' format.
struct OperationsConfigTests {
    static func load(_ text: String, _ dir: TempDir) throws -> SchoolConfig {
        let path = dir.path("school.conf")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return try SchoolConfig.load(path: path)
    }

    static func error(_ text: String) -> String {
        let dir = try! TempDir()
        do { _ = try load(text, dir); return "no error" } catch { return "\(error)" }
    }

    @Test func mistakesAreNamedWithTheirLine() {
        #expect(Self.error("[school]\nstore = a\nstore = b\n") == "school.conf:3: store is set twice in [school] (first at line 2)")
        #expect(Self.error("# top\nstore = a\n") == "school.conf:2: «store» comes before any [section]")
        #expect(Self.error("[school]\n\nstroe = a\n").hasPrefix("school.conf:3: [school] has no key «stroe»"))
        #expect(Self.error("[school]\ntimezone = Europe/Smara\n").hasPrefix("school.conf:2: timezone «Europe/Smara»"))
        #expect(Self.error("[school]\nextract-weekday = пятница\n").hasPrefix("school.conf:2: extract-weekday is a day of the week"))
        #expect(Self.error("[schol]\n").hasPrefix("school.conf:1: unknown section [schol]"))
        #expect(Self.error("[school]\n[asu-rso]\nschool-id = 1\nlogin = gw\n") == "school.conf:2: [asu-rso] needs url")
        #expect(Self.error("[epos]\nurl = ftp://x\n").hasPrefix("school.conf:2: url must be an http(s) address"))
        #expect(Self.error("[school]\njust words\n").hasPrefix("school.conf:2: expected «key = value»"))
        #expect(Self.error("[school]\n[school]\n") == "school.conf:2: section [school] again (first at line 1): put its keys in one place")
    }

    /// The example `install` places reads back with every key the issue spells.
    @Test func theExampleIsTheContract() throws {
        let dir = try TempDir()
        let c = try Self.load(Installer.exampleConfig, dir)
        #expect(c.store == "/var/lib/journal-gateway/school.sqlite")
        #expect(c.timeZone == "Europe/Samara")
        #expect(c.inbox == "/var/lib/journal-gateway/inbox" && c.extracts == "/var/lib/journal-gateway/extracts")
        #expect(c.archive == "/var/lib/journal-gateway/archive")
        #expect(c.metricsFile == "/var/lib/node_exporter/textfile/journal_gateway.prom")
        #expect(c.extractWeekday == 5)
        #expect(c.platforms.map(\.name) == ["asu-rso", "epos"])
        #expect(c.portal("asu-rso")?.options["--password-file"]?.value == "/etc/journal-gateway/asurso.pw")
        #expect(c.portal("asu-rso")?.options["--school-id"]?.value == "6302")
        #expect(c.portal("epos")?.options["--session-file"]?.value == "/etc/journal-gateway/epos.session")
        #expect(c.diary?.options["--token-file"]?.value == "/etc/journal-gateway/diary.token")
        #expect(c.diary?.options["--school-id"]?.value == "63-0002")
    }

    @Test func relativePathsAreTheFilesFolder() throws {
        let dir = try TempDir()
        let c = try Self.load("[school]\nstore = s.sqlite\n[diary]\nout = feed\n", dir)
        #expect(c.store == dir.path + "/s.sqlite")
        #expect(c.diary?.options["--out"]?.value == dir.path + "/feed")
        let signed = try Self.load("[school]\narchive = a\narchive-sign-key = k.pem\narchive-sign-cert = /etc/c.pem\n", dir)
        #expect(signed.archiveSigning == ["--sign-key": dir.path + "/k.pem", "--sign-cert": "/etc/c.pem"])
        #expect(signed.schoolSecrets.map(\.path) == [dir.path + "/k.pem"])
    }

    /// config check refuses a secret others can read, and names the command that fixes it.
    @Test func configCheckRefusesReadableSecrets() throws {
        let dir = try TempDir()
        let store = try sampleStore(dir, week: false)
        #expect(FileManager.default.createFile(atPath: dir.path("k.pem"), contents: Data("key\n".utf8), attributes: [.posixPermissions: 0o644]))
        try "[school]\nstore = \(store)\narchive-sign-key = k.pem\n".write(toFile: dir.path("school.conf"), atomically: false, encoding: .utf8)
        let (console, read) = Console.capturing()
        let code = CLI.run(["--config", dir.path("school.conf"), "config", "check"], console: console, environment: [:])
        #expect(code == 64)
        #expect(read().out.contains("error     [school] archive-sign-key: \(dir.path)/k.pem can be read by others (mode 644): run `chmod 600 \(dir.path)/k.pem`"), "\(read().out)")
        chmod(dir.path("k.pem"), 0o600)
        let (c2, read2) = Console.capturing()
        #expect(CLI.run(["--config", dir.path("school.conf"), "config", "check"], console: c2, environment: [:]) == 0, "\(read2().out)")
    }

    /// The command line overrides the file; credentials come as a group.
    @Test func flagsOverrideTheFile() throws {
        let dir = try TempDir()
        let c = try Self.load("[school]\nstore = from-file.sqlite\n[asu-rso]\nurl = http://127.0.0.1:1\nschool-id = 6302\nlogin = gw\npassword-file = pw\n", dir)
        let accepts = ["--url", "--school-id", "--login", "--password-file", "--session-file"]
        var a = Arguments()
        a.options["--url"] = "http://127.0.0.1:2"
        let filled = GlobalOptions.completed(a, words: ["sync", "asu-rso"], accepts: accepts, config: c)
        #expect(filled.options["--url"] == "http://127.0.0.1:2")
        #expect(filled.options["--school-id"] == "6302" && filled.options["--password-file"] == dir.path + "/pw")
        var b = Arguments()
        b.options["--session-file"] = "s"
        let session = GlobalOptions.completed(b, words: ["sync", "asu-rso"], accepts: accepts, config: c)
        #expect(session.options["--password-file"] == nil && session.options["--session-file"] == "s")
        #expect(GlobalOptions.completed(Arguments(), words: ["status"], accepts: accepts, config: c).options.isEmpty)

        let g = try GlobalOptions.parse(["--config", dir.path("school.conf"), "status"], environment: [:])
        #expect(g.storePath == dir.path + "/from-file.sqlite" && g.rest == ["status"])
        let h = try GlobalOptions.parse(["--config", dir.path("school.conf"), "--store", "x.sqlite", "status"], environment: ["JOURNAL_GATEWAY_STORE": "env.sqlite"])
        #expect(h.storePath == "x.sqlite")
        let e = try GlobalOptions.parse(["--config", dir.path("school.conf"), "status"], environment: ["JOURNAL_GATEWAY_STORE": "env.sqlite"])
        #expect(e.storePath == "env.sqlite")
    }

    @Test func aBadFileStopsEveryCommandWithItsLine() throws {
        let dir = try TempDir()
        let path = dir.path("school.conf")
        try "[school]\ntimezone = Mars/Olympus\n".write(toFile: path, atomically: false, encoding: .utf8)
        let (console, read) = Console.capturing()
        #expect(CLI.run(["--config", path, "status"], console: console, environment: [:]) == 64)
        #expect(read().err.contains("school.conf:2: timezone «Mars/Olympus»"))
    }

    /// A school line replaces the shipped line of the same key and adds a new one.
    @Test func schoolLinesOverrideShippedOnesLineByLine() {
        let shipped = "# comment\nportal\tjournal\n1\t1\n2\t2\n"
        let merged = MappingsOverlay.merge(shipped: shipped, school: "portal\tjournal\n2\t3\n5+\t5\n", schoolPath: "/etc/m/x.tsv", key: [0])
        #expect(merged == "# comment\nportal\tjournal\n1\t1\n# school: /etc/m/x.tsv:2\n2\t3\n# school: /etc/m/x.tsv:3\n5+\t5\n")
        // columns.tsv: the header synonym is the key, so a synonym moves to another field.
        let columns = MappingsOverlay.merge(shipped: "field\theader\nclass\tКласс\nclass\tКл.\n", school: "class_name\tКл.\n",
                                            schoolPath: "c", key: MappingsOverlay.keyColumns["contingent/columns.tsv"]!)
        #expect(columns == "field\theader\nclass\tКласс\n# school: c:1\nclass_name\tКл.\n")
    }

    @Test func overlayFolderReadsAsTables() throws {
        let dir = try TempDir()
        try FileManager.default.createDirectory(atPath: dir.path("etc/asu-rso"), withIntermediateDirectories: true)
        try "5+\t5\n".write(toFile: dir.path("etc/asu-rso/mark_values.tsv"), atomically: false, encoding: .utf8)
        let shipped = packageRoot.path + "/mappings"
        let env = ["JOURNAL_GATEWAY_MAPPINGS_OVERRIDES": dir.path("etc")]
        let merged = MappingsDirectory.path(env)
        #expect(merged != shipped && merged != MappingsDirectory.shippedPath())
        #expect(MappingsDirectory.shippedPath() == URL(fileURLWithPath: shipped).standardizedFileURL.path)
        let codes = try ASURSOCodes(directory: merged + "/asu-rso")
        let plain = try ASURSOCodes(directory: shipped + "/asu-rso")
        #expect(codes.marks.lookup("5+", from: "portal", to: "journal") == "5")
        #expect(plain.marks.lookup("5+", from: "portal", to: "journal") == nil)
        #expect(codes.marks.lookup("4", from: "portal", to: "journal") == "4")
        // Every shipped table is there.
        #expect(MappingsOverlay.tables(in: merged) == MappingsOverlay.tables(in: shipped))
    }

    @Test func urgencyOrder() {
        #expect(Urgency.worst([0, 75, 69]) == 69)
        #expect(Urgency.worst([69, 65, 0]) == 65)
        #expect(Urgency.worst([65, 77]) == 77)
        #expect(Urgency.worst([77, 1, 0]) == 1)
        #expect(Urgency.worst([75, 0]) == 75)
        #expect(Urgency.worst([]) == 0)
    }

    @Test func durations() {
        #expect(HealthCheck.duration("90m") == 5400)
        #expect(HealthCheck.duration("26h") == 93_600)
        #expect(HealthCheck.duration("2d") == 172_800)
        #expect(HealthCheck.duration("26") == nil && HealthCheck.duration("h") == nil && HealthCheck.duration("-1h") == nil)
    }

    /// The checker the E2E tests use refuses what Prometheus refuses.
    @Test func prometheusCheckerRefusesBadText() {
        let good = "# HELP a_b x\n# TYPE a_b gauge\na_b{step=\"s \\\"q\\\"\"} 1.5\na_b{step=\"t\"} NaN\n"
        #expect((try? PrometheusText.parse(good))?.count == 2)
        #expect((try? PrometheusText.parse(good))?.first?.labels["step"] == "s \"q\"")
        for bad in ["a 1", "a 1\na 2\n", "1a 1\n", "a{b=\"x} 1\n", "a{b=\"\\t\"} 1\n", "a one\n",
                    "# TYPE a gauge\n# TYPE a gauge\na 1\n", "a 1\nb 1\na{x=\"1\"} 1\n", "a 1\n# TYPE a gauge\n"] {
            #expect(throws: PrometheusText.Problem.self, "\(bad)") { try PrometheusText.parse(bad) }
        }
    }
}
