import Foundation
import JournalModel
import SyncModel

/// Operations → one request per object, and the answers back.
///
/// - create: `POST` with `external_id` = the operation's key; a `409 duplicate_external_id`
///   (a create repeated after a crash or a lost answer) is done when the object holds what
///   we sent, else the object is answered as the current state for the engine to merge;
/// - update, delete: the object is read first (`GET`, for its `ETag` and `updated_at`):
///   when its `updated_at` is not the base's, someone changed it since, and the answer is
///   `.conflict(current:)` (never an overwrite); else `PUT`/`DELETE` with `If-Match`, and a
///   `412` (changed in between) is read again and answered the same way;
/// - homework is the `homework` field of its schedule item, written by `PUT`;
/// - `422` details → `.rejected(message:)` naming each field.
extension EPOSCounterpart {
    public func push(_ ops: [OutboundOperation]) async throws -> [OperationResult] {
        let ref = try await loadReference()
        var results: [OperationResult] = []
        for op in ops { results.append(try await push(op, ref: ref)) }
        return results
    }

    func push(_ op: OutboundOperation, ref: Reference) async throws -> OperationResult {
        do {
            if op.kind == .homework { return try await pushHomework(op, ref: ref) }
            guard let base = Self.path(op.kind) else { return .rejected(message: "ЭПОС.Школа takes no \(op.kind.rawValue) records") }
            switch op.op {
            case .upsert where op.externalID == nil: return try await create(op, base, ref: ref)
            case .upsert: return try await update(op, base, ref: ref)
            case .delete: return try await delete(op, base, ref: ref)
            }
        } catch let e as CodeTableError {
            return .rejected(message: e.message)
        } catch let e as EPOSWireProblem {
            return .rejected(message: e.message)
        }
    }

    /// The list path of a kind.
    static func path(_ kind: EntityKind) -> String? {
        switch kind {
        case .lesson: return "core/api/schedule_items"
        case .mark: return "core/api/marks"
        case .attendance: return "core/api/attendances"
        case .finalMark: return "core/api/final_marks"
        default: return nil
        }
    }

    // MARK: create, update, delete

    func create(_ op: OutboundOperation, _ base: String, ref: Reference) async throws -> OperationResult {
        var body = try await wire(op, names: op.kind.keys, creating: true, ref: ref)
        body.insert(("external_id", .string(op.key)), at: 0)
        let r = try await session.request("POST", base, json: .object(body), idempotent: true)
        switch r.status {
        case 200, 201:
            let obj = try JSONReader.body(r.body, endpoint: "POST /\(base)", status: r.status).asObject()
            let id = try obj.eposID("id")
            if op.kind == .lesson, let s = obj.value["subject_id"]?.string { lessonSubject[id] = s }
            if op.kind == .lesson, let cls = op.fields[Lesson.classUnit].text { lessonClass[id] = cls }
            return .applied(externalID: id, version: try obj.eposMoment("updated_at"))
        case 409 where r.body?["error"]?.string == "duplicate_external_id":
            // Created before (by this operation: the key is the external id).
            let id = try JSONReader.body(r.body, endpoint: "POST /\(base)", status: 409).eposID("id")
            let (row, _) = try await fetch(base, id)
            guard let row, Self.live(row.value) else {
                return .conflict(current: RemoteRecord(op.kind, externalID: id, version: row?.value["updated_at"]?.string, deleted: true))
            }
            if Self.holds(row.value, body) { return .applied(externalID: id, version: try row.eposMoment("updated_at")) }
            return .conflict(current: try await conflictRecord(op, row, ref: ref))
        default:
            return .rejected(message: Self.refusal(r, "POST \(base)"))
        }
    }

