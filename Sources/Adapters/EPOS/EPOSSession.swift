import Foundation
import JournalModel
import Transport

/// Where and as whom to sign in to an ЭПОС.Школа server.
public struct EPOSAccount: Sendable {
    public var baseURL: URL
    public var schoolID: String
    public var login: String
    public var password: String
    /// A session saved from a browser (`auth_token`, `profile_id`), for regions where staff
    /// sign in only through Госуслуги: used instead of a password, never renewed by the gateway.
    public var browserSession: BrowserSession?

    public init(baseURL: URL, schoolID: String, login: String, password: String, browserSession: BrowserSession? = nil) {
        self.baseURL = baseURL; self.schoolID = schoolID; self.login = login; self.password = password
        self.browserSession = browserSession
    }
}

/// One answer of the portal: status, headers (names lower-cased) and the JSON body, if any.
public struct EPOSResponse: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: JSON?

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// `error` and `message` of an error body, for messages: `precondition_failed (…)`.
    var errorText: String {
        let code = body?["error"]?.string, message = body?["message"]?.string
        switch (code, message) {
        case let (c?, m?): return "\(c): \(m)"
        case let (c?, nil): return c
        case let (nil, m?): return m
        default: return "HTTP \(status)"
        }
    }
}

/// An ЭПОС.Школа session: a token from `POST /v2/token`, `Auth-Token` and `Profile-Id` on
/// every request, a new token (then the same request again) when the portal answers 401,
/// and the portal's pace (10 requests a second per token) kept on the client's side.
///
/// `expires_at` is not used to renew early: it is the portal's clock, not ours; a 401
/// `token_expired` is the signal.
public actor EPOSSession {
    private let client: HTTPClient
    private let account: EPOSAccount
    private var token: String?
    private var profileID: String?
    private var refused: PortalError?
    private var pacer: EPOSPacer
    private let clock = ContinuousClock()
    public private(set) var logins = 0
    /// Protocol requests sent (token requests and the client's own retries not counted).
    public private(set) var requests = 0

    /// - Parameter requestsPerSecond: the pace to keep (nil: none, for emulators without a limit).
    public init(client: HTTPClient, account: EPOSAccount, requestsPerSecond: Int? = 10) {
        self.client = client; self.account = account
        pacer = EPOSPacer(perSecond: requestsPerSecond)
        token = account.browserSession?["auth_token"]
        profileID = account.browserSession?["profile_id"]
    }

    /// The `Profile-Id` of the current token (nil before the first sign-in).
    public var profile: String? { profileID }

    /// `path` under the base URL with the query encoded strictly: a `+` in a time's offset
    /// is sent as `%2B` (a bare `+` reads as a space).
    nonisolated func url(_ path: String, _ query: [(String, String)] = []) -> URL {
        var c = URLComponents(url: account.baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { c.percentEncodedQuery = query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&") }
        return c.url!
    }

    /// What a query's names and values keep as they are (RFC 3986 unreserved).
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ s: String) -> String {
        // Most names and values (ids, dates, numbers) need no escaping: kept without a copy.
        if s.utf8.allSatisfy({ b in (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                                   || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E }) { return s }
        return s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s
    }

    /// Statuses whose bodies the document promises as JSON (200, 201, and `{"error": …}` on
    /// 401, 409, 412, 422): anything unparseable there is `.malformed`.
    static let promisesJSON: Set<Int> = [200, 201, 401, 409, 412, 422]

    static func body(_ r: HTTPResponseData, _ endpoint: String) throws -> JSON? {
        try PortalBody.parse(r.body, status: r.status, promisesJSON: promisesJSON.contains(r.status), endpoint: endpoint)
    }

    /// Signs in (again): `POST /v2/token`.
    ///
    /// - Throws: ``PortalError`` `.loginRefused` when the portal refuses the credentials
    ///   (401, another 4xx); `.malformed` when its answer breaks the document.
    public func login() async throws {
        // A refused sign-in is not tried again in this run: repeated wrong passwords lock accounts.
        if let refused { throw refused }
        if let saved = account.browserSession { throw PortalError(kind: .sessionRefused, status: 401, message: saved.expiredMessage) }
        let body = JSON.object([("login", .string(account.login)), ("password", .string(account.password)),
                                ("school_id", .string(account.schoolID))])
        let r = try await client.send(HTTPRequestSpec(method: "POST", url: url("v2/token"),
                                                      headers: ["Content-Type": "application/json; charset=utf-8", "Accept": "application/json"],
                                                      body: Data(body.serialized().utf8), idempotent: true))
        let endpoint = "POST /v2/token"
        let answer = try Self.body(r, endpoint)
        guard r.status == 200 else {
            // 401 {"error": "…"}: wrong credentials, or password sign-in disabled (ЕСИА-only regions).
            if r.status == 401 { _ = try JSONReader.body(answer, endpoint: endpoint, status: 401).string("error") }
            var why = answer?["message"]?.string ?? answer?["error"]?.string ?? "HTTP \(r.status)"
            if answer?["error"]?.string == "password_login_disabled" {
                why += "; this portal allows only Госуслуги (ЕСИА) sign-in: sign in through Госуслуги in a browser, "
                    + "save the session to a file (mode 600) and pass it with --session-file"
            }
            let error = PortalError(kind: (400..<500).contains(r.status) ? .loginRefused : .unexpected, status: r.status,
                                    message: "sign-in as «\(account.login)» at school \(account.schoolID) refused: \(why)")
            if (400..<500).contains(r.status) { refused = error }
            throw error
        }
        let a = try JSONReader.body(answer, endpoint: endpoint).asObject()
        let t = try a.string("token", nonEmpty: true), p = try a.string("profile_id", nonEmpty: true)
        _ = try a.eposMoment("expires_at")
        token = t
        profileID = p
        pacer.reset()
        logins += 1
    }

    /// Sends an authorised request; on 401 signs in again and repeats it once. Statuses
    /// other than 401 (after the repeat) are the caller's to read.
    ///
    /// - Parameter idempotent: whether the transport may resend it after a failure that
    ///   may have reached the portal (default: GET, PUT, DELETE; a create is safe to
    ///   resend because its `external_id` makes a repeat answer 409).
    public func request(_ method: String, _ path: String, query: [(String, String)] = [], json: JSON? = nil,
                        headers: [String: String] = [:], idempotent: Bool? = nil) async throws -> EPOSResponse {
        for attempt in 0..<2 {
            if token == nil { try await login() }
            var h = headers
            h["Auth-Token"] = token
            h["Profile-Id"] = profileID
            h["Accept"] = "application/json"
            var body: Data?
            if let json { body = Data(json.serialized().utf8); h["Content-Type"] = "application/json; charset=utf-8" }
            let (wait, ticket) = pacer.reserve(now: clock.now)
            if wait > .zero { try await Task.sleep(for: wait) }
            requests += 1
            let r: HTTPResponseData
            do {
                r = try await client.send(HTTPRequestSpec(method: method, url: url(path, query), headers: h, body: body, idempotent: idempotent))
            } catch {
                pacer.answered(ticket, now: clock.now)
                throw error
            }
            pacer.answered(ticket, now: clock.now)
            if r.status == 401, let saved = account.browserSession {
                throw PortalError(kind: .sessionRefused, status: 401, message: saved.expiredMessage)
            }
            if r.status == 401 && attempt == 0 { token = nil; continue }
            let parsed = try Self.body(r, PortalViolation.endpoint(method, path, query))
            if r.status == 401 {
                throw PortalError(kind: .sessionExpired, status: 401, message: "\(method) \(path): the new token was refused too (\(parsed?["error"]?.string ?? "401"))")
            }
            return EPOSResponse(status: r.status, headers: r.headers, body: parsed)
        }
        fatalError("unreachable")
    }
}
