import Foundation
import JournalModel
import SyncModel
import Transport

/// The ЭПОС.Школа counterpart: reads the reference data and walks the four paged journal
/// lists class by class, each by `updated_at` (keyset-like, so rows edited while paging are
/// not skipped) from its own watermark, maps
/// the portal's ids, codes and soft deletes to canonical records, and writes one object per
/// request with `external_id` and `If-Match`.
///
/// Cursor: see ``EPOSCursor`` and docs/adapters/epos.md.
public actor EPOSCounterpart: Counterpart {
    public nonisolated let name = "epos"
    let session: EPOSSession
    let codes: EPOSCodes
    /// The school's zone: a time with an offset becomes a date there.
    let zone: TimeZone
    /// Whether the journal holds the homework of a schedule item (by its id) as agreed with
    /// the portal: an incremental pull then reports a homework removed on the portal as
    /// deleted. Homework is a field of the schedule item here, so the portal has no
    /// tombstone of its own for it.
    let knownHomework: @Sendable (String) -> Bool
    var reference: Reference?
    /// The subject of each schedule item seen (a mark's control form depends on it).
    var lessonSubject: [String: String] = [:]
    /// The class of each schedule item seen: the list it was read from (the rows do not name
    /// it), or the class a create named.
    var lessonClass: [String: String] = [:]
    /// The journal's teachers as the gateway knows them (see ``EPOSTeachers``).
    let teachers: EPOSTeachers
    /// Teachers delivered in this run, and those named by schedule items that the journal
    /// does not know (warned about once).
    var teachersDelivered: Set<String> = []
    var warnedTeachers: Set<String> = []
    /// Our own writes in this run per object: (updated_at before, after). An object written
    /// twice in one push (a lesson, then its homework) is not a conflict with itself.
    var ownWrites: [String: (from: String, to: String)] = [:]
    /// The changes of the page being read, to put back if it breaks the document (nil between pages).
    var undo: [Undo]?
    /// The cursor last handed back, with its text, and the text's parts per class (see ``EPOSCursor/text(cache:)``).
    var lastCursor: (text: String, cursor: EPOSCursor)?
    var cursorParts: [String: EPOSCursor.Segment] = [:]

    /// Rows per page (`per_page`): the most the portal gives, unless a test asks for fewer.
    let perPage: Int
    /// What a person should know about this run that did not stop it: the gateway prints
    /// these on stderr and in the run summary (none so far for ЭПОС).
    public internal(set) var warnings: [String] = []
    /// Subjects and control forms without a table line, taken under the portal's name this run.
    public private(set) var adopted: [AdoptedCode] = []
    /// Absence reasons without a table line: id → (the portal's name, the gap to report).
    var reasonGaps: [Int: (String, UnmappedCode)] = [:]

    func adopt(_ a: AdoptedCode) { if !adopted.contains(a) { adopted.append(a) } }

    /// A parked record mapped again with the code tables as they are now.
    public nonisolated func remap(_ record: RemoteRecord) -> RemoteRecord { codes.remap(record) }

    /// - Parameters:
    ///   - perPage: rows per page, 1…100.
    ///   - knownHomework: see ``knownHomework``; the gateway answers from its identity map.
    ///   - teachers: the journal's teachers, by the ЭПОС id they are bound to and by their own id.
    public init(session: EPOSSession, codes: EPOSCodes, timeZone: TimeZone, perPage: Int = 100, teachers: EPOSTeachers = EPOSTeachers(),
                knownHomework: @escaping @Sendable (String) -> Bool) {
        self.session = session; self.codes = codes; self.zone = timeZone; self.knownHomework = knownHomework; self.teachers = teachers
        self.perPage = min(100, max(1, perPage))
    }

    public nonisolated func accepts(_ kind: EntityKind) -> Bool {
        [.lesson, .homework, .mark, .attendance, .finalMark].contains(kind)
    }

    /// Versions are `updated_at` moments: ordered as instants (an older delivery of a
    /// record is recognised as stale); anything else only equal or unordered.
    public nonisolated func compareVersions(_ a: String, _ b: String) -> ComparisonResult? {
        EPOSTimestamp.compare(a, b) ?? (a == b ? .orderedSame : nil)
    }

    func get(_ path: String, _ query: [(String, String)] = []) async throws -> EPOSResponse {
        try await session.request("GET", path, query: query)
    }

    /// A 200 answer's body, to be read strictly; another status is an error with the portal's words.
    func getOK(_ path: String, _ query: [(String, String)] = []) async throws -> JSONReader {
        try Self.ok(try await get(path, query), PortalViolation.endpoint("GET", path, query))
    }

    static func ok(_ r: EPOSResponse, _ endpoint: String) throws -> JSONReader {
        guard r.status == 200 else {
            throw PortalError(kind: .unexpected, status: r.status, message: "\(endpoint): \(r.errorText)")
        }
        return try JSONReader.body(r.body, endpoint: endpoint)
    }

    // MARK: pull

    /// At most this many (class, list) pairs with nothing new are passed in one call before
    /// the cursor is handed back (so that a failure does not ask them all again).
    static let quietListsPerCall = 25

    public func pull(cursor: String?) async throws -> PullPage {
        var c: EPOSCursor
        let fresh: Bool
        if let cursor {
            // The cursor this adapter handed back last is the one the engine passes on: taken
            // as it is rather than read again from its text (it equals what the text reads as).
            if let last = lastCursor, last.text == cursor {
                c = last.cursor
                fresh = false
            } else {
                guard let parsed = EPOSCursor(cursor) else { return .resetToFull }
                c = parsed
                fresh = true
            }
        } else {
            c = .fullStart
            fresh = false
        }
        let (records, hasMore) = try await pull(&c)
        let text = c.text(cache: &cursorParts)
        // Watermarks this call set are already written as the text reads them back; those of
        // a cursor read from another text (an older form) may not be.
        if fresh, let back = EPOSCursor(text) { c = back }
        assert(EPOSCursor(text) == c, "the cursor kept differs from its text")
        lastCursor = (text, c)
        return .records(records, next: text, hasMore: hasMore)
    }

    /// One call's records and whether more follow; moves `c`.
    private func pull(_ c: inout EPOSCursor) async throws -> ([RemoteRecord], Bool) {
        let ref = try await loadReference()
        if c.position == .reference {
            let records = referencePage(&c, ref)
            c.position = .list(EPOSList.paged[0], "")
            return (records, true)
        }
        // Lists of classes that have nothing new are passed in the same call: one page per answer with rows.
        var quiet = 0
        while case .list(let list, let from) = c.position {
            guard let classID = ref.classOrder.first(where: { from.isEmpty || $0 >= from }) else {
                if advance(&c, after: list, ref) { return ([], false) }
                continue
            }
            c.position = .list(list, classID)
            let (records, done) = try await listPage(list, classID: classID, &c, ref)
            if done {
                if let next = ref.classOrder.first(where: { $0 > classID }) {
                    c.position = .list(list, next)
                } else if advance(&c, after: list, ref) {
                    return (records, false)
                }
            }
            quiet += 1
            if !records.isEmpty || !done || quiet >= Self.quietListsPerCall { return (records, true) }
        }
        return ([], false)
    }

    /// Moves the cursor to the next list's first class; after the last list, ends the pass
    /// (incremental from now on; states of classes the portal no longer has, and those of an
    /// older cursor that every class now has of its own, are dropped). Returns whether the pass ended.
    func advance(_ c: inout EPOSCursor, after list: EPOSList, _ ref: Reference) -> Bool {
        if let i = EPOSList.paged.firstIndex(of: list), i + 1 < EPOSList.paged.count {
            c.position = .list(EPOSList.paged[i + 1], "")
            return false
        }
        c.mode = .since
        c.position = .reference
        let classes = Set(ref.classOrder)
        c.keepClasses(classes)
        return true
    }

    /// The reference records, the teachers the journal already shares with ЭПОС, and per
    /// class the students changed since that class's students' watermark (all of them in a
    /// full pull).
    func referencePage(_ c: inout EPOSCursor, _ ref: Reference) -> [RemoteRecord] {
        var out = ref.records
        // Teachers bound earlier are listed on every run (a full pull's sweep keeps them; unchanged).
        for (id, names) in teachers.bound.sorted(by: { $0.key < $1.key }) {
            out.append(RemoteRecord(.teacher, externalID: id, names))
            teachersDelivered.insert(id)
        }
        var byClass: [String: [(record: RemoteRecord, updatedAt: String)]] = [:]
        for s in ref.students { byClass[s.classID, default: []].append((s.record, s.updatedAt)) }
        for classID in ref.classOrder {
            var state = c.mode == .full ? EPOSListState() : c[classID, .students]
            let students = byClass[classID] ?? []
            var newest = state.watermark
            for s in students {
                if let w = state.watermark {
                    switch EPOSTimestamp.compare(s.updatedAt, w) {
                    case .orderedAscending?: continue
                    case .orderedSame?: if state.seen.contains(s.record.externalID) { continue }
                    default: break
                    }
                }
                out.append(s.record)
                if newest == nil || EPOSTimestamp.compare(s.updatedAt, newest!) == .orderedDescending { newest = s.updatedAt }
            }
            if let newest {
                let atNewest = students.filter { EPOSTimestamp.same($0.updatedAt, newest) }.map(\.record.externalID)
                let kept = EPOSTimestamp.same(newest, state.watermark) ? Array(Set(state.seen + atNewest)).sorted() : atNewest.sorted()
                state = EPOSListState(watermark: EPOSCursor.canonical(newest), page: 1, seen: kept.count > EPOSListState.seenLimit ? [] : kept)
            }
            c[classID, .students] = state
        }
        out += ref.memberships
        return out
    }

    /// One page of a journal list of one class (`class_unit_id`) from that list's watermark:
    /// rows at or after it (`updated_at_from`, compared with `>=`), those already delivered at
    /// the watermark dropped. Returns the records and whether the list is done.
    func listPage(_ list: EPOSList, classID: String, _ c: inout EPOSCursor, _ ref: Reference) async throws -> ([RemoteRecord], Bool) {
        var state = c[classID, list]
        var query: [(String, String)] = [("class_unit_id", classID)]
        if list != .finalMarks {
            query += [("from", ref.yearBegin.description), ("to", ref.yearEnd.description)]
        }
        if let w = state.watermark { query.append(("updated_at_from", w)) }
        query += [("page", String(state.page)), ("per_page", String(perPage))]
        let path = "core/api/" + list.rawValue
        let r = try await get(path, query)
        let rows = try Self.ok(r, PortalViolation.endpoint("GET", path, query)).asObjects()
        // Each row's moment read once, as written and as an instant.
        let stamps = try rows.map { try $0.eposMomentInstant("updated_at") }
        let ids = try rows.map { try $0.eposID("id") }
        let markMS = state.watermark.flatMap(EPOSTimestamp.milliseconds)
        /// `EPOSTimestamp.same(stamp, state.watermark)`.
        func atWatermark(_ s: (text: String, ms: Int64)) -> Bool {
            guard let w = state.watermark else { return false }
            return s.text == w || s.ms == markMS
        }
        // Rows at or after `updated_at_from`, in `updated_at` order (epos.md).
        var low: (text: String, ms: Int64)? = state.watermark.flatMap { w in markMS.map { (w, $0) } }
        for (row, stamp) in zip(rows, stamps) {
            if let f = low, stamp.ms < f.ms {
                throw row.violation(at: "updated_at", expected: f.text == state.watermark ? "a moment at or after updated_at_from=\(f.text)" : "rows in updated_at order",
                                    got: "an earlier moment")
            }
            low = stamp
        }
        var records: [RemoteRecord] = []
        // Nothing of a page that breaks the document is kept (not even the subjects it taught).
        beginPage()
        do {
            for (i, row) in rows.enumerated() {
                if atWatermark(stamps[i]), state.seen.contains(ids[i]) { continue }
                records += try self.records(list, row, classID: classID, mode: c.mode, ref: ref)
            }
        } catch {
            rollbackPage()
            throw error
        }
        commitPage()
        let total = r.header("X-Total-Count").flatMap(Int.init)
        let more = Self.hasNextLink(r.header("Link")) || (total.map { $0 > state.page * perPage } ?? false)
        var done = !more
        if let last = stamps.last {
            let atLast = zip(ids, stamps).filter { $0.1.ms == last.ms }.map(\.0)
            if atWatermark(last) {
                // A block of rows sharing one moment: page on by number inside it.
                state.seen = Array(Set(state.seen + atLast)).sorted()
                state.page = more ? state.page + 1 : 1
            } else {
                // Kept as the cursor's text gives it back (the same instant, in UTC).
                state.watermark = EPOSCursor.canonical(last.text)
                state.seen = atLast.sorted()
                state.page = 1
            }
            if state.seen.count > EPOSListState.seenLimit { state.seen = [] }
        } else {
            done = true
            state.page = 1
        }
        c[classID, list] = state
        return (records, done)
    }

    /// Whether a `Link` header names a `rel="next"`.
    static func hasNextLink(_ link: String?) -> Bool {
        guard let link else { return false }
        return link.split(separator: ",").contains { $0.contains("rel=\"next\"") || $0.contains("rel=next") }
    }
}
