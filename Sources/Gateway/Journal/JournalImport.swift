import Formats
import Foundation
import JournalModel
import JournalStore

/// What an import did (or, with `--dry-run`, would do), per record type.
public struct ImportCounts: Sendable, Equatable {
    public var created = 0, updated = 0, unchanged = 0, deleted = 0
    public init() {}
}

public struct JournalImportResult: Sendable {
    public var total = ImportCounts()
    public var byKind: [EntityKind: ImportCounts] = [:]
    public var lines = 0
    /// `FILE:LINE: …` of what did not stop the import but a person should read.
    public var warnings: [String] = []
    /// The file's records bound to the store's records of the same natural key (this import's new aliases).
    public var bound: [ImportBinding] = []

    /// `bound 7 record(s) to the journal's records of the same key (teacher t-301 → teacher-cb4b…, …)`,
    /// or nil when the import bound nothing.
    public func boundLine(dryRun: Bool = false, listing limit: Int = 3) -> String? {
        guard !bound.isEmpty else { return nil }
        var shown = bound.prefix(limit).map { "\($0.kind.rawValue) \($0.id) → \($0.to)" }
        if bound.count > limit { shown.append("and \(bound.count - limit) more") }
        return "\(dryRun ? "Would bind" : "Bound") \(bound.count) record(s) to the journal's records of the same key (\(shown.joined(separator: ", ")))."
    }

    /// `bound` lists every binding this import made (`boundLimit`: the first so many, for
    /// the run's saved summary); `bound_count` counts them all.
    public func json(boundLimit: Int? = nil) -> JSON {
        func obj(_ c: ImportCounts) -> [(String, JSON)] {
            [("created", .int(c.created)), ("updated", .int(c.updated)), ("unchanged", .int(c.unchanged)), ("deleted", .int(c.deleted))]
        }
        let kinds = byKind.keys.sorted().map { ($0.rawValue, JSON.object(obj(byKind[$0]!))) }
        let listed = bound.prefix(boundLimit ?? bound.count).map {
            JSON.object([("kind", .string($0.kind.rawValue)), ("id", .string($0.id)), ("to", .string($0.to))])
        }
        return .object(obj(total) + [("records", .int(lines)), ("by_type", .object(kinds)), ("warnings", .array(warnings.map(JSON.string))),
                                     ("bound", .array(Array(listed))), ("bound_count", .int(bound.count))])
    }
}

/// Imports a native journal file (JSON Lines): everything validated and applied in one
/// transaction, or nothing at all.
///
/// The validation runs on a thread and a store connection of its own while the apply
/// writes (``BackgroundValidation``); its problems roll the apply back before it commits.
/// Each reads the file itself, so memory stays bounded by the ids it holds, not by its records.
public struct JournalImporter {
    public let store: JournalStore
    public let origin: Origin

    public init(store: JournalStore, origin: Origin) { self.store = store; self.origin = origin }

    /// - Throws: ``GatewayError`` (exit 65) listing every problem as `FILE:LINE: message`.
    public func run(path: String, dryRun: Bool = false) throws -> JournalImportResult {
        var binder = try ImportBinder(store: store)
        if binder.isNeeded {
            let skipped = binder.skippableKinds()
            try Self.forEachLine(path, skipping: skipped) { line, parsed in if case .success(let l) = parsed { binder.visit(line: line, l) } }
            binder.finish()
        }
        let aliases = binder.aliases
        let claims = binder.claims
        // The validation runs beside the apply on a connection of its own, when one opens
        // (``BackgroundValidation``); otherwise first, on this one, as it always did.
        var background: BackgroundValidation?
        var outcome: BackgroundValidation.Outcome?
        if let reader = try? JournalStore.open(at: store.path, readOnly: true) {
            reader.now = store.now
            let box = UncheckedStore(reader)
            background = BackgroundValidation { try Self.validate(box.store, path: path, aliases: aliases, claims: claims) }
        } else {
            outcome = try Self.validate(store, path: path, aliases: aliases, claims: claims)
            try Self.refuse(outcome!.problems, path: path)
        }
        var result: JournalImportResult
        do {
            result = try apply(path: path, dryRun: dryRun, aliases: aliases, bindings: binder.bindings) {
                // Before the commit: the validation's problems undo everything the apply wrote.
                guard let background else { return }
                outcome = try background.wait()
                try Self.refuse(outcome!.problems, path: path)
            } stop: { background?.hasProblems ?? false }
        } catch {
            // What stopped the apply may be what the validation explains (a bad line, a
            // missing reference): its problems, or what stopped it, come first, as when it ran first.
            if let background, outcome == nil {
                let checked = try background.wait()
                try Self.refuse(checked.problems, path: path)
            }
            throw error
        }
        result.bound = binder.bindings
        result.warnings = (outcome?.warnings ?? []).map { "\(path):\($0.line): \($0.message)" }
        return result
    }

