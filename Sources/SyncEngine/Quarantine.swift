import Foundation
import JournalModel
import JournalStore
import SyncModel

/// Rule R10: after a reported credential breach, every operation by that account since
/// the report is invalid. Quarantine undoes them.
///
/// For every record the account changed since `since` (from the change log), each
/// field it touched gets back the value it had before the account's first change
/// since then; a record it created is deleted, one it deleted is restored. The
/// restoring writes are new changes (origin source `quarantine`), so counterparts'
/// next runs push them. A field (or record) that another account or a sync changed
/// after the breached account is not overwritten: it goes to the conflict queue
/// (counterpart `quarantine`, `local` = the value now, `remote` = the value before
/// the breach, `base` = what the breached account wrote).
public enum Quarantine {
    public static let counterpart = "quarantine"
    public static let source = "quarantine"

    /// One field (or `@record`) put back, or queued.
    public struct Restoration: Sendable, Equatable {
        public let entity: EntityKind
        public let recordID: String
        public let field: String
        /// The value now (for `@record`: `present` or `deleted`).
        public let from: FieldValue
        /// The value before the breach.
        public let to: FieldValue
        /// The conflict that holds it instead, when someone changed it later.
        public var conflictID: Int?
        /// Why it was queued.
        public var reason: String?

        var json: JSON {
            .object([("entity", .string(entity.rawValue)), ("record", .string(recordID)), ("field", .string(field)),
                     ("from", Wire.json(from)), ("to", Wire.json(to)), ("conflict", conflictID.map(JSON.int) ?? .null),
                     ("reason", reason.map(JSON.string) ?? .null)])
        }
    }

    public struct Report: Sendable {
        public let account: String
        public let since: String
        public let dryRun: Bool
        public let runID: String
        /// Fields and records put back (or, in a dry run, that would be).
        public let restored: [Restoration]
        /// Fields and records sent to the conflict queue instead (none are queued in a dry run).
        public let queued: [Restoration]
        /// Changes by the account since `since` that were read.
        public let changesRead: Int

        public var json: JSON {
            .object([("account", .string(account)), ("since", .string(since)), ("dry_run", .bool(dryRun)), ("run", .string(runID)),
                     ("changes_read", .int(changesRead)), ("restored", .array(restored.map(\.json))), ("queued", .array(queued.map(\.json)))])
        }

        public var lines: [String] {
            var out = ["Quarantine of \(account) since \(since)\(dryRun ? " (dry run: nothing written)" : ""): \(changesRead) change(s) read, "
                       + "\(restored.count) restored, \(queued.count) queued"]
            out += restored.map { "  \(dryRun ? "would restore" : "restored") \($0.entity.rawValue) \($0.recordID) \($0.field): \($0.from) → \($0.to)" }
            out += queued.map { "  queued #\($0.conflictID.map(String.init) ?? "—") \($0.entity.rawValue) \($0.recordID) \($0.field): \($0.reason ?? "")" }
            return out
        }
    }

    /// Undoes the account's changes since `since`.
    /// - Parameters:
    ///   - account: the breached login, as recorded in the change log.
    ///   - dryRun: report what would be restored, write nothing.
    ///   - operator: the login recorded on the restoring changes.
    public static func run(store: JournalStore, account: String, since: Date, dryRun: Bool, by operator: String? = nil) throws -> Report {
        let stamp = JournalStore.timestamp(since)
        let runID = "quarantine-" + JournalStore.timestamp(store.now()).filter(\.isNumber)
        let origin = Origin(source: source, runID: runID, account: `operator`)
        let plans = try plan(store: store, account: account, since: stamp)
        var restored: [Restoration] = [], queued: [Restoration] = []
        let work = {
            // Deletions first, dependents before what they refer to; then writes in kind order.
            for p in plans.filter({ $0.deleteRecord }).sorted(by: { $0.kind > $1.kind }) + plans.filter({ !$0.deleteRecord }).sorted(by: { $0.kind < $1.kind }) {
                var p = p
                if !dryRun, p.deleteRecord, !p.restorations.isEmpty {
                    do {
                        try store.savepoint { try store.delete(p.kind, id: p.id, origin: origin) }
                    } catch let e as StoreFailure where e.isForeignKeyViolation {
                        p.conflicts += p.restorations.map { r in
                            var r = r; r.reason = "created by \(account) after \(stamp), but other records refer to it now"; return r
                        }
                        p.restorations = []
                    }
                } else if !dryRun, let fields = p.write, !p.restorations.isEmpty {
                    do {
                        _ = try store.savepoint { try store.write(Record(p.kind, id: p.id, fields), origin: origin) }
                    } catch let e as StoreFailure where e.isRuleViolation {
                        // The state before the breach breaks a rule now (the class became grade 1
                        // since, say): the journal's gate refuses it; a person decides.
                        p.conflicts += p.restorations.map { r in
                            var r = r; r.reason = "restoring it is refused by the journal: \(e.message)"; return r
                        }
                        p.restorations = []
                    }
                }
                restored += p.restorations
                for var c in p.conflicts {
                    if !dryRun {
                        let open = try store.openConflicts(counterpart: counterpart, p.kind, localID: p.id).first { $0.field == c.field }
                        c.conflictID = try open?.id ?? store.insertConflict(
                            counterpart: counterpart, p.kind, localID: p.id, field: c.field, base: p.written[c.field] ?? .null,
                            local: c.field == PolicyTable.recordField ? (p.current.map(Wire.json) ?? .null) : Wire.json(c.from),
                            remote: c.field == PolicyTable.recordField ? (p.prior.map(Wire.json) ?? .null) : Wire.json(c.to),
                            remoteVersion: nil, policy: "R10 quarantine of \(account) since \(stamp): " + (c.reason ?? ""), runID: runID)
                    }
                    queued.append(c)
                }
            }
        }
        if dryRun { try work() } else { try store.transaction(work) }
        return Report(account: account, since: stamp, dryRun: dryRun, runID: runID, restored: restored, queued: queued,
                      changesRead: plans.reduce(0) { $0 + $1.changesRead })
    }