    func update(_ op: OutboundOperation, _ base: String, ref: Reference) async throws -> OperationResult {
        let ext = op.externalID!
        let body = try await wire(op, names: op.changed.isEmpty ? op.kind.keys : op.changed, creating: false, ref: ref)
        var (row, etag) = try await fetch(base, ext)
        var raced = false
        while true {
            guard let current = row, Self.live(current.value) else {
                return .conflict(current: RemoteRecord(op.kind, externalID: ext, version: row?.value["updated_at"]?.string, deleted: true))
            }
            let stamp: String? = try current.eposMoment("updated_at")
            if Self.holds(current.value, body) { return .applied(externalID: ext, version: stamp) }
            guard !raced, agreed(op.baseVersion, stamp, ext) else { return .conflict(current: try await conflictRecord(op, current, ref: ref)) }
            guard let tag = etag else { return .rejected(message: "GET \(base)/\(ext): the portal gave no ETag") }
            let r = try await session.request("PUT", "\(base)/\(ext)", json: .object(body), headers: ["If-Match": tag])
            switch r.status {
            case 200:
                let after: String? = try JSONReader.body(r.body, endpoint: "PUT /\(base)/\(ext)").eposMoment("updated_at")
                noteWrite(ext, from: stamp, to: after)
                if op.kind == .lesson, let s = r.body?["subject_id"]?.string { lessonSubject[ext] = s }
                return .applied(externalID: ext, version: after)
            case 412:
                // Changed between our read and our write: read it again and answer it as it is.
                raced = true
                (row, etag) = try await fetch(base, ext)
            case 404, 410:
                return .conflict(current: RemoteRecord(op.kind, externalID: ext, version: stamp, deleted: true))
            default:
                return .rejected(message: Self.refusal(r, "PUT \(base)/\(ext)"))
            }
        }
    }

    func delete(_ op: OutboundOperation, _ base: String, ref: Reference) async throws -> OperationResult {
        let ext = op.externalID!
        var (row, etag) = try await fetch(base, ext)
        var raced = false
        while true {
            guard let current = row, Self.live(current.value) else {
                return .applied(externalID: ext, version: row?.value["updated_at"]?.string)   // deleted already
            }
            let stamp: String? = try current.eposMoment("updated_at")
            guard !raced, agreed(op.baseVersion, stamp, ext) else { return .conflict(current: try await conflictRecord(op, current, ref: ref)) }
            guard let tag = etag else { return .rejected(message: "GET \(base)/\(ext): the portal gave no ETag") }
            let r = try await session.request("DELETE", "\(base)/\(ext)", headers: ["If-Match": tag])
            switch r.status {
            case 200, 204, 404, 410:
                return .applied(externalID: ext, version: nil)
            case 412:
                raced = true
                (row, etag) = try await fetch(base, ext)
            default:
                return .rejected(message: Self.refusal(r, "DELETE \(base)/\(ext)"))
            }
        }
    }

    /// Homework lives in its schedule item: every write is a `PUT` of the `homework` field.
    func pushHomework(_ op: OutboundOperation, ref: Reference) async throws -> OperationResult {
        let base = "core/api/schedule_items"
        guard let si = op.externalID ?? op.fields[Homework.lesson].text else { return .rejected(message: "homework \(op.localID) names no lesson") }
        let intended: JSON = op.op == .delete ? .null
            : .object([("text", .string(op.fields[Homework.text].text ?? "")), ("due_date", op.fields[Homework.due].text.map(JSON.string) ?? .null)])
        var (row, etag) = try await fetch(base, si)
        var raced = false
        while true {
            guard let item = row, Self.live(item.value) else {
                if op.op == .delete { return .applied(externalID: si, version: row?.value["updated_at"]?.string) }
                if op.externalID == nil { return .rejected(message: "its lesson \(si) is deleted on the portal") }
                return .conflict(current: RemoteRecord(.homework, externalID: si, version: row?.value["updated_at"]?.string, deleted: true))
            }
            let stamp: String? = try item.eposMoment("updated_at")
            let homework = try item.field("homework").value
            if Self.same(homework, intended) { return .applied(externalID: si, version: stamp) }
            // A new homework must find none there; a changed one must find the agreed version.
            let clear = op.externalID == nil ? homework.isNull : agreed(op.baseVersion, stamp, si)
            guard !raced, clear else { return .conflict(current: try current(.homework, item, ref: ref)) }
            guard let tag = etag else { return .rejected(message: "GET \(base)/\(si): the portal gave no ETag") }
            let r = try await session.request("PUT", "\(base)/\(si)", json: .object([("homework", intended)]), headers: ["If-Match": tag])
            switch r.status {
            case 200:
                let after: String? = try JSONReader.body(r.body, endpoint: "PUT /\(base)/\(si)").eposMoment("updated_at")
                noteWrite(si, from: stamp, to: after)
                return .applied(externalID: si, version: after)
            case 412:
                raced = true
                (row, etag) = try await fetch(base, si)
            case 404, 410:
                row = nil
            default:
                return .rejected(message: Self.refusal(r, "PUT \(base)/\(si)"))
            }
        }
    }

    // MARK: helpers

