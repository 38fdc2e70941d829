import Foundation
import JournalModel
import SyncModel

/// Canonical operations → `journal/batch` operations, and the answers back.
extension ASURSOCounterpart {
    static let maxBatch = 200

    public func push(_ ops: [OutboundOperation]) async throws -> [OperationResult] {
        let ref = try await loadCoreReference()
        var results: [String: OperationResult] = [:]
        // Marks need their assignment: create the missing ones first, one idempotent batch.
        try await ensureAssignments(for: ops, ref: ref)
        var wire: [(op: OutboundOperation, json: JSON)] = []
        for op in ops {
            do { wire.append((op, try batchOperation(op, ref: ref))) } catch { results[op.key] = .rejected(message: "\(error)") }
        }
        var start = 0
        while start < wire.count {
            let chunk = Array(wire[start..<min(start + Self.maxBatch, wire.count)])
            start += chunk.count
            let answer = try await sendBatch(chunk.map(\.json), key: OutboundOperation.batchKey(chunk.map(\.op)))
            var byKey: [String: JSONReader] = [:]
            for r in answer { byKey[try r.string("key")] = r }
            for (op, _) in chunk {
                guard let r = byKey[op.key] else { results[op.key] = .rejected(message: "the portal gave no answer for this operation"); continue }
                results[op.key] = try result(r, for: op, ref: ref)
            }
        }
        return ops.map { results[$0.key] ?? .rejected(message: "not sent") }
    }

    /// Sends one batch; its answer's `results`, each an object with a `key` and a `status`.
    func sendBatch(_ operations: [JSON], key: String) async throws -> [JSONReader] {
        requests += 1
        let r = try await session.request("POST", "webapi/journal/batch", json: .object([("operations", .array(operations))]),
                                          headers: ["Idempotency-Key": key])
        let endpoint = "POST /webapi/journal/batch"
        guard r.status == 200 else {
            throw PortalError(kind: .rejected, status: r.status, message: "journal/batch: \(r.body?["message"]?.string ?? "HTTP \(r.status)")")
        }
        let results = try JSONReader.body(r.body, endpoint: endpoint).objects("results")
        for res in results {
            _ = try res.string("key", nonEmpty: true)
            _ = try res.string("status", oneOf: ["applied", "conflict", "rejected"])
        }
        return results
    }

    static func int(_ v: FieldValue) -> JSON { v.text.flatMap(Int.init).map(JSON.int) ?? .null }
    static func str(_ v: FieldValue) -> JSON { v.text.map(JSON.string) ?? .null }
    static func dateTime(_ v: FieldValue) -> JSON { v.text.map { .string($0 + "T00:00:00") } ?? .null }
    static func baseVer(_ op: OutboundOperation) -> JSON { op.baseVersion.flatMap(Int.init).map(JSON.int) ?? .null }

    /// (assignment, student) of a mark's external id `A:S`.
    static func split(_ id: String?) -> (Int, Int)? {
        let p = (id ?? "").split(separator: ":").compactMap { Int($0) }
        return p.count >= 2 ? (p[0], p[1]) : nil
    }

    /// Lesson, work type and weight: the assignment a mark belongs to.
    func slot(_ op: OutboundOperation) -> String {
        "\(op.fields[Mark.lesson].text ?? "")/\(op.fields[Mark.workType].text ?? "")/\(op.fields[Mark.weight].int ?? 1)"
    }

