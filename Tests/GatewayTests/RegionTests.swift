import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

/// The region's queue (`region enqueue|status`, RegionQueue): idempotent enqueue from a table
/// or a directory of configurations, the claim rules, leases, and the fencing token checked by
/// a school's store at every commit. Real PostgreSQL (the test process's cluster).
struct RegionTests {
    static let header = "school\tcounterpart\turl\tschool_id\tlogin\tpassword_file\tsession_file\n"

    /// A new region database and its URL (no school).
    static func region() throws -> (cluster: PostgresCluster, db: String, url: String) {
        let cluster = try PostgresCluster.shared()
        let db = try cluster.createDatabase(prefix: "region")
        return (cluster, db, cluster.url(database: db))
    }

    static func status(_ region: String, _ extra: [String] = []) throws -> JSON {
        let r = cli(["region", "status", "--json"] + extra, store: region)
        #expect(r.code == 0, "\(r.err)")
        return try JSON.parse(r.out)
    }

    @Test func enqueueFromATableIsIdempotentAndStatusSaysSo() throws {
        let dir = try TempDir()
        let (_, _, region) = try Self.region()
        let table = dir.path("schools.tsv")
        try (Self.header + """
            63-0101\tasu-rso\thttp://asu.region.local:8080/\t101\tadmin\tsecrets/0101.pw\t
            63-0101\tdiary\thttps://diary.region.local/\t63-0101\t\t/etc/jg/0101.token\t
            63-0102\tepos\thttps://epos.region.local/\t102\t\t\t/etc/jg/0102.session

            """).write(toFile: table, atomically: false, encoding: .utf8)
        let first = cli(["region", "enqueue", "--night", "2026-12-01", "--schools", table], store: region)
        #expect(first.code == 0, "\(first.err)")
        #expect(first.out.contains("3 job(s) for 2 school(s): 3 new, 0 updated, 0 already queued"), "\(first.out)")
        let again = cli(["region", "enqueue", "--night", "2026-12-01", "--schools", table], store: region)
        #expect(again.out.contains("0 new, 0 updated, 3 already queued"), "\(again.out)")

        let s = try Self.status(region)
        #expect(s["night"]?.string == "2026-12-01")
        let jobs = s["jobs"]?.array ?? []
        #expect(jobs.map { "\($0["school"]?.string ?? "") \($0["step"]?.string ?? "")" } == ["63-0101 sync asu-rso", "63-0101 feed diary", "63-0102 sync epos"])
        for j in jobs {
            #expect((j.pairs ?? []).map { $0.0 } == ["school", "step", "state", "worker", "since", "attempt", "error"])
            #expect(j["state"]?.string == "waiting" && j["worker"] == .null && j["error"] == .null && j["attempt"]?.int == 0)
            #expect(j["since"]?.string?.count == 20)
        }
        #expect(s["totals"] == .object([("done", .int(0)), ("running", .int(0)), ("failed", .int(0)), ("waiting", .int(3))]))
        #expect((s.pairs ?? []).map { $0.0 } == ["night", "jobs", "totals"])

        // Credentials stay paths (a relative one taken from the table's folder), never contents.
        let queue = try RegionQueue(location: region)
        let job = try #require(try queue.claim(worker: "test:1", night: nil, lease: 60, perHost: 4))
        #expect(job.spec.step == "sync asu-rso" && job.spec.passwordFile == dir.path("secrets/0101.pw") && job.spec.host == "asu.region.local:8080")
        #expect(job.fence.attempt == 1)

        // A changed table updates the jobs still waiting, not a running one.
        try (Self.header + """
            63-0101\tasu-rso\thttp://asu2.region.local/\t101\tadmin\tsecrets/0101.pw\t
            63-0102\tepos\thttps://epos2.region.local/\t102\t\t\t/etc/jg/0102.session

            """).write(toFile: table, atomically: false, encoding: .utf8)
        let changed = cli(["region", "enqueue", "--night", "2026-12-01", "--schools", table], store: region)
        #expect(changed.out.contains("0 new, 1 updated, 1 already queued"), "\(changed.out)")
        let text = cli(["region", "status"], store: region)
        #expect(text.out.hasPrefix("Night 2026-12-01: 0 done, 1 running, 0 failed, 2 waiting"), "\(text.out)")
        #expect(text.out.contains("63-0101  sync asu-rso  running  on test:1 since "), "\(text.out)")
    }

