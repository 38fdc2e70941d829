import Foundation
import JournalModel
import SyncModel

/// ЭПОС.Школа's codes and the journal's, from the editable tables in `mappings/epos/`.
/// Everything is mapped by name (ids of subjects, control forms and absence reasons differ
/// per region). Reference data without a line (subjects, control forms) is **adopted** under
/// the portal's name; a value inside a record (a mark value, an absence reason) without a
/// line is an ``UnmappedCode``: the record keeps the raw code and the engine parks it.
public struct EPOSCodes: Sendable {
    let subjects: CodeTable
    let controlForms: CodeTable
    let marks: CodeTable
    let reasons: CodeTable
    /// The journal's subjects and work types (set by the gateway from the store), for adoptions.
    public var journalSubjects = JournalNames()
    public var journalWorkTypes = JournalNames()

    public init(directory: String) throws {
        subjects = try CodeTable(path: directory + "/subjects.tsv", required: ["portal_name", "journal_name"], name: "epos/subjects.tsv")
        controlForms = try CodeTable(path: directory + "/control_forms.tsv", required: ["portal_name", "journal_name"], name: "epos/control_forms.tsv")
        marks = try CodeTable(path: directory + "/mark_values.tsv", required: ["portal", "journal"], name: "epos/mark_values.tsv")
        reasons = try CodeTable(path: directory + "/absence_reasons.tsv", required: ["portal_name", "journal_reason"], name: "epos/absence_reasons.tsv")
    }

    /// The journal's subject for a portal subject name.
    public func subject(_ portalName: String) throws -> String {
        try subjects.map(portalName, from: "portal_name", to: "journal_name", what: "subject")
    }

    /// The journal's subject, or the portal's name adopted when the table has no line.
    public func subjectOrAdopt(_ portalName: String) -> (name: String, adopted: AdoptedCode?) {
        if let v = subjects.lookup(portalName, from: "portal_name", to: "journal_name") { return (v, nil) }
        let a = journalSubjects.adopt(portalName, table: subjects, what: "subject", journalKind: "subject")
        return (a.name, a)
    }

    /// The journal's work type for a control form name.
    public func workType(_ formName: String) throws -> String {
        try controlForms.map(formName, from: "portal_name", to: "journal_name", what: "control form")
    }

    /// The journal's work type for a control form, or the form's name adopted.
    public func workTypeOrAdopt(_ formName: String) -> (name: String, adopted: AdoptedCode?) {
        if let v = controlForms.lookup(formName, from: "portal_name", to: "journal_name") { return (v, nil) }
        let a = journalWorkTypes.adopt(formName, table: controlForms, what: "control form", journalKind: "work type")
        return (a.name, a)
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

    /// The journal's reason (Б, УП, НП) for an absence reason name.
    public func reason(_ portalName: String) throws -> String {
        try reasons.map(portalName, from: "portal_name", to: "journal_reason", what: "absence reason")
    }

    /// The journal's reason, or nil and the gap to report (records with it are parked).
    public func reasonOrGap(_ portalName: String) -> (reason: String?, gap: UnmappedCode?) {
        if let r = reasons.lookup(portalName, from: "portal_name", to: "journal_reason") { return (r, nil) }
        return (nil, UnmappedCode(table: reasons.name, code: portalName, what: "absence reason",
                                  line: reasons.line(["portal_name": portalName]), choices: "Б, УП, НП"))
    }

    /// A parked record mapped again with the tables as they are now (``Counterpart/remap(_:)``):
    /// marks and final marks by `value`, attendance by `reason` (the portal's reason name).
    public func remap(_ r: RemoteRecord) -> RemoteRecord {
        var out = marks.remapMark(r)
        for gap in out.unmapped where gap.table == reasons.name {
            guard let name = out.fields[Attendance.reason].text, let v = reasons.lookup(name, from: "portal_name", to: "journal_reason") else { continue }
            out.fields[Attendance.reason] = .text(v)
            out.unmapped.removeAll { $0 == gap }
        }
        return out
    }
}