    /// The portal's current object as a canonical record, for a conflict answer. A schedule
    /// item's row does not name its class: it is the operation's, the one its list named in
    /// this run, its group's, or else found by asking each class's list from the row's own
    /// `updated_at` (rare: a lesson changed on both sides that this run did not read).
    func conflictRecord(_ op: OutboundOperation, _ row: JSONReader, ref: Reference) async throws -> RemoteRecord {
        guard op.kind == .lesson else { return try current(op.kind, row, ref: ref) }
        let id = try row.eposID("id")
        if let cls = op.fields[Lesson.classUnit].text ?? lessonClass[id] { return try current(.lesson, row, ref: ref, classID: cls) }
        if let g = try row.eposID("group_id", nullable: true), let cls = ref.groupClass[g] { return try current(.lesson, row, ref: ref, classID: cls) }
        let stamp = try row.eposMoment("updated_at")
        for cls in ref.classOrder {
            let query = [("class_unit_id", cls), ("from", ref.yearBegin.description), ("to", ref.yearEnd.description),
                         ("updated_at_from", stamp), ("page", "1"), ("per_page", String(perPage))]
            let rows = try Self.ok(try await get("core/api/schedule_items", query),
                                   PortalViolation.endpoint("GET", "core/api/schedule_items", query)).asObjects()
            if try rows.contains(where: { try $0.eposID("id") == id }) {
                lessonClass[id] = cls
                return try current(.lesson, row, ref: ref, classID: cls)
            }
        }
        throw PortalError(kind: .unexpected, status: 200, message: "schedule item \(id) is in none of the school's classes")
    }

    /// `GET {base}/{id}`: the object and its ETag; nil when the portal has no such object.
    func fetch(_ base: String, _ id: String) async throws -> (JSONReader?, String?) {
        let r = try await get("\(base)/\(id)")
        if r.status == 404 || r.status == 410 { return (nil, nil) }
        let row = try Self.ok(r, PortalViolation.endpoint("GET", "\(base)/\(id)")).asObject()
        _ = try row.eposMoment("updated_at")
        if try row.eposID("id") != id { throw row.violation(at: "id", expected: "\(id) (the object asked for)", got: "another id") }
        if base.hasSuffix("schedule_items") { lessonSubject[id] = try row.eposID("subject_id") }
        return (row, r.header("ETag"))
    }

    /// Whether the object is still at the version the change was made against (or at the
    /// version our own write in this run left it at, starting from that one).
    func agreed(_ base: String?, _ current: String?, _ id: String) -> Bool {
        guard let base, let current else { return false }
        if EPOSTimestamp.same(base, current) { return true }
        guard let w = ownWrites[id] else { return false }
        return EPOSTimestamp.same(base, w.from) && EPOSTimestamp.same(current, w.to)
    }

    func noteWrite(_ id: String, from: String?, to: String?) {
        guard let from, let to else { return }
        if let w = ownWrites[id], EPOSTimestamp.same(w.to, from) { ownWrites[id] = (w.from, to) } else { ownWrites[id] = (from, to) }
    }

    /// Whether a row is not soft-deleted.
    static func live(_ row: JSON) -> Bool { (row["deleted_at"] ?? .null).isNull }

    /// Whether the object already holds every field of a request body (`external_id` aside):
    /// a write repeated after a lost answer is then done.
    /// A schedule item's `class_unit_id` is not shown in its rows (and cannot change): not compared.
    static func holds(_ row: JSON, _ body: [(String, JSON)]) -> Bool {
        body.allSatisfy { $0.0 == "external_id" || $0.0 == "class_unit_id" || same(row[$0.0] ?? .null, $0.1) }
    }

    /// JSON equality with object keys in any order and whole doubles equal to ints.
    static func same(_ a: JSON, _ b: JSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            let keys = Set(x.map(\.0)).union(y.map(\.0))
            return keys.allSatisfy { same(a[$0] ?? .null, b[$0] ?? .null) }
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.int, .double), (.double, .int):
            return a.int != nil && a.int == b.int
        default:
            return a == b
        }
    }

    /// A refused write in words: for a 422 every `details` item as «field: message».
    static func refusal(_ r: EPOSResponse, _ what: String) -> String {
        if r.status == 422, let details = r.body?["details"]?.array, !details.isEmpty {
            let items = details.map { "«\($0["field"]?.string ?? "?")»: \($0["message"]?.string ?? "invalid")" }
            return "ЭПОС.Школа refused the values: " + items.joined(separator: "; ")
        }
        return "\(what) answered \(r.status) \(r.errorText)"
    }
}

/// A journal record that cannot be put into ЭПОС terms (no control form of that work
/// type for the lesson's subject, an absence reason the portal does not list, …).
struct EPOSWireProblem: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
