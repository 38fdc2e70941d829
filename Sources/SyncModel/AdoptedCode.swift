import JournalModel

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
