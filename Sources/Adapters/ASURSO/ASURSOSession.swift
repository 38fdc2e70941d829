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
    /// `sessionExpired`: a 401 right after a fresh login (asked again); `sessionRefused`: a
    /// session saved from a browser no longer accepted (a person must sign in again).
    public enum Kind: Sendable { case loginRefused, sessionExpired, sessionRefused, gone, rejected, unexpected }
    public let kind: Kind
    public let status: Int
    public let message: String
    public var description: String { "portal answered \(status): \(message)" }
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

    /// Signs in (again).
    public func login() async throws {
        let getdata = try await client.send(HTTPRequestSpec(method: "POST", url: url("webapi/auth/getdata"), idempotent: true))
        guard getdata.status == 200, let j = try? JSON.parse(bytes: Array(getdata.body)),
              let lt = j["lt"].flatMap(Self.text), let ver = j["ver"].flatMap(Self.text), let salt = j["salt"].flatMap(Self.text) else {
            guard getdata.status == 200 else {
                throw PortalError(kind: .unexpected, status: getdata.status, message: "auth/getdata answered HTTP \(getdata.status)")
            }
            throw PortalError(kind: .loginRefused, status: getdata.status,
                              message: "auth/getdata gave no salt: this server allows only Госуслуги (ЕСИА) sign-in; "
                                + "sign in through Госуслуги in a browser, save the session to a file (mode 600) and pass it with --session-file")
        }
        let (pw, pw2) = Self.passwordHashes(password: account.password, salt: salt)
        let body = Self.formEncode([("loginType", "1"), ("scid", account.schoolID), ("un", account.login),
                                    ("pw", pw), ("pw2", pw2), ("lt", lt), ("ver", ver)])
        let r = try await client.send(HTTPRequestSpec(method: "POST", url: url("webapi/login"),
                                                      headers: ["Content-Type": "application/x-www-form-urlencoded"], body: body, idempotent: true))
        let answer = try? JSON.parse(bytes: Array(r.body))
        guard r.status == 200, let at = answer?["at"]?.string else {
            throw PortalError(kind: .loginRefused, status: r.status,
                              message: "login as «\(account.login)» refused: \(answer?["message"]?.string ?? "HTTP \(r.status)")")
        }
        token = at
        logins += 1
    }

    static func text(_ j: JSON) -> String? {
        switch j { case .string(let s): return s; case .int(let i): return String(i); default: return nil }
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
            var body: Data?
            if let json { body = Data(json.serialized().utf8); h["Content-Type"] = "application/json; charset=utf-8" }
            let r = try await client.send(HTTPRequestSpec(method: method, url: url(path, query), headers: h, body: body))
            if r.status == 401 && attempt == 0 { token = nil; continue }
            let parsed = r.body.isEmpty ? nil : try? JSON.parse(bytes: Array(r.body))
            if r.status == 401 {
                throw PortalError(kind: .sessionExpired, status: 401, message: parsed?["message"]?.string ?? "session ended")
            }
            return (r.status, parsed)
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
        return (r.status, r.body.isEmpty ? nil : try? JSON.parse(bytes: Array(r.body)))
    }

    /// Ends the session (best effort; a session saved from a browser is left to the person).
    public func logout() async {
        guard account.browserSession == nil, let token else { return }
        _ = try? await client.send(HTTPRequestSpec(method: "POST", url: url("webapi/auth/logout"), headers: ["at": token], idempotent: true))
        self.token = nil
    }
}
