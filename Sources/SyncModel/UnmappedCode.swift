import JournalModel

/// A portal code with no line in its code table, found inside a record (a mark value, an
/// attendance code, an absence reason): the record keeps the portal's raw code in its field
/// and lists the gap here. The engine parks such a record (a guess would put a wrong mark in
/// a child's diary) and asks the counterpart to map it again on every later run
/// (``Counterpart/remap(_:)``), so adding the line is all a person does. See docs/sync.md.
public struct UnmappedCode: Sendable, Hashable {
    /// The table, relative to the mappings directory (`epos/mark_values.tsv`).
    public var table: String
    /// The portal's code as it came (`5+`; `Н/К` for a code and reason).
    public var code: String
    /// What the code is, for people (`mark value`, `absence reason`).
    public var what: String
    /// The TSV line to add: the known columns filled, `…` where a person must choose.
    public var line: String
    /// What the `…` may be (`1, 2, 3, 4, 5, зачёт, незачёт`), for people; may be empty.
    public var choices: String

    public init(table: String, code: String, what: String, line: String, choices: String = "") {
        self.table = table; self.code = code; self.what = what; self.line = line; self.choices = choices
    }

    /// The reason parked items waiting for a code-table line carry: the retry knows them by it.
    public static let marker = "waits for a code-table line"

    package var json: JSON {
        .object([("table", .string(table)), ("code", .string(code)), ("what", .string(what)), ("line", .string(line)),
                 ("choices", .string(choices))])
    }

    package init?(json j: JSON) {
        guard let table = j["table"]?.string, let code = j["code"]?.string, let line = j["line"]?.string else { return nil }
        self.init(table: table, code: code, what: j["what"]?.string ?? "code", line: line, choices: j["choices"]?.string ?? "")
    }
}