    func ensureAssignments(for ops: [OutboundOperation], ref: Reference) async throws {
        var missing: [String: OutboundOperation] = [:]
        for op in ops where op.kind == .mark && op.op == .upsert && Self.split(op.externalID) == nil {
            if assignmentBySlot[slot(op)] == nil, let lid = op.fields[Mark.lesson].text.flatMap(Int.init) {
                if lessonPlace[lid] != nil || journalLessonPlace(lid) != nil { try? await learnAssignments(ofLesson: lid, ref: ref) }
            }
            if assignmentBySlot[slot(op)] == nil { missing[slot(op)] = op }
        }
        guard !missing.isEmpty else { return }
        var creates: [(String, JSON)] = []
        for (slot, op) in missing.sorted(by: { $0.key < $1.key }) {
            let typeID = op.fields[Mark.workType].text.flatMap(Int.init)
            let name = typeID.flatMap { ref.types[$0]?.name } ?? "Работа на уроке"
            let key = "A-" + StableHash.hex("asu-rso/assignment/\(slot)")
            creates.append((slot, .object([("op", .string("upsertAssignment")), ("key", .string(key)),
                                           ("classmeetingId", Self.int(op.fields[Mark.lesson])), ("typeId", typeID.map(JSON.int) ?? .null),
                                           ("assignmentName", .string(name)), ("weight", .int(op.fields[Mark.weight].int ?? 1)), ("baseVer", .null)])))
        }
        let answer = try await sendBatch(creates.map(\.1), key: StableHash.hex(creates.map { $0.0 }.joined(separator: ",")))
        for (i, r) in answer.enumerated() where i < creates.count {
            let (slot, _) = creates[i]
            if let id = r.value["id"]?.int ?? r.value["current"]?["id"]?.int {
                memory.setSlot(slot, id)
                let parts = slot.split(separator: "/").map { Int($0) ?? 0 }
                memory.setAssignment(id, (parts[0], parts[1], parts[2]))
            }
        }
    }

    func batchOperation(_ op: OutboundOperation, ref: Reference) throws -> JSON {
        let f = op.fields
        var o: [(String, JSON)] = [("key", .string(op.key))]
        switch (op.kind, op.op) {
        case (.lesson, .upsert):
            o = [("op", .string("upsertLesson"))] + o
            if let id = op.externalID.flatMap(Int.init) { o.append(("classmeetingId", .int(id))) }
            o += [("classId", Self.int(f[Lesson.classUnit])), ("date", Self.dateTime(f[Lesson.date])), ("number", .int(f[Lesson.number].int ?? 0)),
                  ("subjectId", Self.int(f[Lesson.subject])), ("groupId", Self.int(f[Lesson.group])),
                  ("teacherId", Self.int(f[Lesson.teacher])), ("substituteTeacherId", Self.int(f[Lesson.substitute])),
                  ("lessonTheme", Self.str(f[Lesson.topic]))]
        case (.homework, .upsert):
            guard let type = ref.homeworkType else { throw CodeTableError(message: "the portal has no «Домашнее задание» assignment type") }
            o = [("op", .string("upsertAssignment"))] + o
            if let id = op.externalID.flatMap(Int.init) { o.append(("assignmentId", .int(id))) }
            o += [("classmeetingId", Self.int(f[Homework.lesson])), ("typeId", .int(type)), ("assignmentName", Self.str(f[Homework.text])),
                  ("weight", .int(0)), ("dueDate", Self.dateTime(f[Homework.due]))]
        case (.homework, .delete):
            o = [("op", .string("deleteAssignment"))] + o + [("assignmentId", Self.int(.text(op.externalID ?? "")))]
        case (.mark, .upsert):
            let aid = Self.split(op.externalID)?.0 ?? assignmentBySlot[slot(op)]
            guard let aid else { throw CodeTableError(message: "no assignment for this mark's lesson and work type") }
            let point = f[Mark.point].bool
            o = [("op", .string("upsertMark"))] + o
            o += [("classmeetingId", Self.int(f[Mark.lesson])), ("assignmentId", .int(aid)), ("studentId", Self.int(f[Mark.student])),
                  ("mark", point ? .null : .string(try codes.markToPortal(f[Mark.value].text ?? ""))), ("dutyMark", .bool(point))]
        case (.mark, .delete):
            guard let (aid, sid) = Self.split(op.externalID) else { throw CodeTableError(message: "mark \(op.localID) has no АСУ РСО id") }
            let lesson = knownAssignment(aid) ? assignments[aid]?.lesson : nil
            o = [("op", .string("deleteMark"))] + o + [("assignmentId", .int(aid)), ("studentId", .int(sid))]
            if let lesson { o.append(("classmeetingId", .int(lesson))) }
        case (.attendance, .upsert):
            let (code, reason) = try codes.attendanceToPortal(kind: f[Attendance.kind].text ?? "", reason: f[Attendance.reason].text)
            o = [("op", .string("upsertAttendance"))] + o
            o += [("classmeetingId", Self.int(f[Attendance.lesson])), ("studentId", Self.int(f[Attendance.student])),
                  ("code", .string(code)), ("reason", reason.map(JSON.string) ?? .null)]
        case (.attendance, .delete):
            // formats/asu-rso.md lists no operation that removes an absence (its feed shows such deletes by the portal's users).
            throw CodeTableError(message: "АСУ РСО has no operation that removes an absence (formats/asu-rso.md): remove it on the portal")
        case (.finalMark, .upsert):
            o = [("op", .string("upsertFinalMark"))] + o
            o += [("studentId", Self.int(f[FinalMark.student])), ("subjectId", Self.int(f[FinalMark.subject])),
                  ("termId", Self.int(f[FinalMark.period])), ("mark", .string(try codes.markToPortal(f[FinalMark.value].text ?? "")))]
        default:
            throw CodeTableError(message: "АСУ РСО takes no \(op.op.rawValue) of \(op.kind.rawValue) records")
        }
        o.append(("baseVer", Self.baseVer(op)))
        return .object(o)
    }

