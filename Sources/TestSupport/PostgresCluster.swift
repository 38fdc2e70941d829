import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster for the tests: `initdb` in a temporary directory, the
/// server listening only on a Unix socket in that directory (no TCP port: nothing to clash
/// with), trust authentication for the superuser `jg`, fsync off.
///
/// One cluster per test process (``shared()``, started on first use, cheap to ask again);
/// each test takes its own database (``createDatabase()``). The cluster stops when the process
/// exits (`atexit`), and a watchdog process stops it (SIGQUIT to the postmaster) and removes
/// the directory should the test process die without exiting (SIGKILL, a crash): no server is
/// ever left running after the tests.
///
/// `initdb` and the server refuse to run as root; CI runs the tests as root. Then the
/// directory is given to the `postgres` system user (Debian's package creates it; else
/// `nobody`) and `initdb` and `pg_ctl` run through `runuser -u USER --`.
public final class PostgresCluster: Sendable {
    /// The temporary directory: `data/`, the socket, the server's log.
    public let directory: String
    /// Where the server's socket is (the `host` of a connection URL).
    public var socketDirectory: String { directory }
    /// The cluster's superuser (trust authentication on the socket).
    public let superuser = "jg"
    /// The directory with `initdb`, `pg_ctl`, `createdb` (e.g. `/usr/lib/postgresql/15/bin`).
    public let binDirectory: String
    /// The system user the server runs as when the tests run as root (nil otherwise).
    public let serverUser: String?
    private let watchdog: pid_t

    /// The cluster, or why it could not start (said again to every test that asks).
    private static let started: (cluster: PostgresCluster?, failure: String?) = {
        do {
            let cluster = try PostgresCluster()
            atexit { PostgresCluster.stopShared() }
            return (cluster, nil)
        } catch {
            return (nil, "\(error)")
        }
    }()

    /// The test process's cluster, started on the first call (a few seconds), the same one after.
    public static func shared() throws -> PostgresCluster {
        guard let cluster = started.cluster else { throw TestSupportError("the test PostgreSQL cluster did not start: \(started.failure ?? "")") }
        return cluster
    }

    private static func stopShared() { started.cluster?.stop() }

    /// A cluster of its own (not the shared one): the caller stops it (the watchdog still
    /// stops it if this process dies first).
    public static func start() throws -> PostgresCluster { try PostgresCluster() }

    /// Where PostgreSQL's server binaries are: `$JOURNAL_GATEWAY_PG_BIN`, else the newest
    /// `/usr/lib/postgresql/N/bin` (Debian's layout).
    public static func findBinDirectory() throws -> String {
        if let dir = ProcessInfo.processInfo.environment["JOURNAL_GATEWAY_PG_BIN"], !dir.isEmpty { return dir }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        for v in versions.reversed() where FileManager.default.isExecutableFile(atPath: "\(root)/\(v)/bin/initdb") {
            return "\(root)/\(v)/bin"
        }
        throw TestSupportError("PostgreSQL's server is not installed (no \(root)/N/bin/initdb): apt-get install postgresql (README, Prerequisites)")
    }

