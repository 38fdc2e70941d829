import Foundation

/// The run lock of a school's store on PostgreSQL: a session-level advisory lock keyed by the
/// school's schema, held by a connection of its own for the whole run (a `night` opens the
/// store once per step; the lock outlives them). The server releases it when the session ends,
/// so a killed holder leaves nothing to take over. The holder says who it is in its session's
/// `application_name` (`journal-gateway <command> pid N`), which a refused writer reports.
final class PGRunLock {
    let key: String
    private var conn: PGConnection?

    init(location: PGLocation, command: String) throws {
        guard let schema = location.schema else {
            throw StoreError(.invalid, "\(location.redacted): no school given (add ?school=CODE)")
        }
        key = "journal-gateway run " + schema
        let conn = try PGConnection(location)
        let name = String("journal-gateway \(command) pid \(getpid())".prefix(63))
        try conn.run("SELECT set_config('application_name', $1, false)", [.text(name)])
        guard try conn.tryAdvisoryLock(key) else {
            let holder = try? conn.scalar("""
                SELECT a.application_name || ', since ' || to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1::text, 0)
                LIMIT 1
                """, [.text(key)])?.text
            throw StoreError(.locked, "the store \(location.redacted) is in use by \(holder ?? "another process"); try again when it finishes")
        }
        self.conn = conn
    }

    func release() {
        if let conn { _ = try? conn.advisoryUnlock(key) }
        conn = nil
    }

    deinit { release() }
}
