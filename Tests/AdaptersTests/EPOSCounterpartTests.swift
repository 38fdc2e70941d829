import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing
import JournalModel
import PortalEmulator
import SyncModel
import Transport
@testable import Adapters

let eposSeed = packageRoot.path + "/samples/epos"

/// The sample ЭПОС emulator without its rate limit (tests pace nothing), unless told otherwise.
func eposEmulator(_ configure: (inout EPOSEmulatorOptions) -> Void = { _ in }) throws -> RunningEPOSEmulator {
    var o = EPOSEmulatorOptions(seedDir: eposSeed, requestsPerSecond: nil)
    configure(&o)
    return try EPOSEmulator.start(o)
}

func eposCounterpart(_ e: RunningEPOSEmulator, pace: Int? = nil, perPage: Int = 100,
                     knownHomework: @escaping @Sendable (String) -> Bool = { _ in true }) throws -> (EPOSCounterpart, EPOSSession) {
    var policy = RetryPolicy()
    policy.baseDelay = .milliseconds(5)
    policy.maxDelay = .milliseconds(50)
    policy.maxAttempts = 8
    let session = EPOSSession(client: HTTPClient(policy: policy),
                              account: EPOSAccount(baseURL: e.url, schoolID: e.schoolID, login: e.login, password: e.password),
                              requestsPerSecond: pace)
    let c = EPOSCounterpart(session: session, codes: try EPOSCodes(directory: packageRoot.path + "/mappings/epos"),
                            timeZone: TimeZone(identifier: "Asia/Yekaterinburg")!, perPage: perPage, teachers: sampleTeachers,
                            knownHomework: knownHomework)
    return (c, session)
}

