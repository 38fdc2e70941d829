import Foundation
import JournalModel

/// Loading the ЭПОС state from a seed directory (`samples/epos/`) or a saved state file.
///
/// Both use the wire's own row format (snake_case, string ids, times with offsets); every
/// row is checked as a write would be (types, references, R1, R3, classes and groups, one
/// record per slot), except R2, and except the rules for rows already deleted.
extension EPOSState {
    /// Reads `school.json` and one file per kind (`students.json`, `schedule_items.json`,
    /// `marks.json`, `attendances.json`, `final_marks.json`) from `dir`.
    ///
    /// - Throws: `EmulatorError` naming the file, the row and the field at fault.
    static func load(seedDirectory dir: String) throws(EmulatorError) -> EPOSState {
        let school = try EPOSSchool(SeedFields(try readJSON(dir + "/school.json"), "school.json", allowed: EPOSSchool.keys))
        var state = EPOSState(school: school)
        for kind in EPOSKind.allCases {
            let rows = try readJSON(dir + "/" + kind.fileName)
            guard let array = rows.array else { throw EmulatorError("\(kind.fileName): expected an array of objects") }
            try state.loadRows(kind, array, file: kind.fileName)
            if kind == .student { try state.checkGroups("school.json") }
        }
        return state
    }

    /// Reads a state file written by `document(full: true)`.
    static func load(stateFile path: String) throws(EmulatorError) -> EPOSState {
        let name = (path as NSString).lastPathComponent
        let doc = try SeedFields(try readJSON(path), name, allowed: ["format", "school", "runtime"] + EPOSKind.allCases.map(\.path))
        guard try doc.optString("format") == stateFormat else {
            throw doc.problem("not an ЭПОС emulator state file (expected \"format\": \"\(stateFormat)\"); remove it to start from the seed")
        }
        var state = EPOSState(school: try EPOSSchool(doc.object("school", allowed: EPOSSchool.keys)))
        for kind in EPOSKind.allCases {
            try state.loadRows(kind, try doc.array(kind.path), file: "\(name): \(kind.path)")
            if kind == .student { try state.checkGroups("\(name): school") }
        }
        let runtime = try doc.object("runtime", allowed: ["next_numbers", "last_stamp", "counters"])
        let next = try runtime.object("next_numbers", allowed: EPOSKind.allCases.map(\.rawValue))
        for kind in EPOSKind.allCases {
            if let n = try next.optInt(kind.rawValue) { state.nextNumber[kind] = max(n, state.nextNumber[kind] ?? 1) }
        }
        state.lastStamp = max(state.lastStamp, Int64(try runtime.int("last_stamp")))
        let counters = try runtime.object("counters", allowed: EPOSCounters.names)
        var values: [String: Int] = [:]
        for name in EPOSCounters.names { values[name] = try counters.optInt(name) }
        state.counters = EPOSCounters(values)
        return state
    }

    private static let metaFields = ["id", "external_id", "updated_at", "deleted_at", "revision", "create_md5"]

    /// Adds one file's rows, in order (a row may refer only to rows of earlier kinds).
    mutating func loadRows(_ kind: EPOSKind, _ rows: [JSON], file: String) throws(EmulatorError) {
        let allowed = Self.metaFields + kind.fields.map(\.name)
        for (i, json) in rows.enumerated() {
            let f = try SeedFields(json, "\(file)[\(i)]", allowed: allowed)
            let id = try f.string("id")
            guard record(kind, id) == nil else { throw f.problem("id «\(id)» appears twice") }
            let external = try f.optString("external_id")
            if let external, self.id(forExternal: external, kind) != nil { throw f.problem("external_id «\(external)» appears twice") }
            let updated = try Self.time(f, "updated_at")
            guard let updatedAt = updated else { throw f.problem("field «updated_at» is required") }
            let deletedAt = try Self.time(f, "deleted_at")
            if deletedAt != nil && !kind.softDeletes { throw f.problem("field «deleted_at»: students are never deleted") }
            guard case .object(let pairs) = json else { throw f.problem("expected an object") }
            let (fields, typeProblems) = candidate(kind, body: pairs.filter { !Self.metaFields.contains($0.0) }, current: nil)
            let problems = typeProblems.isEmpty
                ? (deletedAt == nil ? self.problems(kind, fields, selfID: id, today: nil) : referenceProblems(kind, fields)) : typeProblems
            if let p = problems.first {
                // Messages name ids and codes, never a person's data.
                throw f.problem("field «\(p.field)»: \(p.message)")
            }
            let revision = try f.optInt("revision") ?? 1
            guard revision >= 1 else { throw f.problem("field «revision»: 1 or more") }
            put(EPOSRecord(kind: kind, id: id, fields: fields, externalID: external, updatedAt: updatedAt, deletedAt: deletedAt,
                           revision: revision, createMD5: try f.optString("create_md5")))
        }
    }

    /// Every pupil of a group is a student of the group's class.
    private func checkGroups(_ context: String) throws(EmulatorError) {
        for g in school.groups {
            for sid in g.studentIDs where record(.student, sid)?.string("class_unit_id") != g.classUnitID {
                throw EmulatorError("\(context): group «\(g.id)»: student_ids: «\(sid)» is not a student of class \(g.classUnitID)")
            }
        }
    }

    private static func time(_ f: SeedFields, _ key: String) throws(EmulatorError) -> Int64? {
        guard let text = try f.optString(key) else { return nil }
        guard let ms = EPOSTime.parse(text) else {
            throw f.problem("field «\(key)»: «\(text)» is not a time with an offset (2026-09-07T08:30:00.000+05:00)")
        }
        return ms
    }

    static func readJSON(_ path: String) throws(EmulatorError) -> JSON {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EmulatorError("\(path): cannot be read (is the seed directory right? the default is samples/epos)")
        }
        do {
            return try JSON.parse(bytes: [UInt8](data))
        } catch {
            var line = 1, col = 1
            for ch in String(decoding: data, as: UTF8.self).prefix(max(0, error.column - 1)) {
                if ch == "\n" || ch == "\r\n" { line += 1; col = 1 } else { col += 1 }
            }
            throw EmulatorError("\(path):\(line):\(col): \(error.message)")
        }
    }
}
