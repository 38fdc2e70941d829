import Testing
@testable import Adapters

struct CodeTableTests {
    let table: CodeTable

    init() throws {
        table = try CodeTable(text: """
            # subjects: portal name → journal name
            portal_name\tjournal_name
            Русский язык\tsub-rus
            Естествознание\tsub-nature
            Ёмкость\tsub-cap
            """, path: "subjects.tsv", required: ["portal_name", "journal_name"])
    }

    @Test func mapsIgnoringCaseAndYo() throws {
        #expect(try table.map("русский ЯЗЫК", from: "portal_name", to: "journal_name", what: "subject") == "sub-rus")
        #expect(try table.map("Емкость", from: "portal_name", to: "journal_name", what: "subject") == "sub-cap")
        #expect(try table.map("ЁМКОСТЬ", from: "portal_name", to: "journal_name", what: "subject") == "sub-cap")
        #expect(table.rows(where: "journal_name", is: "sub-nature").first?["portal_name"] == "Естествознание")
        #expect(table.rows(where: "no_such_column", is: "x").isEmpty)
    }

    @Test func anUnmappedCodeNamesTheCodeAndTheTable() {
        #expect {
            try table.map("Астрономия", from: "portal_name", to: "journal_name", what: "subject")
        } throws: { error in
            let message = (error as? CodeTableError)?.message ?? ""
            return message.contains("«Астрономия»") && message.contains("subjects.tsv")
        }
    }
}
