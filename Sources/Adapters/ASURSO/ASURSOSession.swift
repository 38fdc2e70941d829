import Foundation
import JournalModel
import Transport

/// Where and as whom to sign in to an АСУ РСО server.
public struct ASURSOAccount: Sendable {
    public var baseURL: URL
    public var schoolID: String
    public var login: String
    public var password: String
    /// A session saved from a browser (`at`, `NSSESSIONID`), for servers where only ЕСИА
    /// sign-in works: used instead of a login, never renewed by the gateway.
    public var browserSession: BrowserSession?

    public init(baseURL: URL, schoolID: String, login: String, password: String, browserSession: BrowserSession? = nil) {
        self.baseURL = baseURL; self.schoolID = schoolID; self.login = login; self.password = password
        self.browserSession = browserSession
    }
}

/// A failure the portal reported, with the HTTP status and its message.
public struct PortalError: Error, Sendable, CustomStringConvertible {
    /// - `malformed`: the answer breaks the protocol document (shape, types, required
    ///   fields, rows of another class or week, unparseable JSON): nothing of it is applied;
    ///   ``violation`` says where. The gateway exits 65 (the counterpart sent bad data).
    /// - `loginRefused`: the portal refused the credentials (exit 77).
    /// - `sessionExpired`: a 401 right after a fresh login (asked again);
    /// - `sessionRefused`: a session saved from a browser no longer accepted (exit 77: a
    ///   person must sign in again).
    public enum Kind: Sendable { case loginRefused, sessionExpired, sessionRefused, gone, rejected, unexpected, malformed }
    public let kind: Kind
    public let status: Int
    public let message: String
    /// For `malformed`: the endpoint, the field and what was expected against what came.
    public var violation: PortalViolation? = nil
    public var description: String {
        kind == .malformed ? "the portal sent data its protocol does not allow (HTTP \(status)): \(message)" : "portal answered \(status): \(message)"
    }
}

