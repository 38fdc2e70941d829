import Foundation
import Adapters
import JournalModel
import JournalStore
import SyncEngine

/// How a list is read: the whole school (`snapshot`) or only the rows given (`delta`).
public enum ContingentMode: String, Sendable { case snapshot, delta }

/// What a contingent import did (or, with `--dry-run`, would do).
public struct ContingentImportResult: Sendable {
    public var created = 0, updated = 0, unchanged = 0
    public var arrived: [String] = []
    public var withdrawn: [String] = []
    public var transferred: [(file: String, from: String, to: String)] = []
    public var renamed: [(file: String, from: String, to: String)] = []
    public var warnings: [ContingentWarning] = []
    /// Withdrawals the brake held back (personal-file numbers): more than
    /// ``ContingentImporter/withdrawalLimitPercent`` of the active pupils, unconfirmed.
    public var withdrawalsHeld: [String] = []
    /// Fields queued because the list and the journal changed them differently.
    public var conflicts = 0
    /// Active pupils in the store before the import (what the brake counts against).
    public var activeBefore = 0
    public var date: CivilDate
    public var mode: ContingentMode
    public var dryRun = false

    public func json() -> JSON {
        .object([
            ("created", .int(created)), ("updated", .int(updated)), ("unchanged", .int(unchanged)),
            ("arrived", .array(arrived.map(JSON.string))), ("withdrawn", .array(withdrawn.map(JSON.string))),
            ("transferred", .array(transferred.map { .object([("file", .string($0.file)), ("from", .string($0.from)), ("to", .string($0.to))]) })),
            ("renamed", .array(renamed.map { .object([("file", .string($0.file)), ("from", .string($0.from)), ("to", .string($0.to))]) })),
            ("warnings", .array(warnings.map { .object([("line", .int($0.line)), ("column", $0.column.map(JSON.string) ?? .null),
                                                        ("message", .string($0.message))]) })),
            ("date", .string(date.description)), ("mode", .string(mode.rawValue)), ("dry_run", .bool(dryRun)),
            ("withdrawals_held", .array(withdrawalsHeld.map(JSON.string))), ("conflicts", .int(conflicts)),
        ])
    }

    /// The summary for people in language `l` (the catalogue's ``ContingentText``).
    func text(file: String, _ l: Language = .english) -> String {
        func say(_ t: ContingentText, _ args: [String: String] = [:]) -> String { t.text(l, args) }
        var lines = [say(dryRun ? .wouldImport : .imported, ["file": file, "mode": mode.rawValue, "date": date.russian, "created": "\(created)",
                                                             "updated": "\(updated)", "unchanged": "\(unchanged)"])]
        if !arrived.isEmpty { lines.append(say(.arrived, ["files": arrived.joined(separator: ", ")])) }
        if !withdrawn.isEmpty { lines.append(say(.withdrawn, ["files": withdrawn.joined(separator: ", ")])) }
        for t in transferred { lines.append(say(.transferred, ["file": t.file, "from": t.from, "to": t.to])) }
        for r in renamed { lines.append(say(.renamed, ["file": r.file, "from": r.from, "to": r.to])) }
        if !withdrawalsHeld.isEmpty { lines.append(say(.withdrawalsHeld, ["files": withdrawalsHeld.joined(separator: ", ")])) }
        if conflicts > 0 { lines.append(say(dryRun ? .conflictsWouldWait : .conflictsWait, ["n": "\(conflicts)"])) }
        return lines.joined(separator: "\n")
    }

    /// The warnings for standard error: `warning: FILE:LINE[:COLUMN]: message` (the message is the reader's, in English).
    func warningLines(file: String, _ l: Language = .english) -> [String] {
        warnings.map { ContingentText.warning.text(l, ["place": $0.located(in: file)]) }
    }

    /// Why the withdrawals were held and what to do, or nil when none were. Personal-file
    /// numbers only: never a name beside a СНИЛС.
    func heldExplanation(file: String, _ l: Language = .english) -> String? {
        guard !withdrawalsHeld.isEmpty else { return nil }
        func say(_ t: ContingentText, _ args: [String: String] = [:]) -> String { t.text(l, args) }
        let percent = String(format: "%.1f", Double(withdrawalsHeld.count) * 100 / Double(max(activeBefore, 1)))
        return say(.held, ["file": file, "n": "\(withdrawalsHeld.count)", "active": "\(activeBefore)", "percent": percent,
                           "limit": "\(ContingentImporter.withdrawalLimitPercent)"])
            + (dryRun ? "" : say(.heldImported))
            + say(.heldFiles, ["files": withdrawalsHeld.prefix(30).joined(separator: ", ")])
            + (withdrawalsHeld.count > 30 ? say(.heldMore, ["n": "\(withdrawalsHeld.count - 30)"]) : ". ")
            + say(.heldAdvice)
    }
}

/// Turns a secretary's class list into students, classes, guardians and movements.
///
/// Rows are matched to known students by personal-file number, then СНИЛС, then
/// surname + name + patronymic + birth date. In snapshot mode a known student missing
/// from the list is withdrawn (a movement; the journal stays), unless that would withdraw
/// more than 10% of the active pupils unconfirmed: then the withdrawals are held. Empty cells never erase
/// what the store knows. Everything is checked first, then written in one transaction.
public struct ContingentImporter {
    public let store: JournalStore
    public let origin: Origin
    /// mappings/policy.tsv: who wins a pupil's field that the list and the journal both changed.
    public var policy = PolicyTable.defaults

    public init(store: JournalStore, origin: Origin) { self.store = store; self.origin = origin }

    /// A snapshot may withdraw at most this share of the active pupils without `--confirm-withdrawals`.
    public static let withdrawalLimitPercent = 10

    public func run(path: String, columns: ColumnMap, mode: ContingentMode, date: CivilDate?, sheet: String?, dryRun: Bool,
                    confirmWithdrawals: Bool = false) throws -> ContingentImportResult {
        let list: ContingentList
        do { list = try ContingentReader.read(path: path, columns: columns, sheet: sheet) } catch let e as ContingentError {
            throw GatewayError.badInput(e.description)
        }
        var plan = try ContingentPlan(store: store, list: list, file: path, mode: mode,
                                      date: date ?? list.titleDate ?? store.today, confirmWithdrawals: confirmWithdrawals,
                                      policy: ContingentPlan.contingentPolicy(policy))
        if !plan.errors.isEmpty {
            throw GatewayError.badInput(.problems, ["n": "\(plan.errors.count)"], at: .init(path), details: plan.errors)
        }
        plan.result.dryRun = dryRun
        plan.result.conflicts = plan.conflicts.count
        if !dryRun {
            try store.transaction {
                for r in plan.writes {
                    do { try store.write(r, origin: origin) } catch let e as StoreFailure where e.category == .constraint {
                        // What the plan could not foresee: the store's gate (or a key) refuses the row.
                        throw GatewayError.badInput(.refusesRecord, at: .init(path), details: ["\(path): \(e.message)"])
                    }
                }
                for (kind, id) in plan.deletions { try store.delete(kind, id: id, origin: origin) }
                let version = plan.result.date.description
                for b in plan.bases {
                    try store.setSyncBase(counterpart: ContingentPlan.counterpart, .student, localID: b.id, SyncBase(fields: b.fields, version: version, epoch: 0))
                }
                for (id, c) in plan.conflicts {
                    try store.insertConflict(counterpart: ContingentPlan.counterpart, .student, localID: id, field: c.field, base: c.base,
                                             local: c.local, remote: c.remote, remoteVersion: version, policy: c.reason, runID: origin.runID)
                }
            }
        }
        return plan.result
    }
}