    private init() throws {
        binDirectory = try PostgresCluster.findBinDirectory()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jg-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        directory = dir
        var user: String?
        if getuid() == 0 {
            let name = getpwnam("postgres") != nil ? "postgres" : "nobody"
            guard let pw = getpwnam(name) else { throw TestSupportError("running as root and there is no postgres or nobody user for the server") }
            guard chown(dir, pw.pointee.pw_uid, pw.pointee.pw_gid) == 0 else {
                throw TestSupportError("chown \(dir) to \(name): \(String(cString: strerror(errno)))")
            }
            user = name
        }
        serverUser = user
        // The watchdog first: from here on, whatever happens to this process, the server stops.
        watchdog = try PostgresCluster.spawnWatchdog(directory: dir, parent: getpid())
        let log = dir + "/setup.log"
        let initdb = try PostgresCluster.run(asServer: user, [binDirectory + "/initdb", "-D", dir + "/data", "-U", superuser, "--auth=trust",
                                                               "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"], log: log)
        guard initdb == 0 else { throw TestSupportError("initdb exited \(initdb): \(PostgresCluster.tail(log))") }
        let options = "-k \(dir) -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        let start = try PostgresCluster.run(asServer: user, [binDirectory + "/pg_ctl", "-D", dir + "/data", "-l", dir + "/server.log",
                                                             "-w", "-t", "60", "-o", options, "start"], log: log)
        guard start == 0 else {
            throw TestSupportError("pg_ctl start exited \(start): \(PostgresCluster.tail(log)) \(PostgresCluster.tail(dir + "/server.log"))")
        }
    }

    /// A libpq URL for `database` on this cluster, as the superuser, with `school` when given.
    public func url(database: String, school: String? = nil) -> String {
        "postgresql:///\(database)?host=\(socketDirectory)&user=\(superuser)" + (school.map { "&school=\($0)" } ?? "")
    }

    /// Creates a fresh database (named after `prefix` and a random suffix) and returns its name;
    /// a copy of `template` when given (nobody may be connected to it meanwhile).
    public func createDatabase(prefix: String = "t", template: String? = nil) throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        let log = directory + "/createdb-\(name).log"
        let rc = try PostgresCluster.run(asServer: nil, [binDirectory + "/createdb", "-h", socketDirectory, "-U", superuser]
                                             + (template.map { ["-T", $0] } ?? []) + [name], log: log)
        guard rc == 0 else { throw TestSupportError("createdb \(name) exited \(rc): \(PostgresCluster.tail(log))") }
        try? FileManager.default.removeItem(atPath: log)
        return name
    }

    /// The database the tests' schools share (made on first use): each test's store is a
    /// school of its own there, a schema and a role, as in a region's database.
    private let schoolsDatabase = Mutex<String?>(nil)

    /// A URL for a new school (a code no other test has) in the shared database. The school's
    /// schema is made by the store's `create`, as for a region's new school.
    public func newSchoolURL() throws -> String {
        let database = try schoolsDatabase.withLock { name in
            if let name { return name }
            let made = try createDatabase(prefix: "schools")
            name = made
            return made
        }
        return url(database: database, school: "t" + UUID().uuidString.prefix(18).lowercased().replacingOccurrences(of: "-", with: ""))
    }

    /// Runs `psql` as the superuser on `database` with `sql`; returns its output (unaligned, tuples only).
    public func psql(_ database: String, _ sql: String) throws -> String {
        let log = directory + "/psql-\(UUID().uuidString.prefix(8)).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let rc = try PostgresCluster.run(asServer: nil, [binDirectory + "/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                                                         "-h", socketDirectory, "-U", superuser, "-d", database, "-c", sql], log: log)
        let out = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard rc == 0 else { throw TestSupportError("psql exited \(rc): \(out)") }
        return out
    }

    /// Whether the server answers (`pg_ctl status`).
    public var isRunning: Bool {
        let log = directory + "/status.log"
        return (try? PostgresCluster.run(asServer: serverUser, [binDirectory + "/pg_ctl", "-D", directory + "/data", "status"], log: log)) == 0
    }

    /// Stops the server (`pg_ctl stop -m fast`), ends the watchdog, removes the directory.
    public func stop() {
        if FileManager.default.fileExists(atPath: directory + "/data/postmaster.pid") {
            _ = try? PostgresCluster.run(asServer: serverUser, [binDirectory + "/pg_ctl", "-D", directory + "/data", "-m", "fast", "-w", "stop"],
                                         log: directory + "/stop.log")
        }
        kill(watchdog, SIGKILL)
        var status: Int32 = 0
        waitpid(watchdog, &status, 0)
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Processes

    /// Runs `argv` (as `user` through `runuser` when given), stdin from /dev/null, stdout and
    /// stderr to `log`; waits and returns the exit status.
    @discardableResult
    static func run(asServer user: String?, _ argv: [String], log: String) throws -> Int32 {
        let full = user.map { ["/usr/sbin/runuser", "-u", $0, "--"] + argv } ?? argv
        let pid = try spawn(full, out: log, setsid: false)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// The watchdog: a shell that waits for `parent` to end, then stops the server at once
    /// (SIGQUIT: immediate shutdown) and removes `directory`. Its own session, so a signal to
    /// the test's process group spares it; ``stop()`` ends it with SIGKILL.
    private static func spawnWatchdog(directory: String, parent: pid_t) throws -> pid_t {
        let script = """
        while kill -0 \(parent) 2>/dev/null; do sleep 1; done
        if [ -f '\(directory)/data/postmaster.pid' ]; then kill -QUIT "$(head -n 1 '\(directory)/data/postmaster.pid')" 2>/dev/null; sleep 2; fi
        rm -rf '\(directory)'
        """
        return try spawn(["/bin/sh", "-c", script], out: "/dev/null", setsid: true)
    }

    /// `posix_spawn_file_actions_addclosefrom_np(actions, 3)` (glibc 2.34+, declared only under
    /// _GNU_SOURCE, so looked up at run time): every descriptor above stderr closed in the child.
    private static func closeInheritedFileDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
    }

    private static func spawn(_ argv: [String], out: String, setsid: Bool) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of the test process goes with it: a pipe another test has open at this
        // instant (a CLI run read to EOF) would otherwise stay open in the watchdog for the
        // whole run, and that test would wait for its EOF for ever.
        closeInheritedFileDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test process's threads block signals (SIGCHLD among them: a shell's `wait` would
        // never return) and may ignore some: the child starts with none blocked, all default.
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none); sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        // POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK, and POSIX_SPAWN_SETSID (glibc hides it behind _GNU_SOURCE).
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK) | (setsid ? 0x80 : 0))
        let argvC = argv.map { strdup($0) } + [nil]
        defer { argvC.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, argvC, environ)
        guard rc == 0 else { throw TestSupportError("posix_spawn \(argv[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    private static func tail(_ path: String) -> String {
        String(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").suffix(1500))
    }
}