    /// Every line checked (``ImportValidation``): the problems and the warnings, by line.
    private static func validate(_ store: JournalStore, path: String, aliases: JournalAliases,
                                 claims: [ImportBinder.Claim]) throws -> BackgroundValidation.Outcome {
        var check = ImportValidation(store: store, aliases: aliases, claims: claims, expectedLines: try LineReader.count(path: path))
        try forEachLine(path) { line, parsed in check.visit(line: line, parsed) }
        let problems = try check.finish { visit in
            try forEachLine(path) { line, parsed in if case .success(let l) = parsed { visit(line, aliases.rewrite(l)) } }
        }
        return (problems, check.warnings)
    }

    private static func refuse(_ problems: [ImportValidation.Problem], path: String) throws {
        guard !problems.isEmpty else { return }
        let details = problems.map { "\(path):\($0.line)\($0.column.map { ":\($0)" } ?? ""): \($0.message)" }
        throw GatewayError.badInput(.problems, ["n": "\(problems.count)"], at: .init(path), details: details)
    }

    /// The validation's own connection, handed to its thread (used there alone).
    private struct UncheckedStore: @unchecked Sendable {
        let store: JournalStore
        init(_ store: JournalStore) { self.store = store }
    }

    private struct Rollback: Error {}

    /// `beforeCommit` runs last inside the transaction (its error rolls everything back);
    /// `stop`, asked every few thousand lines, ends the apply early (it is rolled back).
    private func apply(path: String, dryRun: Bool, aliases: JournalAliases, bindings: [ImportBinding],
                       beforeCommit: @escaping () throws -> Void, stop: @escaping () -> Bool) throws -> JournalImportResult {
        var result = JournalImportResult()
        // Kinds the store holds no record of: a record of one is new (the validating pass
        // refuses an id that appears twice in a file), and is written without asking the
        // store for its old version, one query a record less. Were it not new, the insert
        // would fail on the table's key and nothing would be imported.
        let empty = Set(try EntityKind.allCases.filter { try store.isEmpty($0) })
        let body = {
            // References may point forward in the file: check them at commit.
            try store.deferForeignKeyChecks()
            try Self.forEachLine(path) { number, parsed in
                if number & 4095 == 0, stop() { throw Rollback() }
                guard case .success(let fileLine) = parsed else { return }
                let line = aliases.rewrite(fileLine)
                result.lines += 1
                var c = result.byKind[line.kind] ?? ImportCounts()
                do {
                    switch line {
                    case .record(let r):
                        switch try store.write(r, origin: origin, old: empty.contains(r.kind) ? .some(nil) : .none) {
                        case .created: c.created += 1; result.total.created += 1
                        case .updated: c.updated += 1; result.total.updated += 1
                        case .unchanged: c.unchanged += 1; result.total.unchanged += 1
                        }
                    case .deletion(let kind, let id):
                        if try store.delete(kind, id: id, origin: origin) { c.deleted += 1; result.total.deleted += 1 }
                    }
                } catch let e as StoreFailure where e.category == .constraint {
                    // What the validating pass could not foresee: the store refuses the line.
                    throw GatewayError.badInput(.refusesRecord, at: .init(path),
                                                details: ["\(path):\(number): \(line.kind.rawValue) \(fileLine.id): \(e.message)"])
                }
                result.byKind[line.kind] = c
            }
            // The next import binds the same file ids the same way, even after a key changed.
            for b in bindings {
                try store.bindIdentity(counterpart: JournalAliases.counterpart, b.kind, localID: b.to, externalID: b.id, naturalKey: b.naturalKey)
            }
        }
        do {
            try store.transaction {
                do {
                    // A class made grade 1 is checked once the whole file is in (it may delete the marks too).
                    try store.deferringRegradeChecks { try body() }
                } catch let e as StoreFailure where e.category == .constraint {
                    throw GatewayError.badInput(.refusesFile, at: .init(path), details: ["\(path): \(e.message)"])
                }
                try beforeCommit()
                if dryRun { throw Rollback() }
            }
        } catch is Rollback {
            // Stopped early for the validation's problems: they are what the import reports.
            try beforeCommit()
        }
        return result
    }

    /// Calls `body` with each non-blank line's number and decoded content.
    /// `skipping`: kinds whose lines are passed over when their first key says so (not decoded).
    static func forEachLine(_ path: String, skipping: Set<EntityKind> = [], _ body: (Int, Result<JournalLine, LineProblems>) throws -> Void) throws {
        var reader = try LineReader(path: path)
        while let bytes = try reader.next() {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if !skipping.isEmpty, let kind = JournalLineDecoder.leadingKind(bytes), skipping.contains(kind) { continue }
            let parsed: Result<JournalLine, LineProblems>
            if let line = JournalLineDecoder.decode(bytes) {
                // The plain well-formed line, decoded from its bytes (no JSON tree).
                parsed = .success(line)
            } else if let p = JournalText.firstProblem(bytes) {
                parsed = .failure(LineProblems([p.message], column: p.column))
            } else {
                do {
                    parsed = JournalLine.decode(try JSON.parse(bytes: bytes))
                } catch {
                    parsed = .failure(LineProblems(["\(error)"]))
                }
            }
            try body(reader.lineNumber, parsed)
        }
    }
}
