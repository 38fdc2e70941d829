import JournalModel
import JournalStore
import SyncEngine
import SyncModel

/// What `status` reports: the school, record counts, open conflicts, pending outbox,
/// recent runs and movements.
public enum StatusReport {
    static let countedKinds: [(String, EntityKind)] = [
        ("students", .student), ("guardians", .guardian), ("classes", .classUnit), ("teachers", .teacher),
        ("lessons", .lesson), ("marks", .mark), ("attendance", .attendance), ("homework", .homework),
        ("final_marks", .finalMark), ("movements", .movement),
    ]

    public static func gather(_ store: JournalStore) throws -> JSON {
        var counts: [(String, JSON)] = []
        for (name, kind) in countedKinds { counts.append((name, .int(try store.count(kind)))) }
        let conflicts = try store.openConflictCount()
        let outbox = try store.pendingOutboxCount()
        // Items a sync keeps without applying them, by what they wait for (docs/sync.md).
        var parked = (codes: 0, deletions: 0, dates: 0, other: 0)
        for p in try store.parkedReasons() {
            if p.reason.hasPrefix(UnmappedCode.marker) { parked.codes += 1 }
            else if p.reason.hasPrefix(FutureLesson.marker) { parked.dates += 1 }
            else if p.reason.hasPrefix(DeletionBrake.marker) { parked.deletions += 1 }
            else { parked.other += 1 }
        }
        var runs: [JSON] = []
        for r in try store.recentRuns(limit: 5) {
            var o: [(String, JSON)] = [("id", .string(r.id)), ("counterpart", .string(r.counterpart)),
                                       ("command", .string(r.command)), ("started_at", .string(r.startedAt)),
                                       ("finished_at", r.finishedAt.map(JSON.string) ?? .null), ("status", .string(r.status))]
            if let s = r.summary, let j = try? JSON.parse(s) { o.append(("summary", j)) }
            runs.append(.object(o))
        }
        var movements: [JSON] = []
        for r in try store.recentMovements(limit: 10) {
            movements.append(.object([("date", .string(r.date)), ("kind", .string(r.kind)),
                                      ("file", r.fileNumber.map(JSON.string) ?? .null),
                                      ("from", r.fromClass.map(JSON.string) ?? .null), ("to", r.toClass.map(JSON.string) ?? .null)]))
        }
        return .object([
            ("school", .string(store.school.name)), ("time_zone", .string(store.school.timeZoneID)),
            ("store", .string(store.path)), ("schema_version", .int(store.schemaVersion)),
            ("counts", .object(counts)), ("conflicts_open", .int(conflicts)), ("outbox_pending", .int(outbox)),
            ("parked", .object([("waiting_for_code_lines", .int(parked.codes)), ("held_deletions", .int(parked.deletions)),
                                ("waiting_for_their_date", .int(parked.dates)), ("waiting_for_related_records", .int(parked.other))])),
            ("change_log_seq", .int(store.lastSeq)), ("last_runs", .array(runs)), ("recent_movements", .array(movements)),
            ("diary_oldest_undelivered_age_s", try DiaryStatus.oldestUndeliveredAge(store).map(JSON.int) ?? .null),
        ])
    }

    /// The same, for people, in language `l`.
    public static func text(_ j: JSON, language l: Language = .english) -> String {
        typealias T = StatusText
        var lines = [T.school.text(l, ["name": j["school"]?.string ?? "", "zone": j["time_zone"]?.string ?? ""]),
                     T.store.text(l, ["path": j["store"]?.string ?? "", "schema": "\(j["schema_version"]?.int ?? 0)", "seq": "\(j["change_log_seq"]?.int ?? 0)"])]
        if case .object(let counts)? = j["counts"] {
            lines.append(T.records.text(l, ["counts": counts.map { "\(T.countName($0.0, l)) \($0.1.int ?? 0)" }.joined(separator: ", ")]))
        }
        lines.append(T.conflictsAndOutbox.text(l, ["conflicts": "\(j["conflicts_open"]?.int ?? 0)", "outbox": "\(j["outbox_pending"]?.int ?? 0)"]))
        let p = j["parked"]
        let codes = p?["waiting_for_code_lines"]?.int ?? 0, held = p?["held_deletions"]?.int ?? 0, other = p?["waiting_for_related_records"]?.int ?? 0
        let dates = p?["waiting_for_their_date"]?.int ?? 0
        if codes + held + other > 0 { lines.append(T.kept.text(l, ["codes": "\(codes)", "held": "\(held)", "other": "\(other)"])) }
        if dates > 0 { lines.append(T.waitingForDate.text(l, ["n": "\(dates)"])) }
        lines.append(DiaryStatus.line(j["diary_oldest_undelivered_age_s"]?.int, l))
        let runs = j["last_runs"]?.array ?? []
        lines.append(runs.isEmpty ? T.runsNone.text(l) : T.runsRecent.text(l))
        for r in runs {
            lines.append("  \(r["started_at"]?.string ?? "")  \(r["command"]?.string ?? "")  \(r["status"]?.string ?? "")")
        }
        let moves = j["recent_movements"]?.array ?? []
        if !moves.isEmpty {
            lines.append(T.movementsRecent.text(l))
            for m in moves {
                let from = m["from"]?.string.map { T.movementFrom.text(l, ["class": $0]) } ?? ""
                let to = m["to"]?.string.map { T.movementTo.text(l, ["class": $0]) } ?? ""
                lines.append("  \(m["date"]?.string ?? "")  \(m["kind"]?.string ?? "")  \(T.movementFile.text(l, ["file": m["file"]?.string ?? "—"]))\(from)\(to)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
