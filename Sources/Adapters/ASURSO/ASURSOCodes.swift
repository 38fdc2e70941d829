import Foundation

/// АСУ РСО's codes and the journal's, from the editable tables in `mappings/asu-rso/`.
/// An unmapped code is an error naming the code and the table, never a silent default.
public struct ASURSOCodes: Sendable {
    let subjects: CodeTable
    let workTypes: CodeTable
    let marks: CodeTable
    let attendance: CodeTable

    public init(directory: String) throws {
        subjects = try CodeTable(path: directory + "/subjects.tsv", required: ["portal_name", "journal_name"])
        workTypes = try CodeTable(path: directory + "/work_types.tsv", required: ["portal_abbr", "portal_name", "journal_name"])
        marks = try CodeTable(path: directory + "/mark_values.tsv", required: ["portal", "journal"])
        attendance = try CodeTable(path: directory + "/attendance.tsv", required: ["portal_code", "portal_reason", "journal_kind", "journal_reason"])
    }

    public func subject(_ portalName: String) throws -> String {
        try subjects.map(portalName, from: "portal_name", to: "journal_name", what: "subject")
    }

    /// A type by abbreviation first, then by name (type ids differ between servers).
    public func workType(abbr: String, name: String) throws -> String {
        if let row = workTypes.rows(where: "portal_abbr", is: abbr).first, let v = row["journal_name"], !v.isEmpty { return v }
        return try workTypes.map(name, from: "portal_name", to: "journal_name", what: "assignment type «\(abbr)»")
    }

    public func markToJournal(_ portal: String) throws -> String {
        try marks.map(portal, from: "portal", to: "journal", what: "mark value")
    }

    public func markToPortal(_ journal: String) throws -> String {
        try marks.map(journal, from: "journal", to: "portal", what: "mark value")
    }

    /// (kind, reason) of a portal code and reason.
    public func attendanceToJournal(code: String, reason: String?) throws -> (kind: String, reason: String?) {
        let rows = attendance.rows(where: "portal_code", is: code).filter { ($0["portal_reason"] ?? "") == (reason ?? "") }
        guard let row = rows.first, let kind = row["journal_kind"] else {
            throw CodeTableError(message: "unmapped attendance code «\(code)»\(reason.map { " with reason «\($0)»" } ?? ""): add a line for it to \(attendance.path)")
        }
        let r = row["journal_reason"] ?? ""
        return (kind, r.isEmpty ? nil : r)
    }

    public func attendanceToPortal(kind: String, reason: String?) throws -> (code: String, reason: String?) {
        let rows = attendance.rows(where: "journal_kind", is: kind).filter { ($0["journal_reason"] ?? "") == (reason ?? "") }
        guard let row = rows.first, let code = row["portal_code"] else {
            throw CodeTableError(message: "no АСУ РСО code for attendance «\(kind)»\(reason.map { " with reason «\($0)»" } ?? ""): add a line for it to \(attendance.path)")
        }
        let r = row["portal_reason"] ?? ""
        return (code, r.isEmpty ? nil : r)
    }
}
