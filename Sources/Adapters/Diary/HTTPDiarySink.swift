import Foundation
import JournalModel
import Transport

/// `POST <url>/api/diary/v1/events:batch` with the school's bearer token, through the
/// retrying client (429/503 with `Retry-After`, 5xx, drops and timeouts are retried there).
/// A 401 re-reads the token file once (it may have been renewed) before giving up.
public final class HTTPDiarySink: DiarySink {
    public let endpoint: URL
    let client: HTTPClient
    private let readToken: () throws -> String
    private var token: String

    public init(url: URL, client: HTTPClient, readToken: @escaping () throws -> String) throws {
        let path = url.path
        endpoint = path.hasSuffix("events:batch") ? url : url.appendingPathComponent("api/diary/v1/events:batch")
        self.client = client
        self.readToken = readToken
        token = try readToken()
    }

    public var target: String { endpoint.absoluteString }

    public func send(_ batch: DiaryBatch) throws -> DiaryBatchAnswer {
        for attempt in 0..<2 {
            let spec = HTTPRequestSpec(method: "POST", url: endpoint,
                                       headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json; charset=utf-8",
                                                 "Idempotency-Key": batch.batchID],
                                       body: batch.body, idempotent: true)
            let client = self.client
            let response: HTTPResponseData
            do { response = try blockingAwait { try await client.send(spec) } } catch let e as TransportError {
                let kind: DiaryPortalError.Kind = switch e.kind {
                case .retryLater: .retryLater
                case .tooLarge: .badData
                default: .unavailable
                }
                throw DiaryPortalError(kind, "diary portal: \(e.description)")
            }
            switch response.status {
            case 200:
                return try Self.parse(response.body, batch: batch)
            case 401 where attempt == 0:
                token = try readToken()
                continue
            case 401:
                throw DiaryPortalError(.credentialsRefused, "diary portal \(endpoint.host ?? ""): the token was refused (HTTP 401) twice, after reading it again; put a valid school token in the token file")
            case 400, 413, 422:
                throw DiaryPortalError(.badData, "diary portal refused batch \(batch.batchID) as malformed (HTTP \(response.status)): \(Self.message(response.body))")
            default:
                throw DiaryPortalError(.unavailable, "diary portal answered HTTP \(response.status): \(Self.message(response.body))")
            }
        }
        throw DiaryPortalError(.unavailable, "diary portal: no answer")
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
        func bad(_ what: String) -> DiaryPortalError {
            DiaryPortalError(.badData, "diary portal: the answer to batch \(batch.batchID) breaks formats/diary-feed.md: \(what); nothing of it was taken")
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

