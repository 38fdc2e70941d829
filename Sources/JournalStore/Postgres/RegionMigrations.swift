/// The region's job queue (`region enqueue|worker|status`, docs/region.md): its own schema
/// `region` in the region's database, beside the schools' schemas, migrated by versions as a
/// school's store is (each version once, never edited once shipped; `region.version` holds
/// the version reached).
enum RegionMigrations {
    static let steps: [String] = [
        // 1: hosts (the 429 slow-down), jobs (one per night, school and step), the fence.
        """
        CREATE TABLE region.host (
            host text COLLATE "C" PRIMARY KEY,
            slow_until timestamptz NOT NULL DEFAULT '-infinity',
            slowdowns bigint NOT NULL DEFAULT 0
        );
        CREATE TABLE region.job (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            night date NOT NULL,
            school text COLLATE "C" NOT NULL,
            step text COLLATE "C" NOT NULL CHECK (step IN ('sync asu-rso', 'sync epos', 'feed diary')),
            ord smallint NOT NULL,
            host text COLLATE "C" NOT NULL REFERENCES region.host (host),
            url text, school_id text, login text, password_file text, session_file text, out_dir text,
            state text COLLATE "C" NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'running', 'done', 'failed')),
            attempt integer NOT NULL DEFAULT 0,
            worker text,
            lease_until timestamptz,
            since timestamptz NOT NULL DEFAULT now(),
            not_before timestamptz NOT NULL DEFAULT '-infinity',
            error text,
            exit_code integer,
            enqueued_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (night, school, step)
        );
        CREATE INDEX job_state ON region.job (state, night, not_before);
        CREATE INDEX job_school ON region.job (night, school, ord);
        CREATE INDEX job_host ON region.job (host) WHERE state = 'running';
        -- The fencing check a school's page transaction makes before COMMIT: the job is still
        -- running under this attempt (the fencing token) and this worker. FOR SHARE holds the
        -- row until that COMMIT, so a claim (which raises the attempt) waits for it and a commit
        -- after a claim finds the attempt changed. SECURITY DEFINER: a school's role may ask
        -- this question and nothing else of the queue.
        CREATE FUNCTION region.fence(job_id bigint, token integer, holder text) RETURNS boolean
            LANGUAGE sql SECURITY DEFINER SET search_path = region, pg_temp AS $$
            SELECT EXISTS (SELECT 1 FROM region.job
                           WHERE id = job_id AND attempt = token AND worker = holder AND state = 'running' FOR SHARE)
        $$;
        REVOKE ALL ON ALL TABLES IN SCHEMA region FROM PUBLIC;
        GRANT USAGE ON SCHEMA region TO PUBLIC;
        GRANT EXECUTE ON FUNCTION region.fence(bigint, integer, text) TO PUBLIC;
        """,
    ]

    static var latest: Int { steps.count }

    /// Creates the schema when missing and brings it to the latest version (each version in
    /// its own transaction, under a transaction-level advisory lock: two processes never
    /// migrate at once).
    static func migrate(_ conn: PGConnection) throws {
        while true {
            let done = try conn.transaction { () throws -> Bool in
                try conn.run("SELECT pg_advisory_xact_lock(hashtextextended('journal-gateway: migrate region', 0))")
                try conn.exec("CREATE SCHEMA IF NOT EXISTS region; CREATE TABLE IF NOT EXISTS region.version (version integer NOT NULL)")
                guard let current = try conn.scalar("SELECT version FROM region.version")?.int else {
                    try conn.exec("INSERT INTO region.version VALUES (0)")
                    return false
                }
                if current > latest {
                    throw StoreError(.newerSchema, "\(conn.location.redacted): the region's queue is at version \(current), newer than this build's \(latest): upgrade journal-gateway")
                }
                if current == latest { return true }
                try conn.exec(steps[current])
                try conn.run("UPDATE region.version SET version = $1", [.int(Int64(current + 1))])
                return false
            }
            if done { return }
        }
    }
}
