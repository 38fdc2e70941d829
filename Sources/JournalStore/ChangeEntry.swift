import Foundation
import JournalModel

/// One entry of the change log: a write to one record, with each changed field's old
/// and new value and who made it.
public struct ChangeEntry: Sendable {
    public let seq: Int
    public let entity: EntityKind
    public let recordID: String
    public let op: String
    public let changes: [FieldChange]
    public let origin: Origin
    public let at: String

    /// `2026-09-07T08:30:00.123Z` (UTC), formatted by hand: this runs once a write.
    static func timestamp(_ d: Date) -> String {
        let ms = Int((d.timeIntervalSince1970 * 1000).rounded(.down))
        let (days, msOfDay) = (ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000, ((ms % 86_400_000) + 86_400_000) % 86_400_000)
        func pad(_ n: Int, _ w: Int) -> String { let s = String(n); return String(repeating: "0", count: max(0, w - s.count)) + s }
        let t = msOfDay / 1000
        return "\(CivilDate(daysSinceEpoch: days))T\(pad(t / 3600, 2)):\(pad(t / 60 % 60, 2)):\(pad(t % 60, 2)).\(pad(msOfDay % 1000, 3))Z"
    }

    /// The `changes` column: `[{"field": …, "old": …, "new": …}, …]`, written straight
    /// into one string (this runs once a write; no JSON tree is built).
    static func encode(_ changes: [FieldChange]) -> String {
        var out = "["
        out.reserveCapacity(48 * changes.count + 2)
        for (i, c) in changes.enumerated() {
            if i > 0 { out += "," }
            out += "{\"field\":"
            JSON.writeString(c.name, to: &out)
            out += ",\"old\":"
            c.old.writeJSON(to: &out)
            out += ",\"new\":"
            c.new.writeJSON(to: &out)
            out += "}"
        }
        return out + "]"
    }
}

extension JournalStore {
    static let entrySQL = "SELECT seq, entity, record_id, op, changes, source, run_id, account, at FROM change_log"

    func entries(_ sql: String, _ args: [SQLValue]) throws -> [ChangeEntry] {
        var out: [ChangeEntry] = []
        try db.forEach(sql, args) { row in
            guard let kind = EntityKind(rawValue: row[1].text ?? "") else { return }
            let changes = ChangeCodec.decode(row[4], kind: kind)
            out.append(ChangeEntry(seq: row[0].int ?? 0, entity: kind,
                                   recordID: row[2].text ?? "", op: row[3].text ?? "", changes: changes,
                                   origin: Origin(source: row[5].text ?? "", runID: row[6].text, account: row[7].text),
                                   at: row[8].text ?? ""))
        }
        return out
    }

    /// The change log of one record (any kind with that id), oldest first.
    public func history(recordID: String) throws -> [ChangeEntry] {
        try entries(JournalStore.entrySQL + " WHERE record_id = ? ORDER BY seq", [.text(recordID)])
    }

    /// Change-log entries after `seq`, oldest first.
    public func changes(since seq: Int, limit: Int = Int.max) throws -> [ChangeEntry] {
        try entries(JournalStore.entrySQL + " WHERE seq > ? ORDER BY seq LIMIT ?", [.int(Int64(seq)), .int(Int64(min(limit, Int(Int64.max))))])
    }

    /// The newest change-log sequence number (0 for an empty log).
    public var lastSeq: Int { (try? db.scalar("SELECT ifnull(max(seq), 0) FROM change_log")?.int) ?? 0 }
}