    @Test func badTablesAreRefusedLineByLineAndNothingIsQueued() throws {
        let dir = try TempDir()
        let (_, _, region) = try Self.region()
        let table = dir.path("bad.tsv")
        try (Self.header + """
            63-0101\tasu-rso\thttp://asu.local/\t\tadmin\t\t
            63-0101\tjournal\thttp://x.local/\t1\ta\t\t
            63 0102\tdiary\thttp://d.local/\t\t\tt\t
            63-0103\tepos\tftp://e.local/\t1\ta\t\t
            63-0104\tepos\thttp://e.local/\t1\t\t\t
            63-0105\tdiary\thttp://d.local/\t\t\t\t
            63-0106\tasu-rso\thttp://a.local/\t1\ta
            63-0107\tasu-rso\thttp://a.local/\t1\ta\tp\t
            63-0107\tasu-rso\thttp://a.local/\t1\ta\tp\t

            """).write(toFile: table, atomically: false, encoding: .utf8)
        let r = cli(["region", "enqueue", "--night", "2026-12-01", "--schools", table], store: region)
        #expect(r.code == ExitCode.dataError)
        let lines = r.err.split(separator: "\n").map(String.init)
        #expect(lines.first == "error: \(table): 8 bad line(s); nothing was enqueued", "\(r.err)")
        for expected in [":2: sync asu-rso needs school_id", ":3: counterpart «journal» is not asu-rso, epos or diary",
                         ":4: school code «63 0102»", ":5: url must be an http(s) address, not «ftp://e.local/»",
                         ":6: sync epos needs login (with password_file) or session_file", ":7: the diary at http://d.local/ needs its token file",
                         ":8: 5 cells, expected 7", ":10: school 63-0107 and asu-rso are given twice (first at line 9)"] {
            #expect(lines.contains { $0.hasPrefix(table) && $0.contains(expected) }, "\(expected) in \(r.err)")
        }
        #expect(try Self.status(region)["jobs"] == .array([]))
        try "school\tcounterpart\n".write(toFile: dir.path("header.tsv"), atomically: false, encoding: .utf8)
        let header = cli(["region", "enqueue", "--night", "2026-12-01", "--schools", dir.path("header.tsv")], store: region)
        #expect(header.code == ExitCode.dataError && header.err.contains("header.tsv:1: the header must be"), "\(header.err)")
        let night = cli(["region", "enqueue", "--night", "2026-12-32", "--schools", table], store: region)
        #expect(night.code == ExitCode.usage && night.err.contains("--night takes a date as YYYY-MM-DD"), "\(night.err)")
        let file = cli(["region", "status"], store: dir.path("journal.sqlite"))
        #expect(file.code == ExitCode.usage && file.err.contains("the region's queue lives in PostgreSQL"), "\(file.err)")
        let school = cli(["region", "status"], store: region + "&school=63-0101")
        #expect(school.code == ExitCode.dataError && school.err.contains("leave out school="), "\(school.err)")
    }

    @Test func enqueueFromADirectoryOfConfigurations() throws {
        let dir = try TempDir()
        let (_, _, region) = try Self.region()
        let confs = dir.path("schools")
        try FileManager.default.createDirectory(atPath: confs + "/63-0202", withIntermediateDirectories: true)
        try """
            [school]
            store = \(region)&school=63-0201
            [asu-rso]
            url = http://asu.local:8000
            school-id = 201
            login = admin
            password-file = 0201.pw
            [diary]
            out = /var/lib/jg/diary-0201
            """.write(toFile: confs + "/first.conf", atomically: false, encoding: .utf8)
        try "[epos]\nurl = https://epos.local\nschool-id = 202\nsession-file = /etc/jg/0202.session\n"
            .write(toFile: confs + "/63-0202/school.conf", atomically: false, encoding: .utf8)
        let r = cli(["region", "enqueue", "--night", "2026-12-02", "--schools", confs], store: region)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("3 job(s) for 2 school(s): 3 new"), "\(r.out)")
        let jobs = try Self.status(region, ["--night", "2026-12-02"])["jobs"]?.array ?? []
        #expect(jobs.map { "\($0["school"]?.string ?? "") \($0["step"]?.string ?? "")" } == ["63-0201 sync asu-rso", "63-0201 feed diary", "63-0202 sync epos"])
        let queue = try RegionQueue(location: region)
        let a = try #require(try queue.claim(worker: "t:1", night: "2026-12-02", lease: 60, perHost: 4))
        #expect(a.spec.school == "63-0201" && a.spec.passwordFile == confs + "/0201.pw" && a.spec.host == "asu.local:8000")
        let b = try #require(try queue.claim(worker: "t:1", night: "2026-12-02", lease: 60, perHost: 4))
        #expect(b.spec.school == "63-0202" && b.spec.sessionFile == "/etc/jg/0202.session" && b.spec.host == "epos.local:443")
        // The diary waits for its school's sync.
        #expect(try queue.claim(worker: "t:1", night: "2026-12-02", lease: 60, perHost: 4) == nil)
        #expect(try queue.finish(a.fence, failed: nil, exitCode: 0))
        let c = try #require(try queue.claim(worker: "t:1", night: "2026-12-02", lease: 60, perHost: 4))
        #expect(c.spec.step == "feed diary" && c.spec.outDir == "/var/lib/jg/diary-0201" && c.spec.host == "local")
    }
}