/// An АСУ РСО session: the salted-MD5 login, the `at` token on every request, and a new
/// login (then the same request again) when the portal says the session ended.
public actor ASURSOSession {
    private let client: HTTPClient
    private let account: ASURSOAccount
    private var token: String?
    public private(set) var logins = 0

    public init(client: HTTPClient, account: ASURSOAccount) {
        self.client = client; self.account = account
    }

    /// `pw2` = md5(salt + md5(password in Windows-1251)); `pw` = its first N characters,
    /// N being the password's length in characters.
    public static func passwordHashes(password: String, salt: String) -> (pw: String, pw2: String) {
        let bytes = password.data(using: .windowsCP1251).map(Array.init) ?? Array(password.utf8)
        let pw2 = Digest.md5Hex(Array((salt + Digest.md5Hex(bytes)).utf8))
        return (String(pw2.prefix(password.count)), pw2)
    }

    static func formEncode(_ pairs: [(String, String)]) -> Data {
        // ASCII letters and digits only: `alphanumerics` would let Cyrillic through unescaped.
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let s = pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return Data(s.utf8)
    }

    private func url(_ path: String, _ query: [(String, String)] = []) -> URL {
        var c = URLComponents(url: account.baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { c.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        return c.url!
    }

    /// Statuses whose bodies the document promises as JSON: 200, and `{"message": …}` on
    /// 400, 409 and 410. Anything unparseable there is `.malformed`.
    static let promisesJSON: Set<Int> = [200, 400, 409, 410]

    static func body(_ r: HTTPResponseData, _ endpoint: String) throws -> JSON? {
        try PortalBody.parse(r.body, status: r.status, promisesJSON: promisesJSON.contains(r.status), endpoint: endpoint)
    }

    /// Signs in (again).
    ///
    /// - Throws: ``PortalError`` `.loginRefused` when the portal refuses the login (409,
    ///   or another 4xx); `.malformed` when its answers break the document; `.unexpected`
    ///   when `auth/getdata` gives no salt (a server that allows only ЕСИА sign-in).
    public func login() async throws {
        // The `lt` of `auth/getdata` is good for one login: when a login's answer was lost (a
        // dropped connection, a cut body) the client's retry finds it used (400, "request
        // auth/getdata again"). Only 409 says the credentials are wrong (formats/asu-rso.md):
        // another 4xx is tried again with a fresh `lt`, twice, before it counts as a refusal.
        var attempt = 1
        while true {
            do { return try await loginOnce() } catch let e as PortalError where e.kind == .loginRefused && e.status != 409 && e.status != 200 && attempt < 3 {
                attempt += 1
            }
        }
    }

    private func loginOnce() async throws {
        let getdataEndpoint = "POST /webapi/auth/getdata"
        let getdata = try await client.send(HTTPRequestSpec(method: "POST", url: url("webapi/auth/getdata"), idempotent: true))
        guard getdata.status == 200 else {
            throw PortalError(kind: .unexpected, status: getdata.status, message: "auth/getdata answered HTTP \(getdata.status)")
        }
        let g = try JSONReader.body(try Self.body(getdata, getdataEndpoint), endpoint: getdataEndpoint).asObject()
        guard let salt = try g.optionalField("salt"), !salt.isNull else {
            throw PortalError(kind: .loginRefused, status: getdata.status,
                              message: "auth/getdata gave no salt: this server allows only Госуслуги (ЕСИА) sign-in; "
                                + "sign in through Госуслуги in a browser, save the session to a file (mode 600) and pass it with --session-file")
        }
        let lt = try g.string("lt", nonEmpty: true), ver = try g.string("ver", nonEmpty: true)
        let (pw, pw2) = Self.passwordHashes(password: account.password, salt: try salt.asString(nonEmpty: true))
        let body = Self.formEncode([("loginType", "1"), ("scid", account.schoolID), ("un", account.login),
                                    ("pw", pw), ("pw2", pw2), ("lt", lt), ("ver", ver)])
        let loginEndpoint = "POST /webapi/login"
        let r = try await client.send(HTTPRequestSpec(method: "POST", url: url("webapi/login"),
                                                      headers: ["Content-Type": "application/x-www-form-urlencoded"], body: body, idempotent: true))
        let answer = try Self.body(r, loginEndpoint)
        guard r.status == 200 else {
            if r.status == 409 { _ = try JSONReader.body(answer, endpoint: loginEndpoint, status: 409).string("message") }
            throw PortalError(kind: (400..<500).contains(r.status) ? .loginRefused : .unexpected, status: r.status,
                              message: "login as «\(account.login)» refused: \(answer?["message"]?.string ?? "HTTP \(r.status)")")
        }
        token = try JSONReader.body(answer, endpoint: loginEndpoint).string("at", nonEmpty: true)
        logins += 1
    }

    /// Sends an authorised request; on 401 signs in again and repeats it once.
    public func request(_ method: String, _ path: String, query: [(String, String)] = [], json: JSON? = nil,
                        headers: [String: String] = [:]) async throws -> (status: Int, body: JSON?) {
        if let saved = account.browserSession {
            var h = headers
            h["at"] = saved["at"]
            if let id = saved["NSSESSIONID"] { h["Cookie"] = "NSSESSIONID=" + id }
            let (status, parsed) = try await send(method, path, query: query, json: json, headers: h)
            if status == 401 { throw PortalError(kind: .sessionRefused, status: 401, message: saved.expiredMessage) }
            return (status, parsed)
        }
        for attempt in 0..<2 {
            if token == nil { try await login() }
            var h = headers
            h["at"] = token
            let r = try await send(method, path, query: query, json: json, headers: h)
            if r.status == 401 && attempt == 0 { token = nil; continue }
            if r.status == 401 {
                throw PortalError(kind: .sessionExpired, status: 401, message: r.body?["message"]?.string ?? "session ended")
            }
            return r
        }
        fatalError("unreachable")
    }

    /// One request as given, its body parsed as JSON when there is one.
    private func send(_ method: String, _ path: String, query: [(String, String)], json: JSON?,
                      headers: [String: String]) async throws -> (status: Int, body: JSON?) {
        var h = headers
        var body: Data?
        if let json { body = Data(json.serialized().utf8); h["Content-Type"] = "application/json; charset=utf-8" }
        let r = try await client.send(HTTPRequestSpec(method: method, url: url(path, query), headers: h, body: body))
        // A 401 is read for its message only: its body is not checked.
        if r.status == 401 { return (401, try? JSON.parse(bytes: Array(r.body))) }
        return (r.status, try Self.body(r, PortalViolation.endpoint(method, path, query)))
    }

    /// Ends the session (best effort; a session saved from a browser is left to the person).
    public func logout() async {
        guard account.browserSession == nil, let token else { return }
        _ = try? await client.send(HTTPRequestSpec(method: "POST", url: url("webapi/auth/logout"), headers: ["at": token], idempotent: true))
        self.token = nil
    }
}
