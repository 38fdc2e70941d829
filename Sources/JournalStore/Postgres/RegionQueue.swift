import Foundation

/// The region's job queue in its own schema (`region`, ``RegionMigrations``): enqueue, claim
/// with `FOR UPDATE SKIP LOCKED`, leases renewed by a heartbeat, the fencing token (the attempt
/// number), retries, per-host limits and slow-downs, status. All its SQL is here; the runner's
/// logic (claim loop, heartbeat, backoff) is the Gateway's (`Sources/Gateway/Region`).
///
/// One connection, used by one call at a time (a lock orders the worker's threads).
public final class RegionQueue: @unchecked Sendable {
    private let conn: PGConnection
    private let lock = NSLock()
    /// The region's location as given (no `school`).
    public let location: String

    /// Connects to the region's database and brings its queue's schema to the latest version.
    public init(location text: String) throws {
        let location = try PGLocation(parsing: text)
        guard location.school == nil else {
            throw StoreError(.invalid, "\(location.redacted): the region's store is the database itself; leave out school=")
        }
        conn = try PGConnection(location)
        try RegionMigrations.migrate(conn)
        self.location = text
    }

    private func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Names this connection in `pg_stat_activity` (`journal-gateway region worker host:pid`).
    public func name(_ text: String) throws {
        try locked { try conn.run("SELECT set_config('application_name', $1, false)", [.text(String(text.prefix(63)))]) }
    }

    /// The store location of `school` in the region's database `region` (`…?school=CODE`).
    public static func schoolLocation(region: String, school: String) throws -> String {
        try PGLocation.checkSchool(school)
        let location = try PGLocation(parsing: region)
        guard location.school == nil else { throw StoreError(.invalid, "\(location.redacted): the region's store takes no school=") }
        return region + (region.contains("?") ? "&" : "?") + "school=" + school
    }

    /// Refuses a school code PostgreSQL could not name a schema after.
    public static func checkSchool(_ code: String) throws { try PGLocation.checkSchool(code) }

    /// The school code a PostgreSQL store location names, if any.
    public static func school(of location: String) -> String? {
        guard PGLocation.isPostgres(location) else { return nil }
        return (try? PGLocation(parsing: location))?.school
    }

    // MARK: Enqueue

    /// One job per spec for `night` (YYYY-MM-DD). Idempotent per (night, school, step): a job
    /// already there is left alone, except that a waiting one takes the spec's new parameters.
    public func enqueue(night: String, _ specs: [RegionJobSpec]) throws -> RegionEnqueueCount {
        try locked {
            try conn.transaction {
                var count = RegionEnqueueCount()
                for host in Set(specs.map(\.host)).sorted() {
                    try conn.run("INSERT INTO region.host (host) VALUES ($1) ON CONFLICT (host) DO NOTHING", [.text(host)])
                }
                for s in specs {
                    let args: [SQLValue] = [.text(night), .text(s.school), .text(s.step), .int(Int64(s.order)), .text(s.host),
                                            opt(s.url), opt(s.schoolID), opt(s.login), opt(s.passwordFile), opt(s.sessionFile), opt(s.outDir)]
                    let r = try conn.rows("""
                        INSERT INTO region.job AS j (night, school, step, ord, host, url, school_id, login, password_file, session_file, out_dir)
                        VALUES ($1::date, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                        ON CONFLICT (night, school, step) DO UPDATE
                            SET host = excluded.host, url = excluded.url, school_id = excluded.school_id, login = excluded.login,
                                password_file = excluded.password_file, session_file = excluded.session_file, out_dir = excluded.out_dir
                            WHERE j.state = 'waiting' AND (j.host, j.url, j.school_id, j.login, j.password_file, j.session_file, j.out_dir)
                                  IS DISTINCT FROM (excluded.host, excluded.url, excluded.school_id, excluded.login, excluded.password_file, excluded.session_file, excluded.out_dir)
                        RETURNING (xmax = 0)
                        """, args)
                    if let inserted = r.first?.first?.int { if inserted == 1 { count.created += 1 } else { count.updated += 1 } } else { count.unchanged += 1 }
                }
                return count
            }
        }
    }

