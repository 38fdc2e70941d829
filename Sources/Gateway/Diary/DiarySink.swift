import Foundation
import JournalModel
import SyncEngine
import Transport
import SyncModel

/// One batch as it goes out: at most 1,000 events and 5 MB (formats/diary-feed.md).
struct DiaryBatch {
    /// Deterministic: the hash of the event ids, so a resent batch carries the same id.
    let batchID: String
    let events: [(id: String, seq: Int, body: String)]
    let body: Data
    /// The batch's number in the feed (1, 2, …): `--out` names files by it.
    let number: Int

    static let maxEvents = 1000
    /// «5 MB» read as 5,000,000 bytes, the stricter of the two readings.
    static let maxBytes = 5_000_000
    /// Room kept for the envelope around the events.
    static let envelope = 512

    init(schoolID: String, number: Int, events: [(id: String, seq: Int, body: String)]) {
        self.events = events
        self.number = number
        batchID = StableHash.hex(events.map(\.id))
        var text = "{\"schoolId\":"
        JSON.writeString(schoolID, to: &text)
        text += ",\"batchId\":\"\(batchID)\",\"events\":["
        for (i, e) in events.enumerated() {
            if i > 0 { text += "," }
            text += e.body
        }
        text += "]}"
        body = Data(text.utf8)
    }
}

/// The portal's answer to one batch.
struct DiaryBatchAnswer {
    var accepted: [String] = []
    var duplicates: [String] = []
    var rejected: [(id: String, reason: String)] = []
}

/// Where batches go: the portal over HTTP, or files for portals that take uploads.
protocol DiarySink {
    /// The URL or directory, for the summary.
    var target: String { get }
    /// Sends one batch and returns the answer.
    ///
    /// - Throws: ``GatewayError`` with exit 69 (unreachable, token refused) or 65 (the
    ///   portal called the batch itself malformed).
    func send(_ batch: DiaryBatch) throws -> DiaryBatchAnswer
}

/// `POST <url>/api/diary/v1/events:batch` with the school's bearer token, through the
/// retrying client (429/503 with `Retry-After`, 5xx, drops and timeouts are retried there).
/// A 401 re-reads the token file once (it may have been renewed) before giving up.
final class HTTPDiarySink: DiarySink {
    let endpoint: URL
    let client: HTTPClient
    private let readToken: () throws -> String
    private var token: String

    init(url: URL, client: HTTPClient, readToken: @escaping () throws -> String) throws {
        let path = url.path
        endpoint = path.hasSuffix("events:batch") ? url : url.appendingPathComponent("api/diary/v1/events:batch")
        self.client = client
        self.readToken = readToken
        token = try readToken()
    }

    var target: String { endpoint.absoluteString }

    func send(_ batch: DiaryBatch) throws -> DiaryBatchAnswer {
        for attempt in 0..<2 {
            let spec = HTTPRequestSpec(method: "POST", url: endpoint,
                                       headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json; charset=utf-8",
                                                 "Idempotency-Key": batch.batchID],
                                       body: batch.body, idempotent: true)
            let client = self.client
            let response: HTTPResponseData
            do { response = try blockingAwait { try await client.send(spec) } } catch let e as TransportError {
                let code = switch e.kind {
                case .retryLater: ExitCode.tempFailure
                case .tooLarge: ExitCode.dataError
                default: ExitCode.unavailable
                }
                throw GatewayError(code, "diary portal: \(e.description)")
            }
            switch response.status {
            case 200:
                return try Self.parse(response.body, batch: batch)
            case 401 where attempt == 0:
                token = try readToken()
                continue
            case 401:
                throw GatewayError(ExitCode.credentialsRefused, "diary portal \(endpoint.host ?? ""): the token was refused (HTTP 401) twice, after reading it again; put a valid school token in the token file")
            case 400, 413, 422:
                throw GatewayError.badInput("diary portal refused batch \(batch.batchID) as malformed (HTTP \(response.status)): \(Self.message(response.body))")
            default:
                throw GatewayError(ExitCode.unavailable, "diary portal answered HTTP \(response.status): \(Self.message(response.body))")
            }
        }
        throw GatewayError(ExitCode.unavailable, "diary portal: no answer")
    }

    static func message(_ body: Data) -> String {
        let j = try? JSON.parse(bytes: Array(body))
        return j?["message"]?.string ?? String(decoding: body.prefix(200), as: UTF8.self)
    }

    /// The portal's answer to a batch, checked against formats/diary-feed.md: `accepted` and
    /// `duplicates` arrays of event ids, `rejected` an array of `{eventId, reason}`, every id
    /// one of the batch's. Anything else is bad data (exit 65): nothing of it is taken, so
    /// the batch's events stay pending.
    static func parse(_ body: Data, batch: DiaryBatch) throws -> DiaryBatchAnswer {
        func bad(_ what: String) -> GatewayError {
            GatewayError.badInput("diary portal: the answer to batch \(batch.batchID) breaks formats/diary-feed.md: \(what); nothing of it was taken")
        }
        guard let j = try? JSON.parse(bytes: Array(body)), case .object = j else { throw bad("not a JSON object") }
        let sent = Set(batch.events.map(\.id))
        func ids(_ key: String) throws -> [String] {
            guard let list = j[key]?.array else { throw bad("«\(key)»: expected an array") }
            return try list.enumerated().map { i, v in
                guard let id = v.string else { throw bad("«\(key)[\(i)]»: expected an event id (a string)") }
                guard sent.contains(id) else { throw bad("«\(key)[\(i)]»: \(id) is not an event of this batch") }
                return id
            }
        }
        var a = DiaryBatchAnswer()
        a.accepted = try ids("accepted")
        a.duplicates = try ids("duplicates")
        guard let rejected = j["rejected"]?.array else { throw bad("«rejected»: expected an array") }
        a.rejected = try rejected.enumerated().map { i, r in
            guard let id = r["eventId"]?.string, let reason = r["reason"]?.string else {
                throw bad("«rejected[\(i)]»: expected {\"eventId\": …, \"reason\": …}")
            }
            guard sent.contains(id) else { throw bad("«rejected[\(i)].eventId»: \(id) is not an event of this batch") }
            return (id, reason)
        }
        return a
    }
}

/// `--out DIR`: each batch as `batch-<number>.json` (`batch-000001.json`, …), written whole
/// (temporary file, then rename) and readable by the owner only. A batch written again
/// after an interruption has the same number, so it replaces the file it had begun; the
/// portal drops repeated event ids in any case.
struct FileDiarySink: DiarySink {
    let directory: String

    init(directory: String) throws {
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch { throw GatewayError.usage("--out \(directory): cannot create the directory: \(error.localizedDescription)") }
        } else if !isDir.boolValue {
            throw GatewayError.usage("--out \(directory) is a file, not a directory")
        }
        self.directory = directory
    }

    var target: String { directory }

    func send(_ batch: DiaryBatch) throws -> DiaryBatchAnswer {
        let name = "batch-" + String(format: "%06d", batch.number) + ".json"
        let path = directory + "/" + name
        let tmp = path + ".part"
        guard FileManager.default.createFile(atPath: tmp, contents: batch.body, attributes: [.posixPermissions: 0o600]) else {
            throw GatewayError(ExitCode.failure, "cannot write \(tmp)")
        }
        guard rename(tmp, path) == 0 else {
            throw GatewayError(ExitCode.failure, "cannot move \(tmp) to \(path): \(String(cString: strerror(errno)))")
        }
        return DiaryBatchAnswer(accepted: batch.events.map(\.id))
    }
}
