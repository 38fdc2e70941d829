import Foundation
import JournalModel

/// Who wins a field that both the journal and a counterpart changed since they last agreed.
public enum Authority: String, Sendable, CaseIterable {
    /// The journal's value wins; the counterpart's is kept in the change log as the loser.
    case local
    /// The counterpart's value wins; the journal's old value stays in the change log.
    case remote
    /// Neither: the conflict queue holds it for a person.
    case queue
}

/// The authority policy: (entity, field) → ``Authority``, read from `mappings/policy.tsv`.
///
/// A line names an entity (`mark`, `student`, … as in `EntityKind`), a field of it, `*`
/// for every field without a line of its own, or `@record` for the record as a whole
/// (who owns a delete against an edit; defaults to the `*` line). Entities without
/// lines keep ``defaults``: the counterpart (regional contingent) owns identity,
/// membership and reference data; the journal owns lessons, homework, marks,
/// attendance and final marks, except that a final mark's value is queued.
public struct PolicyTable: Sendable, Equatable {
    public static let recordField = FieldChange.recordName

    /// One line's effect: who wins and where the line is.
    private struct Rule: Sendable, Equatable { var authority: Authority; var origin: String }
    /// A kind's rules by schema position (names resolved once, when the table is read).
    private struct KindRules: Sendable, Equatable {
        var all: Rule
        var record: Rule?
        var fields: [Rule?]
        init(_ kind: EntityKind, _ all: Rule) { self.all = all; fields = Array(repeating: nil, count: kind.fieldCount) }
    }
    /// Indexed by ``EntityKind/order``.
    private var rules: [KindRules]

    private init(_ each: (EntityKind) -> Rule) { rules = EntityKind.allCases.map { KindRules($0, each($0)) } }

    /// The built-in policy (design.md "Authority defaults"): one `*` line per entity, and
    /// `final_mark value queue`; the same as the shipped `mappings/policy.tsv`.
    public static let defaults: PolicyTable = {
        let local: Set<EntityKind> = [.lesson, .homework, .mark, .attendance, .finalMark]
        var t = PolicyTable { Rule(authority: local.contains($0) ? .local : .remote, origin: "default") }
        // A final mark is official (R3, R4): when the journal and the portal disagree, a person decides.
        t.rules[EntityKind.finalMark.order].fields[FinalMark.value.index] = Rule(authority: .queue, origin: "default")
        return t
    }()

    /// The same authority for every field of every entity (tests, and the merge table).
    public static func uniform(_ a: Authority) -> PolicyTable {
        PolicyTable { _ in Rule(authority: a, origin: "uniform") }
    }

    private func rule(_ field: Field) -> Rule {
        let k = rules[field.kind.order]
        return k.fields[field.index] ?? k.all
    }

    private func recordRule(_ kind: EntityKind) -> Rule {
        let k = rules[kind.order]
        return k.record ?? k.all
    }

    /// The authority for a field.
    public func authority(_ field: Field) -> Authority { rule(field).authority }

    /// The authority for the record as a whole (``recordField``: a delete against an edit).
    public func recordAuthority(_ kind: EntityKind) -> Authority { recordRule(kind).authority }

    /// Where the rule for a field comes from: `policy.tsv:12`, `default`.
    public func origin(_ field: Field) -> String { rule(field).origin }

    /// The authority for a field named in text (a conflict's field, a test): a field of
    /// the kind or ``recordField``; any other name stops (a programming error).
    public func authority(_ kind: EntityKind, _ name: String) -> Authority {
        name == PolicyTable.recordField ? recordAuthority(kind) : authority(FieldValues.field(kind, name))
    }

    /// Where the rule for a field named in text comes from.
    public func origin(_ kind: EntityKind, _ name: String) -> String {
        name == PolicyTable.recordField ? recordRule(kind).origin : origin(FieldValues.field(kind, name))
    }

    /// This policy with one rule set (for code that builds policies, and tests): `field`
    /// names a field of the kind, `*` or ``recordField``.
    public func setting(_ kind: EntityKind, _ field: String, _ a: Authority) -> PolicyTable {
        var t = self
        t.set(kind, field, Rule(authority: a, origin: "set"))
        return t
    }

    /// This policy with one field's rule set.
    public func setting(_ field: Field, _ a: Authority) -> PolicyTable {
        var t = self
        t.rules[field.kind.order].fields[field.index] = Rule(authority: a, origin: "set")
        return t
    }

    private mutating func set(_ kind: EntityKind, _ name: String, _ rule: Rule) {
        switch name {
        case "*": rules[kind.order].all = rule
        case PolicyTable.recordField: rules[kind.order].record = rule
        default: rules[kind.order].fields[FieldValues.field(kind, name).index] = rule
        }
    }

    /// Reads a policy file over the defaults.
    /// - Throws: ``PolicyError`` naming `file:line` for a line that cannot be read.
    public static func load(path: String) throws -> PolicyTable {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw PolicyError(file: path, line: 0, message: "cannot read the policy file: \(error.localizedDescription)")
        }
        return try parse(text, file: (path as NSString).lastPathComponent)
    }

    /// Parses policy text (tab-separated `entity  field  authority`, a header line,
    /// `#` comments and blank lines) over the defaults.
    public static func parse(_ text: String, file: String = "policy.tsv") throws -> PolicyTable {
        var t = defaults
        var set = Set<String>()
        var sawHeader = false
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            func fail(_ m: String) -> PolicyError { PolicyError(file: file, line: i + 1, message: m) }
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cols.count == 3 else {
                throw fail("expected 3 tab-separated columns (entity, field, authority), found \(cols.count)")
            }
            if !sawHeader {
                sawHeader = true
                guard cols.map({ $0.lowercased() }) == ["entity", "field", "authority"] else {
                    throw fail("the first line must be the header «entity<TAB>field<TAB>authority»")
                }
                continue
            }
            guard let kind = EntityKind(rawValue: cols[0]) else {
                throw fail("unknown entity «\(cols[0])» (one of \(EntityKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let field = cols[1]
            guard field == "*" || field == recordField || kind.field(field) != nil else {
                throw fail("\(kind.rawValue) has no field «\(field)» (fields: \(kind.fields.map(\.name).joined(separator: ", ")), or * or @record)")
            }
            guard let a = Authority(rawValue: cols[2]) else {
                throw fail("unknown authority «\(cols[2])» (local, remote or queue)")
            }
            guard set.insert(kind.rawValue + "\t" + field).inserted else {
                throw fail("\(kind.rawValue) \(field) is given twice")
            }
            t.set(kind, field, Rule(authority: a, origin: "\(file):\(i + 1)"))
        }
        return t
    }
}

/// A policy line that cannot be read: `policy.tsv:7: unknown entity «marks» (…)`.
public struct PolicyError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    public let message: String
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