    private func opt(_ s: String?) -> SQLValue { s.map(SQLValue.text) ?? .null }

    // MARK: Claim, lease, finish

    /// Claims the next job a worker may run, or nil: a waiting job whose time has come, or a
    /// running one whose lease ran out (its worker died or was cut off), taken with
    /// `FOR UPDATE SKIP LOCKED`. A school runs one step at a time, in its night's order; a host
    /// slowed down by a 429 gets no new job until its time; a host has at most `perHost` jobs
    /// running across the whole fleet (claims are ordered by a transaction-level advisory lock,
    /// so the count they read is exact). The claim raises the attempt: the new fencing token.
    public func claim(worker: String, night: String?, lease: Double, perHost: Int) throws -> RegionJob? {
        try locked {
            try conn.transaction { () throws -> RegionJob? in
                try conn.run("SELECT pg_advisory_xact_lock(hashtextextended('journal-gateway: region claim', 0))")
                guard let id = try conn.scalar("""
                    SELECT j.id FROM region.job j
                    WHERE ($1::date IS NULL OR j.night = $1::date)
                      AND ((j.state = 'waiting' AND j.not_before <= now()) OR (j.state = 'running' AND j.lease_until < now()))
                      AND NOT EXISTS (SELECT 1 FROM region.job o
                                      WHERE o.night = j.night AND o.school = j.school AND o.id <> j.id
                                        AND (o.state = 'running' OR (o.state = 'waiting' AND o.ord < j.ord)))
                      AND NOT EXISTS (SELECT 1 FROM region.host h WHERE h.host = j.host AND h.slow_until > now())
                      AND (SELECT count(*) FROM region.job r
                           WHERE r.host = j.host AND r.state = 'running' AND r.lease_until >= now() AND r.id <> j.id) < $2
                    ORDER BY (j.state = 'running') DESC, j.night, j.ord, j.not_before, j.school
                    LIMIT 1
                    FOR UPDATE OF j SKIP LOCKED
                    """, [night.map(SQLValue.text) ?? .null, .int(Int64(perHost))])?.int else { return nil }
                let row = try conn.rows("""
                    UPDATE region.job SET state = 'running', attempt = attempt + 1, worker = $2,
                        lease_until = now() + make_interval(secs => $3::float8), since = now()
                    WHERE id = $1
                    RETURNING id, night::text, school, step, ord, host, url, school_id, login, password_file, session_file, out_dir, attempt
                    """, [.int(Int64(id)), .text(worker), .double(lease)])[0]
                let spec = RegionJobSpec(school: row[2].text ?? "", step: row[3].text ?? "", order: row[4].int ?? 0, host: row[5].text ?? "",
                                         url: row[6].text, schoolID: row[7].text, login: row[8].text, passwordFile: row[9].text,
                                         sessionFile: row[10].text, outDir: row[11].text)
                return RegionJob(id: Int64(id), night: row[1].text ?? "", spec: spec,
                                 fence: CommitFence(job: Int64(id), attempt: row[12].int ?? 0, worker: worker))
            }
        }
    }

    /// Renews the lease of a job this worker holds; false when it no longer holds it (another
    /// worker claimed it after the lease ran out, or it was finished).
    public func renew(_ f: CommitFence, lease: Double) throws -> Bool {
        try locked {
            try conn.run("""
                UPDATE region.job SET lease_until = now() + make_interval(secs => $4::float8)
                WHERE id = $1 AND attempt = $2 AND worker = $3 AND state = 'running'
                """, [.int(f.job), .int(Int64(f.attempt)), .text(f.worker), .double(lease)])
            return conn.changes == 1
        }
    }

