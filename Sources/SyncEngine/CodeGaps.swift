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

    var json: JSON {
        .object([("table", .string(table)), ("code", .string(code)), ("what", .string(what)), ("line", .string(line)),
                 ("choices", .string(choices))])
    }

    init?(json j: JSON) {
        guard let table = j["table"]?.string, let code = j["code"]?.string, let line = j["line"]?.string else { return nil }
        self.init(table: table, code: code, what: j["what"]?.string ?? "code", line: line, choices: j["choices"]?.string ?? "")
    }
}

/// Reference data the portal owns (a subject, a work type / control form) that had no line
/// in its table and was taken under the portal's own name: matched to the journal's record
/// of that name (ignoring case, ё/е, spaces and punctuation), else created.
public struct AdoptedCode: Sendable, Hashable {
    /// The table a line would go in (`epos/control_forms.tsv`).
    public var table: String
    /// The portal's code or name (`Зачёт`; `Пр — Проект` for an АСУ РСО type).
    public var code: String
    /// What it is at the portal (`control form`, `assignment type`, `subject`).
    public var what: String
    /// The journal's kind (`work type`, `subject`).
    public var journalKind: String
    /// The journal's name it was taken as.
    public var name: String
    /// Whether the journal already had a record of that name.
    public var matched: Bool

    public init(table: String, code: String, what: String, journalKind: String, name: String, matched: Bool) {
        self.table = table; self.code = code; self.what = what; self.journalKind = journalKind; self.name = name; self.matched = matched
    }

    /// `control form «Зачёт» → work type «Зачёт» (map it in mappings/epos/control_forms.tsv if it is another)`.
    public var line: String {
        "\(what) «\(code)» → \(journalKind) «\(name)» (map it in mappings/\(table) if it is another)"
    }

    public var json: JSON {
        .object([("table", .string(table)), ("code", .string(code)), ("what", .string(what)), ("journal_kind", .string(journalKind)),
                 ("name", .string(name)), ("matched", .bool(matched))])
    }
}

/// One unmapped code as a run reports it: how many items stayed parked for it.
public struct UnmappedReport: Sendable, Hashable {
    public var code: UnmappedCode
    public var items: Int

    public init(code: UnmappedCode, items: Int) { self.code = code; self.items = items }

    /// `mark value «5+» (3 item(s) kept, not applied): add to mappings/epos/mark_values.tsv the line «5+<TAB>…» (… one of 1, …)`.
    public var line: String {
        "\(code.what) «\(code.code)»: \(items) item(s) kept, not applied; add to mappings/\(code.table) the line «"
            + code.line.replacingOccurrences(of: "\t", with: "<TAB>") + "»"
            + (code.choices.isEmpty ? "" : " (… is one of: \(code.choices))")
    }

    public var json: JSON {
        .object([("table", .string(code.table)), ("code", .string(code.code)), ("items", .int(items)), ("line", .string(code.line)),
                 ("what", .string(code.what))])
    }

    /// Each code once, with its items, in table then code order.
    public static func tally(_ codes: [UnmappedCode]) -> [UnmappedReport] {
        var counts: [UnmappedCode: Int] = [:]
        for c in codes { counts[c, default: 0] += 1 }
        return counts.map { UnmappedReport(code: $0.key, items: $0.value) }
            .sorted { ($0.code.table, $0.code.code) < ($1.code.table, $1.code.code) }
    }
}
