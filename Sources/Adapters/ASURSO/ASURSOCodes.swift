import Foundation
import JournalModel
import SyncModel

/// АСУ РСО's codes and the journal's, from the editable tables in `mappings/asu-rso/`.
///
/// Reference data the portal owns (subjects, assignment types) without a line is **adopted**
/// under the portal's name (``JournalNames``); a value inside a record (a mark, an attendance
/// code) without a line is an ``UnmappedCode``: the record keeps the raw code and the engine
/// parks it. Nothing is ever guessed.
public struct ASURSOCodes: Sendable {
    let subjects: CodeTable
    let workTypes: CodeTable
    let marks: CodeTable
    let attendance: CodeTable
    /// The journal's subjects and work types (set by the gateway from the store), for adoptions.
    public var journalSubjects = JournalNames()
    public var journalWorkTypes = JournalNames()

    public init(directory: String) throws {
        subjects = try CodeTable(path: directory + "/subjects.tsv", required: ["portal_name", "journal_name"], name: "asu-rso/subjects.tsv")
        workTypes = try CodeTable(path: directory + "/work_types.tsv", required: ["portal_abbr", "portal_name", "journal_name"], name: "asu-rso/work_types.tsv")
        marks = try CodeTable(path: directory + "/mark_values.tsv", required: ["portal", "journal"], name: "asu-rso/mark_values.tsv")
        attendance = try CodeTable(path: directory + "/attendance.tsv", required: ["portal_code", "portal_reason", "journal_kind", "journal_reason"], name: "asu-rso/attendance.tsv")
    }

    public func subject(_ portalName: String) throws -> String {
        try subjects.map(portalName, from: "portal_name", to: "journal_name", what: "subject")
    }

    /// The journal's subject, or the portal's name adopted when the table has no line.
    public func subjectOrAdopt(_ portalName: String) -> (name: String, adopted: AdoptedCode?) {
        if let v = subjects.lookup(portalName, from: "portal_name", to: "journal_name") { return (v, nil) }
        let a = journalSubjects.adopt(portalName, table: subjects, what: "subject", journalKind: "subject")
        return (a.name, a)
    }

    /// A type's line: by abbreviation **exactly** (case matters: «Пр» is not «ПР») or by name
    /// (ignoring case and ё/е). When the two name different lines, the name decides and
    /// `warning` says so (a wrong match would carry another type's weight into averages).
    /// Nil when neither has a line.
    public func workTypeLine(abbr: String, name: String) -> (journal: String, warning: String?)? {
        let byAbbr = abbr.isEmpty ? nil : workTypes.rows(where: "portal_abbr", exactly: abbr).first
        let byName = workTypes.rows(where: "portal_name", is: name).first
        switch (byAbbr, byName) {
        case (nil, nil): return nil
        case (let a?, nil): return (a["journal_name"] ?? "", nil)
        case (nil, let n?): return (n["journal_name"] ?? "", nil)
        case (let a?, let n?):
            let journal = n["journal_name"] ?? ""
            guard a["journal_name"] != journal else { return (journal, nil) }
            return (journal, "АСУ РСО assignment type «\(abbr) — \(name)»: its abbreviation is on the line «\(a["portal_abbr"] ?? "")\t\(a["portal_name"] ?? "")» "
                    + "(→ «\(a["journal_name"] ?? "")») and its name on «\(n["portal_abbr"] ?? "")\t\(n["portal_name"] ?? "")» (→ «\(journal)»): "
                    + "taken by its name as «\(journal)»; correct \(workTypes.path) if that is wrong")
        }
    }

    /// A type by abbreviation (exactly) or name; an error naming the type and the table when neither has a line.
    public func workType(abbr: String, name: String) throws -> String {
        guard let found = workTypeLine(abbr: abbr, name: name) else {
            throw CodeTableError(message: "unmapped assignment type «\(abbr) — \(name)»: add a line for it to \(workTypes.path)")
        }
        return found.journal
    }

    /// The journal's work type of an assignment type, or the portal's name adopted; a warning
    /// when abbreviation and name disagree.
    public func workTypeOrAdopt(abbr: String, name: String) -> (name: String, adopted: AdoptedCode?, warning: String?) {
        if let found = workTypeLine(abbr: abbr, name: name) { return (found.journal, nil, found.warning) }
        let a = journalWorkTypes.adopt(name, code: abbr.isEmpty ? name : "\(abbr) — \(name)", table: workTypes,
                                       what: "assignment type", journalKind: "work type")
        return (a.name, a, nil)
    }

    public func markToJournal(_ portal: String) throws -> String {
        try marks.map(portal, from: "portal", to: "journal", what: "mark value")
    }

    /// The journal's mark value, or the raw value with the gap to report (the record is parked).
    public func markOrGap(_ portal: String) -> (value: String, gap: UnmappedCode?) {
        if let v = marks.lookup(portal, from: "portal", to: "journal") { return (v, nil) }
        return (portal, marks.markGap(portal))
    }

    public func markToPortal(_ journal: String) throws -> String {
        try marks.map(journal, from: "journal", to: "portal", what: "mark value")
    }

    /// (kind, reason) of a portal code and reason.
    public func attendanceToJournal(code: String, reason: String?) throws -> (kind: String, reason: String?) {
        guard let found = attendanceLine(code: code, reason: reason) else {
            throw CodeTableError(message: "unmapped attendance code «\(code)»\(reason.map { " with reason «\($0)»" } ?? ""): add a line for it to \(attendance.path)")
        }
        return found
    }

    func attendanceLine(code: String, reason: String?) -> (kind: String, reason: String?)? {
        let rows = attendance.rows(where: "portal_code", is: code).filter { ($0["portal_reason"] ?? "") == (reason ?? "") }
        guard let row = rows.first, let kind = row["journal_kind"], !kind.isEmpty else { return nil }
        let r = row["journal_reason"] ?? ""
        return (kind, r.isEmpty ? nil : r)
    }

    /// A code and reason with no line: the record keeps them raw (`kind` = code, `reason` = reason).
    func attendanceGap(code: String, reason: String?) -> UnmappedCode {
        UnmappedCode(table: attendance.name, code: reason.map { "\(code) \($0)" } ?? code, what: "attendance code and reason",
                     line: attendance.line(["portal_code": code, "portal_reason": reason ?? ""]),
                     choices: "journal_kind absent or late; journal_reason Б, УП, НП or empty")
    }

    public func attendanceToPortal(kind: String, reason: String?) throws -> (code: String, reason: String?) {
        let rows = attendance.rows(where: "journal_kind", is: kind).filter { ($0["journal_reason"] ?? "") == (reason ?? "") }
        guard let row = rows.first, let code = row["portal_code"] else {
            throw CodeTableError(message: "no АСУ РСО code for attendance «\(kind)»\(reason.map { " with reason «\($0)»" } ?? ""): add a line for it to \(attendance.path)")
        }
        let r = row["portal_reason"] ?? ""
        return (code, r.isEmpty ? nil : r)
    }

    /// A parked record mapped again with the tables as they are now (``Counterpart/remap(_:)``).
    public func remap(_ r: RemoteRecord) -> RemoteRecord {
        var out = marks.remapMark(r)
        for gap in out.unmapped where gap.table == attendance.name {
            guard let code = out.fields[Attendance.kind].text, let found = attendanceLine(code: code, reason: out.fields[Attendance.reason].text) else { continue }
            out.fields[Attendance.kind] = .text(found.kind)
            out.fields[Attendance.reason] = FieldValue(found.reason)
            out.unmapped.removeAll { $0 == gap }
        }
        return out
    }
}
