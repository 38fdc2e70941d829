import Foundation
import Testing
import JournalModel
import JournalStore
import SyncModel
@testable import SyncEngine

/// How a history reads both sides by natural key, and the end-of-history invariants.
extension History {
    func localKey(_ kind: EntityKind, _ f: [String: FieldValue]) throws -> String {
        func lesson(_ id: FieldValue?) -> String {
            let r = id?.text.flatMap { store.record(.lesson, id: $0) }
            return "\(r?["date"] ?? .null)#\(r?["number"] ?? .null)"
        }
        func file(_ id: FieldValue?) -> String { "\(id?.text.flatMap { store.record(.student, id: $0) }?["file_number"] ?? .null)" }
        switch kind {
        case .lesson: return "lesson/\(f["date"] ?? .null)#\(f["number"] ?? .null)"
        case .student: return "student/\(f["file_number"] ?? .null)"
        case .mark:
            let wt = f["work_type"]?.text.flatMap { store.record(.workType, id: $0) }?["name"] ?? .null
            return "mark/\(lesson(f["lesson"]))|\(file(f["student"]))|\(wt)"
        default: return "attendance/\(lesson(f["lesson"]))|\(file(f["student"]))"
        }
    }

    func remoteKey(_ r: RemoteRecord) -> String {
        func field(_ ext: FieldValue?, _ name: String) -> String { "\(ext?.text.flatMap { cp.record($0) }?.fields[name] ?? .null)" }
        func lesson(_ ext: FieldValue?) -> String { field(ext, "date") + "#" + field(ext, "number") }
        switch r.kind {
        case .lesson: return "lesson/\(r.fields["date"])#\(r.fields["number"])"
        case .student: return "student/\(r.fields["file_number"])"
        case .mark: return "mark/\(lesson(r.fields["lesson"]))|\(field(r.fields["student"], "file_number"))|\(field(r.fields["work_type"], "name"))"
        default: return "attendance/\(lesson(r.fields["lesson"]))|\(field(r.fields["student"], "file_number"))"
        }
    }

    static let kinds: [EntityKind] = [.lesson, .student, .mark, .attendance]

    func localView() throws -> [String: SyncModel.Fields] {
        var out: [String: SyncModel.Fields] = [:]
        for kind in History.kinds {
            for r in try store.records(kind) {
                out[try localKey(kind, r.fields.named)] = Dictionary(uniqueKeysWithValues: SyncModel.fields[kind.rawValue]!.map { ($0, r[$0].description) })
            }
        }
        return out
    }

    func remoteView() throws -> [String: SyncModel.Fields] {
        var out: [String: SyncModel.Fields] = [:]
        for kind in History.kinds {
            for r in cp.records(kind) {
                out[remoteKey(r)] = Dictionary(uniqueKeysWithValues: SyncModel.fields[kind.rawValue]!.map { ($0, r.fields[$0].description) })
            }
        }
        return out
    }

    /// The natural key of a conflict's record, also when the journal has deleted it
    /// (then from the last fields its change log shows).
    func conflictKey(_ c: ConflictRecord) throws -> String {
        if let r = store.record(c.entity, id: c.localID) { return try localKey(c.entity, r.fields.named) }
        var fields: [String: FieldValue] = [:]
        for e in try store.history(recordID: c.localID) where e.entity == c.entity && e.op != "delete" {
            for ch in e.changes where ch.key != nil { fields[ch.name] = ch.new }
        }
        return try localKey(c.entity, fields)
    }

    /// After a clean sync both sides agree, except what the queue holds.
    func checkQuiescence() throws {
        let (l, r) = (try localView(), try remoteView())
        for key in Set(l.keys).union(r.keys).sorted() {
            let blocked = model.conflicts[key] ?? []
            if blocked.contains("@record") { continue }
            let a = l[key]?.filter { !blocked.contains($0.key) }, b = r[key]?.filter { !blocked.contains($0.key) }
            if a != b { throw fail("after quiescence \(key) differs: journal \(a.map { "\($0)" } ?? "nothing"), counterpart \(b.map { "\($0)" } ?? "nothing")") }
        }
    }

    /// Every write survives, is superseded by a later write, sits in the queue, or is in
    /// the change log as the loser.
    func checkOracle() throws {
        let (l, r) = (try localView(), try remoteView())
        for (i, w) in log.enumerated() where !w.reverted {
            let final = w.local ? l[w.key] : r[w.key]
            let survives = w.field == "@record" ? (w.value == "deleted") == (final == nil) : final?[w.field] == w.value
            if survives { continue }
            // A deleted record stays deleted, even when another record took its key since.
            if w.field == "@record" && w.value == "deleted" {
                let kind = EntityKind(rawValue: String(w.key.prefix { $0 != "/" }))!
                if let id = w.localID, store.record(kind, id: id) == nil { continue }
                if let ext = w.externalID, cp.record(ext)?.deleted ?? true { continue }
            }
            if log[(i + 1)...].contains(where: { $0.key == w.key && ($0.field == w.field || $0.field == "@record" || w.field == "@record") }) { continue }
            if model.conflicts[w.key] != nil { continue }
            if try loser(w) { continue }
            throw fail("write lost: \(w.local ? "journal" : "counterpart") set \(w.key) \(w.field) = \(w.value) at step \(w.step)")
        }
    }

    private func loser(_ w: Write) throws -> Bool {
        let kind = EntityKind(rawValue: String(w.key.prefix { $0 != "/" }))!
        guard let id = try w.localID ?? w.externalID.flatMap({ try store.localID(counterpart: cp.name, kind, externalID: $0) }) else { return false }
        let entries = try store.history(recordID: id).filter { $0.entity == kind }
        if w.local {
            let sync = entries.filter { $0.origin.source == SyncEngine.source(cp.name) || $0.origin.source == "conflicts" }
            switch (w.field, w.value) {
            case ("@record", "deleted"): return sync.contains { $0.op == "create" }
            case ("@record", _): return sync.contains { $0.op == "delete" }
            default: return sync.contains { $0.changes.contains { $0.name == w.field && $0.old.description == w.value } }
            }
        }
        // The counterpart's losing values: overruled by the policy, or by a person resolving a conflict.
        let losers = entries.filter { $0.origin.source == SyncEngine.loserSource(cp.name) || $0.origin.source == "conflicts" }
        switch (w.field, w.value) {
        case ("@record", "deleted"): return losers.contains { $0.changes.contains { $0.name == "@record" && $0.old == .text("deleted") } }
        case ("@record", _): return !losers.isEmpty
        default: return losers.contains { $0.changes.contains { ($0.name == w.field && $0.old.description == w.value) || $0.name == "@record" } }
        }
    }
}
