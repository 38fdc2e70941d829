/// A school's store inside a PostgreSQL database: its own schema (`school_<code>`), owned by
/// its own role (`jg_school_<code>`, no login). A connection for the school acts as that role
/// (`SET ROLE`) with the schema as its `search_path`, so the store's SQL names its tables
/// unqualified, exactly as on SQLite, and PostgreSQL refuses anything of another school's
/// (no `USAGE` on its schema: SQLSTATE 42501). docs/region.md says why this and not a school
/// column under row-level security.
enum PGSchool {
    /// Creates the school's role and schema when missing. Run by the region's administrator
    /// (a role that may create roles and schemas); idempotent, and safe when two processes do
    /// it at once (a transaction-level advisory lock orders them).
    static func create(on conn: PGConnection, school: String) throws {
        try PGLocation.checkSchool(school)
        let location = PGLocation(conninfo: conn.location.conninfo, school: school)
        let role = location.role!, schema = location.schema!
        try conn.transaction {
            try conn.run("SELECT pg_advisory_xact_lock(hashtextextended('journal-gateway: create school', 0))")
            let exists = try conn.scalar("SELECT 1 FROM pg_roles WHERE rolname = $1", [.text(role)]) != nil
            if !exists {
                // Roles belong to the cluster, not the database: another database's process may be
                // creating the same school's role right now (the advisory lock above is per database).
                do { try conn.savepoint { try conn.exec("CREATE ROLE " + pgIdentifier(role) + " NOLOGIN") } } catch let f as StoreFailure {
                    guard try conn.scalar("SELECT 1 FROM pg_roles WHERE rolname = $1", [.text(role)]) != nil else { throw f }
                }
            }
            let me = try conn.scalar("SELECT current_user")?.text
            let member = try conn.scalar("SELECT pg_has_role(current_user, $1, 'MEMBER')", [.text(role)])?.int == 1
            if me != role && !member { try conn.exec("GRANT " + pgIdentifier(role) + " TO CURRENT_USER") }
            try conn.exec("CREATE SCHEMA IF NOT EXISTS " + pgIdentifier(schema) + " AUTHORIZATION " + pgIdentifier(role))
            try conn.exec("REVOKE ALL ON SCHEMA " + pgIdentifier(schema) + " FROM PUBLIC")
        }
    }

    /// Whether the school has a schema in the connection's database.
    static func exists(on conn: PGConnection, school: String) throws -> Bool {
        try conn.scalar("SELECT 1 FROM pg_namespace WHERE nspname = $1", [.text("school_" + school)]) != nil
    }

    /// Makes `conn` act for its location's school: its role, its schema as the only `search_path`.
    static func enter(_ conn: PGConnection) throws {
        guard let school = conn.location.school, let role = conn.location.role, let schema = conn.location.schema else {
            throw StoreError(.invalid, "\(conn.location.redacted): no school given (add ?school=CODE)")
        }
        guard try exists(on: conn, school: school) else {
            throw StoreError(.notInitialized, "\(conn.location.redacted): school \(school) has no store there yet (create it first)")
        }
        if try conn.scalar("SELECT current_user")?.text != role {
            try conn.exec("SET ROLE " + pgIdentifier(role))
        }
        try conn.exec("SET search_path = " + pgIdentifier(schema))
    }

    /// The schema version of the school the connection is in (0: no tables yet).
    static func version(_ conn: PGConnection) throws -> Int {
        guard try conn.scalar("SELECT to_regclass('store_version')::text") != .null else { return 0 }
        return try conn.scalar("SELECT version FROM store_version")?.int ?? 0
    }

    /// Brings the school's tables to `target` (each step in its own transaction, under a
    /// transaction-level advisory lock per school: two processes never migrate at once).
    static func migrate(_ conn: PGConnection, to target: Int = PGMigrations.latest) throws {
        let key = "journal-gateway: migrate " + (conn.location.schema ?? "")
        while true {
            let done = try conn.transaction { () throws -> Bool in
                try conn.run("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))", [.text(key)])
                let current = try version(conn)
                if current > PGMigrations.latest {
                    throw StoreError(.newerSchema, "\(conn.location.redacted): the store is at schema version \(current), newer than this build's \(PGMigrations.latest)")
                }
                if current >= target { return true }
                if current == 0 {
                    try conn.exec("CREATE TABLE store_version (version integer NOT NULL); INSERT INTO store_version VALUES (0)")
                }
                try conn.exec(PGMigrations.steps[current])
                try conn.run("UPDATE store_version SET version = $1", [.int(Int64(current + 1))])
                return false
            }
            if done { return }
        }
    }

    /// A connection for `location`'s school, in its schema, migrated to the latest version.
    /// `create`: make the school's role and schema first when missing (the administrator's
    /// connection; a school's own login role cannot).
    static func open(_ location: PGLocation, create: Bool = false) throws -> PGConnection {
        guard let school = location.school else {
            throw StoreError(.invalid, "\(location.redacted): no school given (add ?school=CODE)")
        }
        let conn = try PGConnection(location)
        if create { try PGSchool.create(on: conn, school: school) }
        try enter(conn)
        try migrate(conn)
        return conn
    }
}
