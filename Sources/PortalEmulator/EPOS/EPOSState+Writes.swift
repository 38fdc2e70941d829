import Foundation
import JournalModel

/// The answer to one write, as the protocol gives it (and `/_emulator/edit` reports it).
struct EPOSWriteResult: Sendable {
    var status: Int
    /// The object (201, 200) or the error body; nil for 204.
    var body: JSON?
    /// The object's ETag after the write (201, 200, 204).
    var etag: String?
    /// Whether the state changed (and must be saved).
    var changed = false

    static func error(_ status: Int, _ code: String, _ message: String? = nil, _ extra: [(String, JSON)] = []) -> EPOSWriteResult {
        var pairs: [(String, JSON)] = [("error", .string(code))]
        if let message { pairs.append(("message", .string(message))) }
        return EPOSWriteResult(status: status, body: .object(pairs + extra))
    }

    static func validation(_ problems: [EPOSProblem]) -> EPOSWriteResult {
        error(422, "validation", nil, [("details", .array(problems.map(\.json)))])
    }
}

/// Who writes: a client through the protocol, or the portal's own users (`/_emulator/edit`).
enum EPOSWriter: Sendable {
    /// `external_id` required on a create, `If-Match` on an update or a delete.
    case client
    /// Neither required (an `if_match` given is still checked); students writable.
    case portal
}

/// Creates, updates and deletes with the protocol's semantics: `external_id` idempotency,
/// ETag preconditions, soft deletes, validation.
extension EPOSState {
    /// `POST /core/api/{kind}`: 201 with the object, 409 for a known `external_id`, 422.
    mutating func create(_ kind: EPOSKind, body: JSON, bodyMD5: String, by writer: EPOSWriter, now: Date) -> EPOSWriteResult {
        guard case .object(let pairs) = body else { return .error(400, "bad_request", "тело запроса — JSON-объект") }
        var problems: [EPOSProblem] = []
        var external: String?
        switch body["external_id"] ?? .null {
        case .null: if writer == .client { problems.append(EPOSProblem(field: "external_id", message: "обязательное поле")) }
        case .string(let s) where !s.isEmpty: external = s
        default: problems.append(EPOSProblem(field: "external_id", message: "ожидается непустая строка"))
        }
        if let external, let existing = id(forExternal: external, kind) {
            counters.duplicateExternalIDs += 1
            if record(kind, existing)?.createMD5 == bodyMD5 { counters.idempotentReplays += 1 }
            return .error(409, "duplicate_external_id", nil, [("id", .string(existing))])
        }
        let (fields, typeProblems) = candidate(kind, body: pairs, current: nil)
        problems += typeProblems
        if problems.isEmpty { problems = self.problems(kind, fields, selfID: nil, today: today(now: now)) }
        guard problems.isEmpty else { return .validation(problems) }
        let stamp = stamp(now: now)
        let r = EPOSRecord(kind: kind, id: newID(kind), fields: fields, externalID: external, updatedAt: stamp, deletedAt: nil,
                           revision: 1, createMD5: bodyMD5)
        put(r)
        if writer == .client { counters.operationsApplied += 1 }
        return EPOSWriteResult(status: 201, body: row(r), etag: r.etag, changed: true)
    }

    /// `PUT /core/api/{kind}/{id}`: fields given replace the stored ones (null clears a
    /// nullable field), fields left out keep their values. 200 with the new ETag; a PUT that
    /// changes nothing keeps the ETag.
    mutating func update(_ kind: EPOSKind, id: String, body: JSON, ifMatch: String?, by writer: EPOSWriter, now: Date) -> EPOSWriteResult {
        guard var r = record(kind, id) else { return .error(404, "not_found", "нет объекта \(id)") }
        if let failed = precondition(r, ifMatch, writer) { return failed }
        guard r.isLive else { return .error(410, "deleted", "объект \(id) удалён", [("id", .string(id))]) }
        guard case .object(let pairs) = body else { return .error(400, "bad_request", "тело запроса — JSON-объект") }
        var (fields, problems) = candidate(kind, body: pairs, current: r)
        if let e = body["external_id"], !e.isNull, e.string != r.externalID {
            problems.append(EPOSProblem(field: "external_id", message: "нельзя изменить: удалите запись и создайте новую"))
        }
        if problems.isEmpty { problems = self.problems(kind, fields, selfID: id, today: today(now: now)) }
        guard problems.isEmpty else { return .validation(problems) }
        if writer == .client { counters.operationsApplied += 1 }
        guard fields.mapValues({ $0.serialized() }) != r.fields.mapValues({ $0.serialized() }) else {
            return EPOSWriteResult(status: 200, body: row(r), etag: r.etag)
        }
        r.fields = fields
        r.revision += 1
        r.updatedAt = stamp(now: now)
        put(r)
        return EPOSWriteResult(status: 200, body: row(r), etag: r.etag, changed: true)
    }

    /// `DELETE /core/api/{kind}/{id}`: a soft delete (`deleted_at` set, the row still listed).
    /// 204; deleting a deleted object again is 204 and changes nothing. A schedule item with
    /// live marks or attendance is not deleted (422): delete those first.
    mutating func delete(_ kind: EPOSKind, id: String, ifMatch: String?, by writer: EPOSWriter, now: Date) -> EPOSWriteResult {
        guard var r = record(kind, id) else { return .error(404, "not_found", "нет объекта \(id)") }
        guard kind.softDeletes else {
            return .validation([EPOSProblem(field: "id", message: "ученики не удаляются: их переводят (class_unit_id)")])
        }
        if let failed = precondition(r, ifMatch, writer) { return failed }
        if kind == .scheduleItem, r.isLive {
            let dependants = indexed("on|" + id)
            if !dependants.isEmpty {
                return .validation([EPOSProblem(field: "id", message: "у урока есть отметки или посещаемость (\(dependants.count)): удалите их сначала")])
            }
        }
        if writer == .client { counters.operationsApplied += 1 }
        guard r.isLive else { return EPOSWriteResult(status: 204, etag: r.etag) }
        let stamp = stamp(now: now)
        r.deletedAt = stamp
        r.updatedAt = stamp
        r.revision += 1
        put(r)
        return EPOSWriteResult(status: 204, etag: r.etag, changed: true)
    }

    /// Bumps `updated_at` and the ETag without changing a field: the row moves to the end of
    /// the order (`mutate-while-paging`, `/_emulator/edit` `touch`).
    mutating func touch(_ kind: EPOSKind, id: String, now: Date) -> EPOSWriteResult {
        guard var r = record(kind, id) else { return .error(404, "not_found", "нет объекта \(id)") }
        r.revision += 1
        r.updatedAt = stamp(now: now)
        put(r)
        return EPOSWriteResult(status: 200, body: row(r), etag: r.etag, changed: true)
    }

    /// 428 without `If-Match` (clients must send one), 412 when it names another version.
    private mutating func precondition(_ r: EPOSRecord, _ ifMatch: String?, _ writer: EPOSWriter) -> EPOSWriteResult? {
        guard let ifMatch else {
            return writer == .client ? .error(428, "precondition_required", "нужен заголовок If-Match с ETag объекта") : nil
        }
        guard Self.matches(ifMatch, r.etag) else {
            counters.preconditionFailures += 1
            return .error(412, "precondition_failed")
        }
        return nil
    }

    /// `If-Match`: `*`, or one of a comma-separated list of ETags (a `W/` prefix is ignored).
    static func matches(_ header: String, _ etag: String) -> Bool {
        for part in header.split(separator: ",") {
            var tag = part.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            if tag == etag || "\"\(tag)\"" == etag { return true }
        }
        return false
    }
}
