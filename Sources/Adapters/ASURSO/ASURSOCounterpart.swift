import Foundation
import JournalModel
import SyncModel
import Transport

/// The АСУ РСО counterpart: pulls class-week pages (full) or the change feed
/// (incremental), maps the platform's ids and codes to canonical records, and pushes
/// operations through `journal/batch`.
///
/// Cursors: `full:<page>:<feed start>` while a full pull runs, `feed:<ver>` after.
/// See docs/adapters/asu-rso.md.
public actor ASURSOCounterpart: Counterpart {
    public nonisolated let name = "asu-rso"
    let session: ASURSOSession
    let codes: ASURSOCodes
    let zone: TimeZone
    let today: CivilDate
    var reference: Reference?
    /// The reference without the class lists (``loadCoreReference()``), while no full one was read.
    var coreReference: Reference?
    /// Assignments and lessons seen this run (ASURSOMemory.swift): id → (lesson, type,
    /// weight), (lesson, type, weight) → id for marks, lesson id → (class, date) to fetch
    /// the page of a lesson when needed.
    var memory = ASURSOMemory()
    var assignments: [Int: (lesson: Int, type: Int, weight: Int)] { memory.assignments }
    var assignmentBySlot: [String: Int] { memory.slots }
    var lessonPlace: [Int: (classID: Int, date: CivilDate)] { memory.places }

    public internal(set) var requests = 0
    /// What a person should know about this run that did not stop it (a feed whose `ver`
    /// went backwards): the gateway prints these on stderr and in the run summary.
    public private(set) var warnings: [String] = []

    /// Records a warning for the run's summary.
    func warn(_ text: String) { if !warnings.contains(text) { warnings.append(text) } }
    /// Subjects and assignment types without a table line, taken under the portal's name this run.
    public private(set) var adopted: [AdoptedCode] = []

    func adopt(_ a: AdoptedCode) { if !adopted.contains(a) { adopted.append(a) } }

    /// A parked record mapped again with the code tables as they are now.
    public nonisolated func remap(_ record: RemoteRecord) -> RemoteRecord { codes.remap(record) }
    /// Lessons the journal was asked about (``PullNeed/lessonPlace(lessonExternalID:)``) and
    /// what it answered, their class and date (nil: it shares no such lesson): needed when the
    /// feed names, or a new mark goes to, an old lesson whose assignments this run has not seen.
    var journalPlaces: [Int: (classID: Int, date: CivilDate)?] = [:]

    /// The journal's place of a lesson, as it answered.
    func journalLessonPlace(_ lessonID: Int) -> (classID: Int, date: CivilDate)? { journalPlaces[lessonID] ?? nil }

    /// Whether the lesson's place is known this run (seen) or was asked about.
    func placeKnownOrAsked(_ lessonID: Int) -> Bool { lessonPlace[lessonID] != nil || journalPlaces[lessonID] != nil }

    /// Assignments the journal was asked about (``PullNeed/markPlace(externalIDsFrom:below:)``)
    /// and what it answered (nil: it holds no mark of it).
    var journalAssignments: [Int: (lesson: Int, type: Int, weight: Int)?] = [:]

    /// The change-feed answer the page after `since` was read from, kept while the journal
    /// answers what the page asked (the page is then read again from it, not fetched again).
    var heldFeedPage: (since: Int, status: Int, body: JSON?, endpoint: String)?

    public func answer(_ answers: [PullNeed: PullAnswer]) async {
        for (need, answer) in answers {
            switch (need, answer) {
            case (.markPlace(let from, _), .markPlace(let lesson, let type, let weight)):
                guard let id = Int(from.dropLast()) else { continue }
                if let l = Int(lesson), let t = Int(type) { journalAssignments[id] = (l, t, weight) } else { journalAssignments[id] = .some(nil) }
            case (.markPlace(let from, _), _):
                if let id = Int(from.dropLast()) { journalAssignments[id] = .some(nil) }
            case (.lessonPlace(let lesson), .lessonPlace(let cls, let date)):
                guard let id = Int(lesson) else { continue }
                journalPlaces[id] = Int(cls).map { ($0, date) } ?? .some(nil)
            case (.lessonPlace(let lesson), _):
                if let id = Int(lesson) { journalPlaces[id] = .some(nil) }
            }
        }
    }

    /// The lessons of the new marks among `ops` whose assignment this run has not seen and
    /// whose place is neither seen nor asked: the journal is asked where they sit, so that
    /// their class-week pages can be read for the assignments (``ensureAssignments(for:ref:)``).
    public func needs(before ops: [OutboundOperation]) async -> [PullNeed] {
        var out: [PullNeed] = []
        var seen = Set<Int>()
        for op in ops where op.kind == .mark && op.op == .upsert && Self.split(op.externalID) == nil && assignmentBySlot[slot(op)] == nil {
            guard let lid = op.fields[Mark.lesson].text.flatMap(Int.init), !placeKnownOrAsked(lid), seen.insert(lid).inserted else { continue }
            out.append(.lessonPlace(lessonExternalID: String(lid)))
        }
        return out
    }

    /// The question for assignment `id`: its marks' ids are `id:STUDENT` (":" < ";").
    static func markPlaceNeed(_ id: Int) -> PullNeed { .markPlace(externalIDsFrom: "\(id):", below: "\(id);") }

    /// Whether the assignment's lesson, type and weight are known: seen in this run, else
    /// as the journal answered (and remembered).
    func knownAssignment(_ id: Int) -> Bool {
        if assignments[id] != nil { return true }
        guard let answered = journalAssignments[id], let a = answered else { return false }
        memory.setAssignment(id, a)
        memory.claimSlot("\(a.lesson)/\(a.type)/\(a.weight)", id)
        return true
    }

    public init(session: ASURSOSession, codes: ASURSOCodes, timeZone: TimeZone, today: CivilDate) {
        self.session = session; self.codes = codes; self.zone = timeZone; self.today = today
    }

    public nonisolated func accepts(_ kind: EntityKind) -> Bool {
        [.lesson, .homework, .mark, .attendance, .finalMark].contains(kind)
    }

    /// Reference data, read once per run.
    struct Reference {
        var yearID: Int
        var yearStart: CivilDate
        var terms: [(id: Int, start: CivilDate)]
        var types: [Int: (abbr: String, name: String)]
        var homeworkType: Int?
        var classes: [Int]
        /// The classes in the order `webapi/classes` lists them.
        var listedClasses: [Int]
        /// Each pupil's class, from the class lists.
        var classOf: [Int: Int]
        var records: [RemoteRecord]
        var maxVer: Int
    }

    /// A GET: its status, body (nil when empty) and endpoint (for messages).
    func get(_ path: String, _ query: [(String, String)] = []) async throws -> (Int, JSON?, String) {
        requests += 1
        let r = try await session.request("GET", path, query: query)
        return (r.status, r.body, PortalViolation.endpoint("GET", path, query))
    }

    /// A 200 answer's body, to be read strictly; another status is an error with the portal's message.
    static func ok(_ status: Int, _ body: JSON?, _ endpoint: String) throws -> JSONReader {
        guard status == 200 else {
            throw PortalError(kind: .unexpected, status: status, message: "\(endpoint): \(body?["message"]?.string ?? "HTTP \(status)")")
        }
        return try JSONReader.body(body, endpoint: endpoint)
    }

    func getOK(_ path: String, _ query: [(String, String)] = []) async throws -> JSONReader {
        let (status, body, endpoint) = try await get(path, query)
        return try Self.ok(status, body, endpoint)
    }

    // MARK: pull

    public func pull(cursor: String?) async throws -> PullPage {
        let parts = (cursor ?? "full:0:").split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.first == "feed", parts.count == 2, let since = Int(parts[1]) {
            return try await pullFeed(since: since)
        }
        let page = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        var feedStart = parts.count > 2 ? Int(parts[2]) : nil
        let ref = try await loadReference()
        if page == 0 {
            // Where the change feed will start once the full pull is done: its newest ver now
            // (410: the feed keeps nothing that old; the newest pupil ver stands in).
            let (status, body, endpoint) = try await get("webapi/changes", [("since", "0"), ("limit", "1")])
            if status == 410 {
                _ = try JSONReader.body(body, endpoint: endpoint, status: 410).string("message")
                feedStart = ref.maxVer
            } else {
                let feed = try Self.ok(status, body, endpoint)
                _ = try feed.objects("items")
                feedStart = try feed.asuVer("latest")
            }
            return .records(ref.records, next: "full:1:\(feedStart ?? ref.maxVer)", hasMore: true)
        }
        let weeks = weekStarts(from: ref.yearStart)
        let journalPages = ref.classes.count * weeks.count
        let start = feedStart ?? ref.maxVer
        if page <= journalPages {
            let i = page - 1
            let classID = ref.classes[i / weeks.count], week = weeks[i % weeks.count]
            let body = try await getOK("webapi/journal", [("classId", String(classID)), ("weekStart", week.description)])
            let records = try journalRecords(body, classID: classID, week: week, ref: ref)
            return .records(records, next: "full:\(page + 1):\(start)", hasMore: true)
        }
        let termIndex = page - journalPages - 1
        let started = ref.terms.filter { $0.start <= today }
        if termIndex < started.count * ref.classes.count {
            let term = started[termIndex / ref.classes.count], classID = ref.classes[termIndex % ref.classes.count]
            let body = try await getOK("webapi/finalmarks", [("classId", String(classID)), ("termId", String(term.id))])
            let records = try finalMarkRecords(body, classID: classID, termID: term.id, ref: ref)
            return .records(records, next: "full:\(page + 1):\(start)", hasMore: true)
        }
        return .records([], next: "feed:\(start)", hasMore: false)
    }

    /// Mondays from the start of the year up to this week.
    func weekStarts(from start: CivilDate) -> [CivilDate] {
        var out: [CivilDate] = []
        var w = start.weekStart
        while w <= today { out.append(w); w = w.adding(days: 7) }
        return out
    }
}
