/// Run records and the counts `status` shows.
extension JournalStore {
    public func saveRun(_ r: RunRow) throws {
        try db.run("""
            INSERT INTO sync_run (id, counterpart, command, started_at, finished_at, status, summary) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(r.id), .text(r.counterpart), .text(r.command), .text(r.startedAt), r.finishedAt.map(SQLValue.text) ?? .null,
                  .text(r.status), r.summary.map(SQLValue.text) ?? .null])
    }

    /// The newest runs, newest first.
    public func recentRuns(limit: Int = 5) throws -> [RunRow] {
        var out: [RunRow] = []
        try db.forEach("SELECT id, counterpart, command, started_at, finished_at, status, summary FROM sync_run ORDER BY started_at DESC, id DESC LIMIT \(limit)") { r in
            out.append(RunRow(id: r[0].text ?? "", counterpart: r[1].text ?? "", command: r[2].text ?? "", startedAt: r[3].text ?? "",
                              finishedAt: r[4].text, status: r[5].text ?? "", summary: r[6].text))
        }
        return out
    }

    /// The newest movements, newest first.
    public func recentMovements(limit: Int = 10) throws -> [MovementRow] {
        var out: [MovementRow] = []
        try db.forEach("""
            SELECT m.date, m.kind, s.file_number, m.from_class, m.to_class FROM movement m JOIN student s ON s.id = m.student
            ORDER BY m.date DESC, m.id DESC LIMIT \(limit)
            """) { r in
            out.append(MovementRow(date: r[0].text ?? "", kind: r[1].text ?? "", fileNumber: r[2].text, fromClass: r[3].text, toClass: r[4].text))
        }
        return out
    }

    public func openConflictCount() throws -> Int {
        try db.scalar("SELECT count(*) FROM conflict WHERE resolved_at IS NULL")?.int ?? 0
    }

    /// The open conflicts with one counterpart (counted, not read).
    public func openConflictCount(counterpart: String) throws -> Int {
        try db.scalar("SELECT count(*) FROM conflict WHERE counterpart = ? AND resolved_at IS NULL", [.text(counterpart)])?.int ?? 0
    }

    /// The ids of the open conflicts, oldest first.
    public func openConflictIDs() throws -> [Int] {
        try db.rows("SELECT id FROM conflict WHERE resolved_at IS NULL ORDER BY id").compactMap { $0[0].int }
    }

    public func pendingOutboxCount() throws -> Int {
        try db.scalar("SELECT count(*) FROM outbox WHERE status = 'pending'")?.int ?? 0
    }
}
