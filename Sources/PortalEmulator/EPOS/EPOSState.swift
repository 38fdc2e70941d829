import Foundation
import JournalModel

/// Counters that `/_emulator/stats` reports for the ЭПОС emulator.
struct EPOSCounters: Sendable {
    /// Writes answered 201, 200 or 204.
    var operationsApplied = 0
    /// 409 answers to a create whose body equals the first one (a client repeating itself).
    var idempotentReplays = 0
    var faultsInjected = 0
    /// Every 409 `duplicate_external_id`.
    var duplicateExternalIDs = 0
    /// Every 412 `precondition_failed`.
    var preconditionFailures = 0
    /// 429 answers of the 10-requests-a-second limit (not faults).
    var rateLimited = 0

    static let names = ["operations_applied", "idempotent_replays", "faults_injected", "duplicate_external_ids",
                        "precondition_failures", "rate_limited"]

    var values: [Int] {
        [operationsApplied, idempotentReplays, faultsInjected, duplicateExternalIDs, preconditionFailures, rateLimited]
    }

    init() {}

    init(_ values: [String: Int]) {
        operationsApplied = values["operations_applied"] ?? 0
        idempotentReplays = values["idempotent_replays"] ?? 0
        faultsInjected = values["faults_injected"] ?? 0
        duplicateExternalIDs = values["duplicate_external_ids"] ?? 0
        preconditionFailures = values["precondition_failures"] ?? 0
        rateLimited = values["rate_limited"] ?? 0
    }
}

/// The whole ЭПОС portal: reference data, the five kinds of objects, and what makes ids and
/// `updated_at` values.
struct EPOSState: Sendable {
    var school: EPOSSchool
    private(set) var records: [EPOSKind: [String: EPOSRecord]] = [:]
    /// `external_id` → id, per kind.
    private(set) var externalIDs: [EPOSKind: [String: String]] = [:]
    /// The next number of a portal-given id (`mk-<n>`), per kind.
    var nextNumber: [EPOSKind: Int] = [:]
    /// The latest `updated_at` given: every change gets a later one, so an edited row always
    /// moves to the end of the order.
    var lastStamp: Int64 = 0
    var counters = EPOSCounters()
    /// Live objects by what must be unique among them (see `uniqueKeys(of:)`), so checks stay
    /// cheap for a large seed.
    private(set) var index: [String: Set<String>] = [:]
    /// Every row of each kind in list order (`updated_at`, then id), kept in step by `put`.
    private var lists: [EPOSKind: EPOSListIndex] = [:]
    /// Each schedule item's lesson date, so a mark or an attendance finds its date in one step.
    private var lessonDates: [String: CivilDate] = [:]
    /// Bumped when what a list filter reads outside a row changes (a lesson's date, a
    /// student's class): the blocks of `lists` recount after it.
    private var listVersion = 0
    /// The same rows per class (see ``EPOSClassLists``), for the lists of one class.
    private var classLists = EPOSClassLists()

    init(school: EPOSSchool) { self.school = school }

    /// The index keys of a live object: a schedule item's slot (class, date, number), an
    /// attendance's pupil and lesson, a final mark's pupil, subject and period, and for marks
    /// and attendance their lesson (the dependants that block its delete).
    static func uniqueKeys(of r: EPOSRecord) -> [String] {
        guard r.isLive else { return [] }
        func key(_ names: [String]) -> String { ([r.kind.rawValue] + names.map { r[$0].string ?? r[$0].serialized() }).joined(separator: "|") }
        switch r.kind {
        case .student: return []
        case .scheduleItem: return [key(["class_unit_id", "date", "lesson_number"])]
        case .mark: return ["on|" + (r.string("schedule_item_id") ?? "")]
        case .attendance: return [key(["student_id", "schedule_item_id"]), "on|" + (r.string("schedule_item_id") ?? "")]
        case .finalMark: return [key(["student_id", "subject_id", "period_id"])]
        }
    }

    /// Live objects under an index key (`uniqueKeys(of:)`).
    func indexed(_ key: String) -> Set<String> { index[key] ?? [] }

    func record(_ kind: EPOSKind, _ id: String) -> EPOSRecord? { records[kind]?[id] }
    func live(_ kind: EPOSKind, _ id: String?) -> EPOSRecord? {
        guard let id, let r = records[kind]?[id], r.isLive else { return nil }
        return r
    }
    func all(_ kind: EPOSKind) -> Dictionary<String, EPOSRecord>.Values { (records[kind] ?? [:]).values }
    func id(forExternal external: String, _ kind: EPOSKind) -> String? { externalIDs[kind]?[external] }

    /// Live objects per kind, as the stats report them.
    var objectCounts: [(String, Int)] {
        EPOSKind.allCases.map { k in (k.rawValue, all(k).reduce(0) { $0 + ($1.isLive ? 1 : 0) }) }
    }

    /// A new `updated_at`: the clock's millisecond, or one after the last one given if the
    /// clock has not moved past it (so stamps strictly increase).
    mutating func stamp(now: Date) -> Int64 {
        lastStamp = max(EPOSTime.milliseconds(now), lastStamp + 1)
        return lastStamp
    }

    /// A fresh portal id for a kind (`mk-5113`).
    mutating func newID(_ kind: EPOSKind) -> String {
        let n = nextNumber[kind] ?? 1
        nextNumber[kind] = n + 1
        return "\(kind.idPrefix)-\(n)"
    }