    /// The external id an applied operation gives its record.
    func appliedID(_ op: OutboundOperation, _ id: Int?) -> String {
        let f = op.fields
        switch op.kind {
        case .mark:
            if let id = op.externalID { return id }
            let aid = id ?? assignmentBySlot[slot(op)] ?? 0
            return "\(aid):\(f[Mark.student].text ?? "")"
        case .attendance: return op.externalID ?? "\(f[Attendance.lesson].text ?? ""):\(f[Attendance.student].text ?? "")"
        case .finalMark: return op.externalID ?? "\(f[FinalMark.student].text ?? ""):\(f[FinalMark.subject].text ?? ""):\(f[FinalMark.period].text ?? "")"
        default: return id.map(String.init) ?? op.externalID ?? ""
        }
    }

    func result(_ r: JSONReader, for op: OutboundOperation, ref: Reference) throws -> OperationResult {
        switch try r.string("status") {
        case "applied":
            let id = try r.optionalField("id").flatMap { $0.isNull ? nil : try $0.asInt(in: 1...Int.max) }
            return .applied(externalID: appliedID(op, id), version: String(try r.asuVer()))
        case "conflict":
            let id = op.externalID ?? appliedID(op, nil)
            guard let current = try r.object("current", nullable: true) else {
                return .conflict(current: RemoteRecord(op.kind, externalID: id, version: nil, deleted: true))
            }
            return .conflict(current: try currentRecord(current, op: op, id: id, ref: ref))
        default:
            return .rejected(message: try r.string("message", nullable: true) ?? "rejected by the portal")
        }
    }

    /// The portal's current object of a conflicting operation (the feed's data plus `ver`),
    /// as a canonical record.
    func currentRecord(_ c: JSONReader, op: OutboundOperation, id: String, ref: Reference) throws -> RemoteRecord {
        let v = String(try c.asuVer())
        var rec: RemoteRecord?
        switch op.kind {
        case .mark:
            if let (aid, _) = Self.split(id) { rec = try mark(c, assignmentID: aid, version: v) }
        case .attendance: rec = try attendance(c, lessonID: try c.asuID("classmeetingId"), version: v)
        case .finalMark: rec = try finalMark(c, version: v)
        case .homework: rec = try assignment(c, lessonID: try c.asuID("classMeetingId"), version: v, ref: ref)
        case .lesson: rec = try lesson(c, classID: try schoolClass(c, "classId", ref: ref), date: try c.asuDate("date"), version: v)
        default: break
        }
        return rec ?? RemoteRecord(op.kind, externalID: id, version: v, deleted: false)
    }
}
