import Foundation
import JournalModel
import SyncModel

/// The change feed (`webapi/changes`), read strictly: `items` an array, `next` and
/// `latest` whole numbers, each item's `kind`, `op`, `ver` and `data` with the identifying
/// fields of its kind (asu-rso.md). A feed whose `ver` went backwards (below the `since`
/// asked for: a restored backup, a reset portal) is a warning and a full pull.
extension ASURSOCounterpart {
    static let feedKinds = ["student", "lesson", "assignment", "mark", "attendance", "finalmark"]

    func pullFeed(since: Int) async throws -> PullPage {
        let query = [("since", String(since)), ("limit", "500")]
        let (status, body, endpoint): (Int, JSON?, String)
        if let held = heldFeedPage, held.since == since {
            (status, body, endpoint) = (held.status, held.body, held.endpoint)
        } else {
            (status, body, endpoint) = try await get("webapi/changes", query)
        }
        heldFeedPage = nil
        if status == 410 {
            _ = try JSONReader.body(body, endpoint: endpoint, status: 410).string("message")
            return .resetToFull
        }
        let page = try Self.ok(status, body, endpoint).asObject()
        let items = try page.objects("items")
        let next = try page.asuVer("next"), latest = try page.asuVer("latest")
        if next < since || latest < since {
            warn("АСУ РСО: the change feed went backwards (asked since=\(since), answered next=\(next), latest=\(latest)): "
                            + "the portal may have been restored from a backup; doing a full pull instead")
            return .resetToFull
        }
        if next > latest { throw page.violation(at: "next", expected: "at most latest (\(latest))", got: String(next)) }
        let ref = try await loadCoreReference()
        // Marks of assignments not seen this run: the journal may know where they sit (one
        // question for the page, answered by the engine from the store), which saves reading
        // the class-week page of each. The page is read again from this answer, not fetched.
        let upserts = Self.markUpserts(items, since: since)
        let unknown = Self.firstSeen(upserts.marks.lazy.map(\.assignment).filter { self.assignments[$0] == nil && self.journalAssignments[$0] == nil })
        if !unknown.isEmpty {
            heldFeedPage = (since, status, body, endpoint)
            return .needs(unknown.map(Self.markPlaceNeed))
        }
        // Marks of assignments the journal does not know either: their lessons' class-week pages
        // are read, and for an old lesson (not on this page) the journal is asked where it sits.
        let unplaced = Self.firstSeen(upserts.marks.lazy.filter { self.assignments[$0.assignment] == nil && (self.journalAssignments[$0.assignment] ?? nil) == nil }
            .compactMap(\.lesson).filter { !upserts.lessons.contains($0) && !self.placeKnownOrAsked($0) })
        if !unplaced.isEmpty {
            heldFeedPage = (since, status, body, endpoint)
            return .needs(unplaced.map { .lessonPlace(lessonExternalID: String($0)) })
        }
        let mark = memory.begin()
        do {
            var records: [RemoteRecord] = []
            var position: [String: Int] = [:]
            var last = since, previous = 0
            for item in items {
                let verField = try item.field("ver"), ver = try verField.asInt(in: 0...Int.max)
                if ver < previous { throw verField.violation(expected: "items in ver order (at least \(previous))", got: String(ver)) }
                if ver > latest { throw verField.violation(expected: "at most latest (\(latest))", got: String(ver)) }
                previous = ver
                let kind = try item.string("kind", oneOf: Self.feedKinds), op = try item.string("op", oneOf: ["upsert", "delete"])
                let data = try item.object("data")
                guard ver > since else { continue }   // edge repeats
                last = max(last, ver)
                // Items come in ver order: a later item for the same object replaces the earlier one.
                for r in try await feedRecords(kind: kind, delete: op == "delete", data: data, ver: ver, ref: ref) {
                    let key = "\(r.kind.rawValue)/\(r.externalID)"
                    if let i = position[key] { records[i] = r } else { position[key] = records.count; records.append(r) }
                }
            }
            let cursor = max(last, next)
            memory.commit(mark)
            return .records(records, next: "feed:\(cursor)", hasMore: cursor < latest)
        } catch {
            memory.rollback(mark)
            throw error
        }
    }