    /// The job ended: `done`, or `failed` for good (with its error). False when this worker no
    /// longer held it (nothing changed).
    @discardableResult
    public func finish(_ f: CommitFence, failed error: String?, exitCode: Int32) throws -> Bool {
        try locked {
            try conn.run("""
                UPDATE region.job SET state = $4, error = $5, exit_code = $6, lease_until = NULL, since = now()
                WHERE id = $1 AND attempt = $2 AND worker = $3 AND state = 'running'
                """, [.int(f.job), .int(Int64(f.attempt)), .text(f.worker), .text(error == nil ? "done" : "failed"),
                      error.map(SQLValue.text) ?? .null, .int(Int64(exitCode))])
            return conn.changes == 1
        }
    }

    /// The attempt failed and the job is to be tried again after `delay` seconds (any worker).
    @discardableResult
    public func retry(_ f: CommitFence, after delay: Double, error: String, exitCode: Int32) throws -> Bool {
        try locked {
            try conn.run("""
                UPDATE region.job SET state = 'waiting', worker = NULL, lease_until = NULL, since = now(), error = $4, exit_code = $5,
                    not_before = now() + make_interval(secs => $6::float8)
                WHERE id = $1 AND attempt = $2 AND worker = $3 AND state = 'running'
                """, [.int(f.job), .int(Int64(f.attempt)), .text(f.worker), .text(error), .int(Int64(exitCode)), .double(delay)])
            return conn.changes == 1
        }
    }

    /// Gives the job back at once (the worker is stopping): any worker may claim it now.
    @discardableResult
    public func release(_ f: CommitFence) throws -> Bool {
        try locked {
            try conn.run("""
                UPDATE region.job SET state = 'waiting', worker = NULL, lease_until = NULL, since = now(), not_before = now()
                WHERE id = $1 AND attempt = $2 AND worker = $3 AND state = 'running'
                """, [.int(f.job), .int(Int64(f.attempt)), .text(f.worker)])
            return conn.changes == 1
        }
    }

    /// A host answered 429: no job for it is claimed, by any worker, for `seconds`.
    public func slowDown(host: String, for seconds: Double) throws {
        try locked {
            try conn.run("""
                UPDATE region.host SET slow_until = greatest(slow_until, now() + make_interval(secs => $2::float8)), slowdowns = slowdowns + 1
                WHERE host = $1
                """, [.text(host), .double(seconds)])
        }
    }

    /// How many times each host was slowed down (429s reported by the workers).
    public func slowdowns() throws -> [String: Int] {
        try locked {
            var out: [String: Int] = [:]
            try conn.forEach("SELECT host, slowdowns FROM region.host") { out[$0[0].text ?? ""] = $0[1].int ?? 0 }
            return out
        }
    }

    // MARK: Status

    /// The newest night in the queue, or nil when it is empty.
    public func latestNight() throws -> String? {
        try locked { try conn.scalar("SELECT max(night)::text FROM region.job")?.text }
    }

    /// Every job of `night`, by school and step order.
    public func status(night: String) throws -> [RegionJobRow] {
        try locked {
            try conn.rows("""
                SELECT school, step, state, worker, to_char(since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), attempt, error,
                       state = 'running' AND lease_until < now(),
                       CASE WHEN state = 'waiting' AND not_before > now() THEN to_char(not_before AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END
                FROM region.job WHERE night = $1::date ORDER BY school, ord
                """, [.text(night)]).map { r in
                RegionJobRow(school: r[0].text ?? "", step: r[1].text ?? "", state: r[2].text ?? "", worker: r[3].text, since: r[4].text ?? "",
                             attempt: r[5].int ?? 0, error: r[6].text, leaseExpired: r[7].int == 1, notBefore: r[8].text)
            }
        }
    }

    /// How many jobs are not finished (waiting or running), of `night` or of every night.
    public func unfinished(night: String?) throws -> Int {
        try locked {
            try conn.scalar("SELECT count(*) FROM region.job WHERE state IN ('waiting', 'running') AND ($1::date IS NULL OR night = $1::date)",
                            [night.map(SQLValue.text) ?? .null])?.int ?? 0
        }
    }
}