    /// What to do with one record.
    private struct Plan {
        let kind: EntityKind
        let id: String
        var prior: FieldValues?
        var current: FieldValues?
        /// The record to write (restored fields over the current ones, or the prior record).
        var write: FieldValues?
        var deleteRecord = false
        var restorations: [Restoration] = []
        var conflicts: [Restoration] = []
        /// What the breached account last wrote, per field, for the conflict's base.
        var written: [String: JSON] = [:]
        var changesRead = 0
    }

    private static func plan(store: JournalStore, account: String, since stamp: String) throws -> [Plan] {
        let entries = try store.changes(byAccount: account, since: stamp)
        var order: [String] = []
        var byRecord: [String: [ChangeEntry]] = [:]
        for e in entries {
            let key = e.entity.rawValue + "\u{1F}" + e.recordID
            if byRecord[key] == nil { order.append(key) }
            byRecord[key, default: []].append(e)
        }
        return try order.map { key in
            let mine = byRecord[key]!
            let kind = mine[0].entity, id = mine[0].recordID
            let current = store.record(kind, id: id)?.normalized.fields
            // Others: later entries of the record by another account or a sync (not the
            // decisions that only record a counterpart's losing value, not quarantine's own).
            let others = try store.changes(of: kind, id: id, after: mine[0].seq).filter {
                $0.origin.account != account && $0.origin.source != source && !$0.origin.source.hasSuffix(":remote-loser")
            }
            var plan = Plan(kind: kind, id: id, current: current, changesRead: mine.count)
            var prior = current ?? FieldValues(kind)
            var touched: [Field] = []
            for e in mine {
                for c in e.changes {
                    guard let f = c.key, !touched.contains(f) else { continue }
                    touched.append(f)
                    prior[f] = c.old
                }
                for c in e.changes { plan.written[c.name] = Wire.json(c.new) }
            }
            let priorExists = mine[0].op != "create"
            plan.prior = priorExists ? prior.normalized : nil
            let record = PolicyTable.recordField
            let present = FieldValue.text("present"), deleted = FieldValue.text("deleted")
            if (current != nil) != priorExists {
                // Created or deleted by the breached account: the whole record goes back.
                let r = Restoration(entity: kind, recordID: id, field: record, from: current == nil ? deleted : present,
                                    to: priorExists ? present : deleted)
                if let later = others.first {
                    plan.conflicts = [withReason(r, later)]
                } else if priorExists {
                    plan.write = plan.prior
                    plan.restorations = [r]
                } else {
                    plan.deleteRecord = true
                    plan.restorations = [r]
                }
                return plan
            }
            guard let current else { return plan }   // neither before nor now: nothing to restore
            var write = current
            for f in touched where current[f] != plan.prior?[f] {
                let r = Restoration(entity: kind, recordID: id, field: f.name, from: current[f], to: plan.prior?[f] ?? .null)
                if let later = others.first(where: { e in e.op != "update" || e.changes.contains { $0.key == f } }) {
                    plan.conflicts.append(withReason(r, later))
                } else {
                    write[f] = r.to
                    plan.restorations.append(r)
                }
            }
            plan.write = write
            return plan
        }
    }

    private static func withReason(_ r: Restoration, _ later: ChangeEntry) -> Restoration {
        var r = r
        let who = later.origin.account ?? later.origin.source
        r.reason = "changed later by \(who) at \(later.at) (change \(later.seq)); decide which value stands"
        return r
    }

    /// Reads `--since`: `2026-09-07`, `2026-09-07T08:30`, `2026-09-07 08:30:15`, with an
    /// optional `Z` or `+04:00`; without an offset, in the school's time zone.
    public static func parseTime(_ text: String, timeZone: TimeZone) -> Date? {
        var t = text.trimmingCharacters(in: .whitespaces)
        var zone = timeZone
        if t.hasSuffix("Z") { t.removeLast(); zone = TimeZone(identifier: "UTC")! }
        else if t.count > 10, let sign = t.dropFirst(10).lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let off = t[t.index(after: sign)...].split(separator: ":").compactMap { Int($0) }
            guard off.count == 2 || off.count == 1 else { return nil }
            let secs = (off[0] * 3600 + (off.count == 2 ? off[1] * 60 : 0)) * (t[sign] == "-" ? -1 : 1)
            guard let z = TimeZone(secondsFromGMT: secs) else { return nil }
            zone = z
            t = String(t[..<sign])
        }
        let parts = t.split(whereSeparator: { $0 == "T" || $0 == " " })
        guard parts.count == 1 || parts.count == 2, let day = CivilDate(iso: String(parts[0])) else { return nil }
        var hms = [0, 0, 0]
        if parts.count == 2 {
            let p = parts[1].split(separator: ":").map { Int($0) }
            guard p.count >= 2, p.count <= 3, p.allSatisfy({ $0 != nil }) else { return nil }
            for (i, v) in p.enumerated() { hms[i] = v! }
            guard hms[0] < 24, hms[1] < 60, hms[2] < 60 else { return nil }
        }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        return cal.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hms[0], minute: hms[1], second: hms[2]))
    }
}