    /// The page's mark upserts after `since` (their assignment, and their lesson when readable),
    /// in order, and the lessons the page itself lists: read leniently, once, for the questions
    /// asked before the page; items that break the document are left to the strict reading that follows.
    static func markUpserts(_ items: [JSONReader], since: Int) -> (marks: [(assignment: Int, lesson: Int?)], lessons: Set<Int>) {
        var marks: [(assignment: Int, lesson: Int?)] = [], lessons = Set<Int>()
        for item in items {
            guard (try? item.string("op")) == "upsert", let kind = try? item.string("kind"), let data = try? item.object("data") else { continue }
            if kind == "lesson", let id = try? data.asuID("classmeetingId") { lessons.insert(id) }
            guard kind == "mark", let ver = try? item.field("ver").asInt(), ver > since, let aid = try? data.asuID("assignmentId") else { continue }
            marks.append((aid, try? data.asuID("classmeetingId")))
        }
        return (marks, lessons)
    }

    /// `ids` without repeats, in order of first appearance.
    static func firstSeen(_ ids: some Sequence<Int>) -> [Int] {
        var seen = Set<Int>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// A class id of the school (from `webapi/classes`).
    func schoolClass(_ data: JSONReader, _ key: String, ref: Reference) throws -> Int {
        let f = try data.field(key), id = try f.asInt()
        guard ref.classes.contains(id) else { throw f.violation(expected: "one of the school's classes (webapi/classes)", got: "class \(id)") }
        return id
    }

    /// Records of one change-feed item. A `delete` needs only the identifying fields.
    func feedRecords(kind: String, delete: Bool, data: JSONReader, ver: Int, ref: Reference) async throws -> [RemoteRecord] {
        let v = String(ver)
        switch kind {
        case "student":
            let id = try data.asuID("id")
            if delete { return [RemoteRecord(.student, externalID: String(id), version: v, deleted: true)] }
            return [try student(data, classID: try schoolClass(data, "classId", ref: ref), version: v)]
        case "lesson":
            let id = try data.asuID("classmeetingId")
            if delete { return [RemoteRecord(.lesson, externalID: String(id), version: v, deleted: true)] }
            let cid = try schoolClass(data, "classId", ref: ref), date = try data.asuDate("date")
            memory.setPlace(id, (cid, date))
            return [try lesson(data, classID: cid, date: date, version: v)]
        case "assignment":
            let id = try data.asuID("id")
            if delete {
                let wasHomework = assignments[id].map { $0.type == ref.homeworkType && $0.weight == 0 } ?? true
                return wasHomework ? [RemoteRecord(.homework, externalID: String(id), version: v, deleted: true)] : []
            }
            return try assignment(data, lessonID: try data.asuID("classMeetingId"), version: v, ref: ref).map { [$0] } ?? []
        case "mark":
            let aid = try data.asuID("assignmentId"), sid = try data.asuID("studentId")
            if delete { return [RemoteRecord(.mark, externalID: "\(aid):\(sid)", version: v, deleted: true)] }
            let lidField = try data.field("classmeetingId"), lid = try lidField.asInt(in: 1...Int.max)
            if !knownAssignment(aid) { try await learnAssignments(ofLesson: lid, ref: ref) }
            guard let m = try mark(data, assignmentID: aid, version: v), let a = assignments[aid] else {
                throw PortalError(kind: .unexpected, status: 200, message: "mark of unknown assignment \(aid) in the change feed")
            }
            if a.lesson != lid { throw lidField.violation(expected: "\(a.lesson) (the lesson of assignment \(aid))", got: String(lid)) }
            return [m]
        case "attendance":
            let lid = try data.asuID("classmeetingId"), sid = try data.asuID("studentId")
            if delete { return [RemoteRecord(.attendance, externalID: "\(lid):\(sid)", version: v, deleted: true)] }
            return [try attendance(data, lessonID: lid, version: v)]
        default:   // finalmark
            let sid = try data.asuID("studentId"), subj = try data.asuID("subjectId"), term = try data.asuID("termId")
            if delete { return [RemoteRecord(.finalMark, externalID: "\(sid):\(subj):\(term)", version: v, deleted: true)] }
            return [try finalMark(data, version: v)]
        }
    }
}