    /// Stores a record (new or changed): indexes its unique keys and `external_id`, and moves
    /// it to its place in its list.
    mutating func put(_ r: EPOSRecord) {
        let old = records[r.kind]?[r.id]
        if let old {
            for k in Self.uniqueKeys(of: old) { index[k]?.remove(old.id) }
        }
        for k in Self.uniqueKeys(of: r) { index[k, default: []].insert(r.id) }
        reorder(r, old: old)
        records[r.kind, default: [:]][r.id] = r
        if let e = r.externalID { externalIDs[r.kind, default: [:]][e] = r.id }
        lastStamp = max(lastStamp, r.updatedAt, r.deletedAt ?? 0)
        if let n = Self.number(of: r.id, prefix: r.kind.idPrefix), n >= nextNumber[r.kind] ?? 1 { nextNumber[r.kind] = n + 1 }
    }

    /// The number in `mk-5112`, when the id has that shape.
    static func number(of id: String, prefix: String) -> Int? {
        guard id.hasPrefix(prefix + "-") else { return nil }
        return Int(id.dropFirst(prefix.count + 1))
    }

    /// Moves a stored row to its place in its list, and notes what list filters read of it.
    private mutating func reorder(_ r: EPOSRecord, old: EPOSRecord?) {
        if let old { lists[r.kind, default: EPOSListIndex()].remove(EPOSListKey(old)) }
        lists[r.kind, default: EPOSListIndex()].insert(EPOSListKey(r))
        if r.kind == .scheduleItem { lessonDates[r.id] = r.string("date").flatMap(CivilDate.init(iso:)) }
        let readByOthers = r.kind == .scheduleItem ? ["date", "class_unit_id"] : r.kind == .student ? ["class_unit_id"] : []
        if let old, readByOthers.contains(where: { old[$0] != r[$0] }) { listVersion += 1 }
        if classLists.isFiled(r.kind) {
            let classID = classUnitID(of: r) ?? ""
            classLists.moved(r.kind, old.map(EPOSListKey.init), to: EPOSListKey(r), classID: classID, version: listVersion)
        }
    }

    /// One page of a list: the rows at or after `updatedFrom` that pass `filter`, in list
    /// order; how many there are in all, and the ids of `limit` of them after the first `skip`.
    mutating func listPage(_ kind: EPOSKind, updatedFrom: Int64?, filter: EPOSListFilter, skip: Int, limit: Int) -> EPOSListIndex.Page {
        let rows = records[kind] ?? [:]
        var rest = filter
        rest.classID = nil
        func classOf(_ id: String) -> String? {
            guard let r = rows[id], passes(r, rest) else { return nil }
            return classUnitID(of: r) ?? ""
        }
        if let classID = filter.classID {
            // Only that class's rows are walked: all of them are of the class (as of `listVersion`).
            if !classLists.isCurrent(kind, version: listVersion) {
                let keys = lists[kind]?.keys ?? []
                let classes = keys.map { rows[$0.id].flatMap(classUnitID(of:)) ?? "" }
                classLists.rebuild(kind, keys, classes, version: listVersion)
            }
            // Taken out while it counts, as `lists` below.
            var byClass = EPOSClassLists()
            swap(&byClass, &classLists)
            defer { swap(&byClass, &classLists) }
            return byClass.page(kind, classID: classID, updatedFrom: updatedFrom, filter: rest, version: listVersion,
                                skip: skip, limit: limit, classOf: classOf)
        }
        // Taken out while it counts, so that its blocks change in place while `self` is read.
        var list = lists.removeValue(forKey: kind) ?? EPOSListIndex()
        defer { lists[kind] = list }
        return list.page(updatedFrom: updatedFrom, filter: filter, version: listVersion, skip: skip, limit: limit, classOf: classOf)
    }

    /// Whether a row passes a list's filter (`updated_at_from` aside): its class, its period
    /// (final marks), its lesson's date (not final marks).
    func passes(_ r: EPOSRecord, _ filter: EPOSListFilter) -> Bool {
        if let c = filter.classID, classUnitID(of: r) != c { return false }
        if let p = filter.periodID, r.string("period_id") != p { return false }
        if filter.from != nil || filter.to != nil, r.kind != .finalMark {
            guard let d = lessonDate(of: r) else { return false }
            if let from = filter.from, d < from { return false }
            if let to = filter.to, d > to { return false }
        }
        return true
    }

    // MARK: Questions the rules ask

    /// The class of an object: its own, its schedule item's, or its student's (final marks).
    func classUnitID(of r: EPOSRecord) -> String? {
        switch r.kind {
        case .student, .scheduleItem: return r.string("class_unit_id")
        case .mark, .attendance: return record(.scheduleItem, r.string("schedule_item_id") ?? "")?.string("class_unit_id")
        case .finalMark: return record(.student, r.string("student_id") ?? "")?.string("class_unit_id")
        }
    }

    /// The lesson date of a mark, an attendance or a schedule item.
    func lessonDate(of r: EPOSRecord) -> CivilDate? {
        // A schedule item may be a candidate not stored yet: its own field decides.
        if r.kind == .scheduleItem { return r.string("date").flatMap(CivilDate.init(iso:)) }
        return lessonDates[r.string("schedule_item_id") ?? ""]
    }

    /// Today in the school's zone (lessons may not be dated after it: R2).
    func today(now: Date) -> CivilDate { CivilDate.today(in: school.zone, now: now) }
}