/// The journal's teachers of `samples/journal/week.jsonl` (t-301…), as the gateway gives them
/// to the adapter before the first sync (none bound yet).
let sampleTeachers: EPOSTeachers = {
    var journal: [String: FieldValues] = [:]
    let text = (try? String(contentsOfFile: packageRoot.path + "/samples/journal/week.jsonl", encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") where line.contains(#""type": "teacher""#) {
        guard let j = try? JSON.parse(String(line)), let id = j["id"]?.string else { continue }
        journal[id] = FieldValues(.teacher, checked: ["surname": FieldValue(j["surname"]?.string), "name": FieldValue(j["name"]?.string), "patronymic": FieldValue(j["patronymic"]?.string)])
    }
    return EPOSTeachers(journal: journal)
}()

/// Pulls from `cursor` until the counterpart has nothing more; returns the records and the last cursor.
func pullAll(_ c: EPOSCounterpart, from cursor: String? = nil) async throws -> ([RemoteRecord], String) {
    var all: [RemoteRecord] = []
    var cursor = cursor
    for _ in 0..<10_000 {
        switch try await c.pull(cursor: cursor) {
        case .records(let r, let next, let more):
            all += r
            cursor = next
            if !more { return (all, next) }
        case .resetToFull:
            cursor = nil
        case .needs(let needs):
            Issue.record("ЭПОС asks the journal nothing, but asked \(needs)")
            return (all, cursor ?? "")
        }
    }
    Issue.record("the pull never ended")
    return (all, cursor ?? "")
}

func editOp(_ op: String, _ kind: String, _ id: String? = nil, _ data: [(String, JSON)] = []) -> JSON {
    var pairs: [(String, JSON)] = [("op", .string(op)), ("kind", .string(kind))]
    if let id { pairs.append(("id", .string(id))) }
    if !data.isEmpty { pairs.append(("data", .object(data))) }
    return .object(pairs)
}

struct EPOSCounterpartTests {
    @Test func aFullPullMapsEveryRow() async throws {
        let e = try eposEmulator()
        defer { e.stop() }
        let (c, _) = try eposCounterpart(e)
        let (records, cursor) = try await pullAll(c)
        func of(_ k: EntityKind) -> [RemoteRecord] { records.filter { $0.kind == k } }
        let objects = e.stats()["objects"]
        #expect(of(.student).count == objects?["student"]?.int)
        #expect(of(.lesson).filter { !$0.deleted }.count == objects?["schedule_item"]?.int)
        #expect(of(.mark).filter { !$0.deleted }.count == objects?["mark"]?.int)
        #expect(of(.attendance).count == objects?["attendance"]?.int)
        #expect(of(.finalMark).count == objects?["final_mark"]?.int)
        // Soft deletes are tombstones: the cancelled lesson (and its homework slot) and mk-5112.
        #expect(Set(records.filter(\.deleted).map { "\($0.kind.rawValue) \($0.externalID)" }) == ["lesson si-1081", "homework si-1081", "mark mk-5112"])
        #expect(cursor.hasPrefix("v2:since:ref|"))
        // Names as the journal writes them.
        #expect(of(.year).first?.fields["name"] == .text("2026/2027"))
        #expect(Set(of(.classUnit).compactMap { $0.fields["name"].text }) == ["1А", "5А", "5Б", "9А"])
        #expect(Set(of(.group).compactMap { $0.fields["name"].text }) == ["1 гр.", "2 гр."])
        #expect(of(.workType).contains { $0.externalID == "Контрольная работа" })
        // The substitution: ЭПОС names who taught (t-302) and whom they replaced (t-301).
        let sub = try #require(of(.lesson).first { $0.externalID == "si-1042" })
        #expect(sub.fields["teacher"] == .text("t-301") && sub.fields["substitute"] == .text("t-302"))
        // Codes: «зачёт» spelled out, the «точка» without a value, lateness and reasons by name.
        #expect(of(.mark).first { $0.externalID == "mk-5109" }?.fields["value"] == .text("зачёт"))
        let point = try #require(of(.mark).first { $0.externalID == "mk-5108" })
        #expect(point.fields["point"] == .int(1) && point.fields["value"] == .null && point.fields["work_type"] == .text("Контрольная работа"))
        #expect(of(.attendance).first { $0.externalID == "at-7014" }?.fields["kind"] == .text("late"))
        #expect(of(.attendance).first { $0.externalID == "at-7016" }?.fields["reason"] == .text("УП"))
        #expect(of(.attendance).first { $0.externalID == "at-7001" }?.fields["reason"] == .null)
        #expect(of(.student).first { $0.externalID == "st-4009" }?.fields["class"] == .text("cu-5a"))
    }

    @Test func timesAtHalfPastMidnightKeepTheSchoolsDates() async throws {
        // The emulator's clock stands at 00:30 in Perm on 12 September: a change then is stamped
        // `2026-09-12T00:30:…+05:00`, still 11 September in UTC and in Samara.
        let e = try eposEmulator { $0.clock = { Date(timeIntervalSince1970: 1_789_155_000) } }
        defer { e.stop() }
        let (c, _) = try eposCounterpart(e)
        let (records, cursor) = try await pullAll(c)
        // mk-5109 was saved at 00:30 on 12 September; its lesson is on 11 September.
        let mark = try #require(records.first { $0.externalID == "mk-5109" })
        let lesson = try #require(records.first { $0.kind == .lesson && $0.externalID == mark.fields["lesson"].text })
        #expect(lesson.fields["date"] == .text("2026-09-11"))
        #expect(mark.version == "2026-09-12T00:30:00.000+05:00")
        // si-1037 (9 September) got its homework at 00:30 on 10 September: due date as written.
        let hw = try #require(records.first { $0.kind == .homework && $0.externalID == "si-1037" })
        #expect(hw.fields["due"] == .text("2026-09-10") && hw.fields["lesson"] == .text("si-1037"))
        // Changed again at 00:30 local: the incremental pull (`updated_at_from` with its `+05:00`) sees it.
        _ = e.edit([editOp("update", "mark", "mk-5109", [("value", .string("незачёт"))])])
        let (changes, _) = try await pullAll(c, from: cursor)
        let changed = try #require(changes.first { $0.externalID == "mk-5109" })
        #expect(changed.fields["value"] == .text("незачёт") && changed.fields["lesson"] == mark.fields["lesson"])
        #expect(EPOSTimestamp.civilDate(changed.version ?? "", in: TimeZone(identifier: "Asia/Yekaterinburg")!)?.description == "2026-09-12")
        #expect(!changes.contains { $0.externalID == "mk-5001" }, "an incremental pull brings only what changed")
    }

    @Test func rowsMovedWhilePagingAreNotSkipped() async throws {
        // Small pages and a row touched after every other page: a page-number pager would skip rows.
        let e = try eposEmulator { $0.faults = try! FaultSpec(parsing: "mutate-while-paging=0.5"); $0.seed = 7 }
        defer { e.stop() }
        let (c, _) = try eposCounterpart(e, perPage: 10)
        let (records, cursor) = try await pullAll(c)
        let all = Set((e.stateDocument()["marks"]?.array ?? []).compactMap { $0["id"]?.string })
        #expect(Set(records.filter { $0.kind == .mark }.map(\.externalID)) == all)
        #expect(Set(records.filter { $0.kind == .lesson }.map(\.externalID)).count == 81)
        #expect((e.stats()["faults_injected"]?.int ?? 0) > 3)
        // Nothing changed since (touches only): the next round brings back at most the touched rows.
        let (again, _) = try await pullAll(c, from: cursor)
        #expect(again.filter { $0.kind == .mark }.count < 30)
    }

    @Test func tiesAtOneMomentLongerThanAPageArePagedByNumber() async throws {
        // Pages of 2 over marks: the three test marks of 5-А on 11 September share one `updated_at`.
        let e = try eposEmulator()
        defer { e.stop() }
        let (c, _) = try eposCounterpart(e, perPage: 2)
        let (records, _) = try await pullAll(c)
        #expect(Set(records.filter { $0.kind == .mark }.map(\.externalID)).count == 112)
        #expect(records.filter { $0.kind == .mark }.count == 112, "each row once")
    }

    @Test func createsAreIdempotentByExternalID() async throws {
        let e = try eposEmulator()
        defer { e.stop() }
        let (c, _) = try eposCounterpart(e)
        _ = try await pullAll(c)
        // st-4021 (9-А) has no physics mark of «Самостоятельная работа» on si-1077.
        let op = OutboundOperation(key: "k-create-1", kind: .mark, localID: "m1", externalID: nil, op: .upsert,
                                   fields: ["lesson": .text("si-1077"), "student": .text("st-4022"), "work_type": .text("Самостоятельная работа"),
                                            "value": .text("4"), "point": .int(0), "weight": .int(1)],
                                   changed: ["lesson", "student", "work_type", "value", "weight"], baseVersion: nil)
        guard case .applied(let id, let version)? = try await c.push([op]).first else { Issue.record("not applied"); return }
        #expect(id.hasPrefix("mk-") && version != nil)
        // Sent again (a lost answer, a killed run): 409 duplicate_external_id, taken as done.
        guard case .applied(let again, _)? = try await c.push([op]).first else { Issue.record("a repeat is done"); return }
        #expect(again == id)
        #expect(e.stats()["duplicate_external_ids"]?.int == 1)
        #expect(e.stats()["objects"]?["mark"]?.int == 112)
        // The key's object edited on the portal since: the repeat answers what the portal holds.
        _ = e.edit([editOp("update", "mark", id, [("value", .string("3"))])])
        guard case .conflict(let current)? = try await c.push([op]).first else { Issue.record("a changed object is a conflict"); return }
        #expect(current.externalID == id && current.fields["value"] == .text("3"))
    }

    @Test func updatesCheckTheBaseAndAnswer412RacesWithTheCurrentObject() async throws {
        let armed = Mutex<String?>(nil)
        let box = EmulatorBox()
        let e = try eposEmulator {
            $0.log = { line in
                // Right after the adapter reads the object, a portal user changes it.
                guard let target = armed.withLock({ $0 }), line.hasPrefix("GET /core/api/marks/\(target) ") else { return }
                armed.withLock { $0 = nil }
                _ = box.emulator?.edit([editOp("update", "mark", target, [("weight", .int(3))])])
            }
        }
        box.emulator = e
        defer { e.stop() }
        let (c, _) = try eposCounterpart(e)
        let (records, _) = try await pullAll(c)
        let m1 = try #require(records.first { $0.externalID == "mk-5001" })
        let m2 = try #require(records.first { $0.externalID == "mk-5002" })
        func change(_ r: RemoteRecord, key: String, value: String) -> OutboundOperation {
            var f = r.fields
            f["value"] = .text(value)
            return OutboundOperation(key: key, kind: .mark, localID: r.externalID, externalID: r.externalID, op: .upsert,
                                     fields: f, changed: [Mark.value], baseVersion: r.version)
        }
        // At the base version: applied with If-Match.
        guard case .applied(_, let v1)? = try await c.push([change(m1, key: "u1", value: "5")]).first else { Issue.record("not applied"); return }
        #expect(v1 != m1.version)
        // Edited on the portal between the pull and the push: the current object, not an overwrite.
        _ = e.edit([editOp("update", "mark", "mk-5002", [("value", .string("2"))])])
        guard case .conflict(let cur)? = try await c.push([change(m2, key: "u2", value: "5")]).first else { Issue.record("expected a conflict"); return }
        #expect(cur.fields["value"] == .text("2"))
        // Edited between the adapter's read and its PUT: 412, read again, answered as a conflict.
        let m3 = try #require(records.first { $0.externalID == "mk-5003" })
        armed.withLock { $0 = "mk-5003" }
        guard case .conflict(let raced)? = try await c.push([change(m3, key: "u3", value: "2")]).first else { Issue.record("expected a conflict"); return }
        #expect(raced.fields["weight"] == .int(3) && raced.fields["value"] == m3.fields["value"])
        #expect(e.stats()["precondition_failures"]?.int == 1)
        let portal = (e.stateDocument()["marks"]?.array ?? []).first { $0["id"]?.string == "mk-5003" }
        #expect(portal?["value"]?.string == m3.fields["value"].text, "the portal's object was not overwritten")
    }

    @Test func refusalsNameTheFieldAndDeletesBecomeTombstones() async throws {
        let e = try eposEmulator()
        defer { e.stop() }
        let (c, _) = try eposCounterpart(e)
        let (records, cursor) = try await pullAll(c)
        // A pupil of 5-А on a 9-А lesson: 422 with details.
        let wrong = OutboundOperation(key: "k-422", kind: .mark, localID: "m9", externalID: nil, op: .upsert,
                                      fields: ["lesson": .text("si-1077"), "student": .text("st-4007"), "work_type": .text("Ответ на уроке"),
                                               "value": .text("5"), "point": .int(0)], changed: [], baseVersion: nil)
        guard case .rejected(let message)? = try await c.push([wrong]).first else { Issue.record("expected a refusal"); return }
        #expect(message.contains("«student_id»"), "\(message)")
        // «н/а» never reaches the portal: the code table has no line for it.
        var na = wrong
        na.key = "k-na"; na.fields["student"] = .text("st-4022"); na.fields["value"] = .text("н/а")
        guard case .rejected(let m2)? = try await c.push([na]).first else { Issue.record("expected a refusal"); return }
        #expect(m2.contains("«н/а»") && m2.contains("mark_values.tsv"))
        // A delete with If-Match; the next pull delivers the tombstone.
        let mark = try #require(records.first { $0.externalID == "mk-5010" })
        let del = OutboundOperation(key: "k-del", kind: .mark, localID: "m10", externalID: "mk-5010", op: .delete, fields: [:], changed: [],
                                    baseVersion: mark.version)
        guard case .applied? = try await c.push([del]).first else { Issue.record("not deleted"); return }
        let (changes, _) = try await pullAll(c, from: cursor)
        #expect(changes.contains { $0.externalID == "mk-5010" && $0.deleted })
        // Deleting it again is done already.
        guard case .applied? = try await c.push([del]).first else { Issue.record("a second delete is done"); return }
    }

    @Test func homeworkIsWrittenIntoItsScheduleItem() async throws {
        let e = try eposEmulator()
        defer { e.stop() }
        let (c, _) = try eposCounterpart(e, knownHomework: { $0 == "si-1078" })
        let (records, cursor) = try await pullAll(c)
        let lesson = try #require(records.first { $0.kind == .lesson && $0.externalID == "si-1079" })
        // A lesson change and a new homework for the same schedule item in one push.
        var topic = lesson.fields
        topic["topic"] = .text("Безударные гласные в корне")
        let ops = [
            OutboundOperation(key: "l1", kind: .lesson, localID: "l1", externalID: "si-1079", op: .upsert, fields: topic, changed: [Lesson.topic],
                              baseVersion: lesson.version),
            OutboundOperation(key: "h1", kind: .homework, localID: "h1", externalID: nil, op: .upsert,
                              fields: ["lesson": .text("si-1079"), "text": .text("Упр. 5"), "due": .text("2026-09-14")],
                              changed: ["lesson", "text", "due"], baseVersion: nil),
        ]
        let results = try await c.push(ops)
        guard results.count == 2, case .applied = results[0], case .applied(let hwID, _) = results[1] else { Issue.record("\(results)"); return }
        #expect(hwID == "si-1079")
        // Removed on the portal: the incremental pull reports the homework it knew as deleted.
        _ = e.edit([editOp("update", "schedule_item", "si-1078", [("homework", .null)])])
        let (changes, _) = try await pullAll(c, from: cursor)
        #expect(changes.contains { $0.kind == .homework && $0.externalID == "si-1079" && $0.fields["text"] == .text("Упр. 5") })
        #expect(changes.contains { $0.kind == .homework && $0.externalID == "si-1078" && $0.deleted })
        #expect(changes.contains { $0.kind == .lesson && $0.externalID == "si-1079" && $0.fields["topic"] == .text("Безударные гласные в корне") })
    }

    @Test func theTenRequestsASecondLimitIsKeptAndTokensAreRenewed() async throws {
        let e = try eposEmulator { $0.requestsPerSecond = 10 }
        defer { e.stop() }
        let (c, session) = try eposCounterpart(e, pace: 10, perPage: 50)
        let (records, cursor) = try await pullAll(c)
        #expect(!records.isEmpty)
        #expect(e.faults()["rate_limited"]?.int == 0, "no request was refused for the pace")
        // Every token ends: the next request signs in again and is repeated.
        var expire = URLRequest(url: e.url.appendingPathComponent("_emulator/expire-sessions"))
        expire.httpMethod = "POST"
        let req = expire
        _ = try await URLSession.shared.data(for: req)
        _ = try await pullAll(c, from: cursor)
        #expect(await session.logins == 2)
    }
}

/// The emulator, for a log callback set before it starts.
final class EmulatorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: RunningEPOSEmulator?
    var emulator: RunningEPOSEmulator? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
