import Foundation

/// ЭПОС.Школа's codes and the journal's, from the editable tables in `mappings/epos/`.
/// Everything is mapped by name (ids of subjects, control forms and absence reasons differ
/// per region); an unmapped code is an error naming the code and the table.
public struct EPOSCodes: Sendable {
    let subjects: CodeTable
    let controlForms: CodeTable
    let marks: CodeTable
    let reasons: CodeTable

    public init(directory: String) throws {
        subjects = try CodeTable(path: directory + "/subjects.tsv", required: ["portal_name", "journal_name"])
        controlForms = try CodeTable(path: directory + "/control_forms.tsv", required: ["portal_name", "journal_name"])
        marks = try CodeTable(path: directory + "/mark_values.tsv", required: ["portal", "journal"])
        reasons = try CodeTable(path: directory + "/absence_reasons.tsv", required: ["portal_name", "journal_reason"])
    }

    /// The journal's subject for a portal subject name.
    public func subject(_ portalName: String) throws -> String {
        try subjects.map(portalName, from: "portal_name", to: "journal_name", what: "subject")
    }

    /// The journal's work type for a control form name.
    public func workType(_ formName: String) throws -> String {
        try controlForms.map(formName, from: "portal_name", to: "journal_name", what: "control form")
    }

    public func markToJournal(_ portal: String) throws -> String {
        try marks.map(portal, from: "portal", to: "journal", what: "mark value")
    }

    public func markToPortal(_ journal: String) throws -> String {
        try marks.map(journal, from: "journal", to: "portal", what: "mark value")
    }

    /// The journal's reason (Б, УП, НП) for an absence reason name.
    public func reason(_ portalName: String) throws -> String {
        try reasons.map(portalName, from: "portal_name", to: "journal_reason", what: "absence reason")
    }
}
