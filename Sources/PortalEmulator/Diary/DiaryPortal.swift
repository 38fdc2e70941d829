import JournalModel

/// The diary portal's state: the events it accepted (deduplicated by `eventId`), the
/// guardians it can link, and its counters. Pure: the server calls it under a lock.
struct DiaryPortal {
    static let eventTypes: Set<String> = ["mark.created", "mark.changed", "mark.deleted", "attendance.absent", "attendance.cleared",
                                          "homework.set", "final_mark.set", "forecast.set", "lesson.changed"]
    static let maxEvents = 1000
    static let maxBytes = 5_000_000

    let schoolID: String
    /// Guardian ids the portal can link; nil: every guardian is known.
    var knownGuardians: Set<String>?
    /// Accepted events in the order they came, and their ids.
    private(set) var accepted: [JSON] = []
    private(set) var acceptedIDs: Set<String> = []
    private(set) var duplicates = 0
    private(set) var rejected = 0
    private(set) var batches = 0
    var faultsInjected = 0

    init(schoolID: String, knownGuardians: Set<String>?) {
        self.schoolID = schoolID
        self.knownGuardians = knownGuardians
    }

    /// Applies one batch body; returns the answer (200) or an error status and message.
    mutating func apply(_ body: [UInt8]) -> (status: Int, answer: JSON) {
        guard body.count <= Self.maxBytes else { return (413, Self.message("batch larger than 5 MB")) }
        guard let doc = try? JSON.parse(bytes: body), case .object = doc else { return (400, Self.message("body is not a JSON object")) }
        guard let school = doc["schoolId"]?.string else { return (400, Self.message("schoolId is missing")) }
        guard school == schoolID else { return (403, Self.message("this token is not for school \(school)")) }
        guard let events = doc["events"]?.array else { return (400, Self.message("events is missing")) }
        guard events.count <= Self.maxEvents else { return (413, Self.message("more than \(Self.maxEvents) events in one batch")) }
        batches += 1
        var acc: [JSON] = [], dup: [JSON] = [], rej: [JSON] = []
        for e in events {
            let id = e["eventId"]?.string ?? ""
            if let reason = problem(e) {
                rejected += 1
                var r: [(String, JSON)] = [("eventId", .string(id)), ("reason", .string(reason.code))]
                if let g = reason.guardian { r.append(("guardianId", .string(g))) }
                rej.append(.object(r))
            } else if acceptedIDs.contains(id) {
                duplicates += 1
                dup.append(.string(id))
            } else {
                acceptedIDs.insert(id)
                accepted.append(e)
                acc.append(.string(id))
            }
        }
        return (200, .object([("accepted", .array(acc)), ("duplicates", .array(dup)), ("rejected", .array(rej))]))
    }

    /// Why an event cannot be taken, or nil.
    private func problem(_ e: JSON) -> (code: String, guardian: String?)? {
        guard let id = e["eventId"]?.string, !id.isEmpty, let type = e["type"]?.string, Self.eventTypes.contains(type),
              let at = e["occurredAt"]?.string, at.count == 25, CivilDate(iso: at) != nil,
              case .object? = e["payload"] else { return ("invalid", nil) }
        guard let sid = e["student"]?["id"]?.string, !sid.isEmpty, e["student"]?["name"]?.string?.isEmpty == false else {
            return ("unknown_student", nil)
        }
        guard let recipients = e["recipients"]?.array, !recipients.isEmpty else { return ("invalid", nil) }
        for r in recipients {
            guard let g = r["guardianId"]?.string, !g.isEmpty else { return ("invalid", nil) }
            if let s = r["snils"], !s.isNull {
                guard let digits = s.string, digits.count == 11, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
                    return ("invalid", g)
                }
            }
            if let known = knownGuardians, !known.contains(g) { return ("unknown_guardian", g) }
        }
        return nil
    }

    /// `GET /_emulator/stats`.
    var stats: JSON {
        .object([("events_accepted", .int(acceptedIDs.count)), ("duplicates", .int(duplicates)),
                 ("rejected", .int(rejected)), ("faults_injected", .int(faultsInjected))])
    }

    static func message(_ text: String) -> JSON { .object([("message", .string(text))]) }
}
