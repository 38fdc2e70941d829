import Foundation
import JournalModel
import Synchronization

/// What one lock guards: the portal, the sessions, the rate limit and the fault generator.
struct EPOSCoreState {
    var state: EPOSState
    var sessions: EPOSSessions
    var limiter: RateLimiter
    var faults: FaultInjector
    /// Protocol requests received (the token's and those answered 429 too); not saved.
    var requests = 0
}

/// Routes requests; every request runs under one lock, so requests apply one at a time.
final class EPOSCore: Sendable {
    let options: EPOSEmulatorOptions
    let store: StateStore?
    let state: Mutex<EPOSCoreState>

    /// The session opened at start with `esiaOnly`, as if by a person in a browser.
    let browserSession: String?

    init(state: EPOSState, options: EPOSEmulatorOptions, store: StateStore?) {
        self.options = options
        self.store = store
        var sessions = EPOSSessions(lifetime: options.tokenLifetime)
        browserSession = options.esiaOnly ? sessions.issue(now: options.clock().timeIntervalSince1970, ttl: options.sessionTTL).token : nil
        self.state = Mutex(EPOSCoreState(state: state, sessions: sessions,
                                         limiter: RateLimiter(limit: options.requestsPerSecond),
                                         faults: FaultInjector(spec: options.faults, seed: options.seed)))
    }

    var now: Date { options.clock() }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.path.hasPrefix("/_emulator/") { return state.withLock { control(request, &$0) } }
        var response = state.withLock { protocolRequest(request, &$0) }
        response.delay = options.faults.latency
        options.log?("\(request.method) \(request.path) → \(response.fault.map { "\($0)" } ?? String(response.status))")
        return response
    }

    /// `{"error": code, "message": …}` with a status: how ЭПОС reports errors.
    static func error(_ status: Int, _ code: String, _ message: String? = nil) -> HTTPResponse {
        var pairs: [(String, JSON)] = [("error", .string(code))]
        if let message { pairs.append(("message", .string(message))) }
        return .json(.object(pairs), status: status)
    }

    private func protocolRequest(_ req: HTTPRequest, _ s: inout EPOSCoreState) -> HTTPResponse {
        s.requests += 1
        let (found, status) = EPOSRoute.match(req.method, req.path)
        guard let route = found else {
            return status == 405 ? Self.error(405, "method_not_allowed") : Self.error(404, "not_found", "нет такого адреса: \(req.path)")
        }
        let token = req.headers["Auth-Token"]
        let seconds = now.timeIntervalSince1970
        if route.needsToken, s.sessions.check(token, now: seconds) == .ok, let token,
           let wait = s.limiter.admit(token, now: options.rateClock()) {
            s.state.counters.rateLimited += 1
            var r = Self.error(429, "rate_limited", "не больше \(options.requestsPerSecond ?? 0) запросов в секунду")
            r.headers.add("Retry-After", String(wait))
            return r
        }
        let decision = s.faults.decide(isBatch: route.isWrite, isFeed: false, hasSession: route.needsToken && token != nil,
                                       isPagedList: route.isPagedList)
        switch decision {
        case .status(let code):
            inject(decision, &s)
            let codes = [500: "internal_error", 502: "bad_gateway", 503: "service_unavailable", 504: "gateway_timeout"]
            var r = Self.error(code, codes[code] ?? "rate_limited")
            if code == 429 || code == 503 { r.headers.add("Retry-After", String(options.faults.retryAfter)) }
            return r
        case .dropBefore:
            inject(decision, &s)
            var r = HTTPResponse(status: 0)
            r.fault = .drop
            return r
        case .expireToken:
            if s.sessions.expire(token, now: seconds) {
                inject(decision, &s)
                return Self.error(401, "token_expired")
            }
        default:
            break
        }
        if route.needsToken {
            switch s.sessions.check(token, now: seconds) {
            case .ok: break
            case .expired: return Self.error(401, "token_expired")
            case .missing: return Self.error(401, "unauthorized", "нужен заголовок Auth-Token")
            case .unknown: return Self.error(401, "invalid_token")
            }
            guard req.headers["Profile-Id"] == s.state.school.profileID else {
                return Self.error(403, "forbidden", "заголовок Profile-Id не совпадает с profile_id токена")
            }
        }
        var response = serve(route, req, &s, mutate: decision == .mutateWhilePaging)
        switch decision {
        case .dropAfter: response.fault = .drop; inject(decision, &s)
        case .truncate: response.fault = .truncate; inject(decision, &s)
        default: break
        }
        return response
    }

    func inject(_ d: FaultInjector.Decision, _ s: inout EPOSCoreState) {
        s.faults.record(d)
        s.state.counters.faultsInjected += 1
    }

    /// Saves the state after a change (when `--state` was given); a failure is logged, not fatal.
    func persist(_ state: EPOSState) {
        guard let store else { return }
        do { try store.write(state.document(full: true)) } catch {
            FileHandle.standardError.write(Data("emulator: \(error.message)\n".utf8))
        }
    }

    private func serve(_ route: EPOSRoute, _ req: HTTPRequest, _ s: inout EPOSCoreState, mutate: Bool) -> HTTPResponse {
        switch route {
        case .token:
            return token(req, &s)
        case .reference(let name):
            return reference(name, req, s.state)
        case .list(let kind):
            return list(kind, req, &s, mutate: mutate)
        case .fetch(let kind, let id):
            guard let r = s.state.record(kind, id) else { return Self.error(404, "not_found", "нет объекта \(id)") }
            var response = HTTPResponse.json(s.state.wireRow(r, extensions: options.extensions))
            response.headers.add("ETag", r.etag)
            return response
        case .create(let kind):
            return write(&s, req, kind) { st, body in st.create(kind, body: body, bodyMD5: MD5.hex(req.body), by: .client, now: self.now) }
        case .update(let kind, let id):
            return write(&s, req, kind) { st, body in st.update(kind, id: id, body: body, ifMatch: req.headers["If-Match"], by: .client, now: self.now) }
        case .delete(let kind, let id):
            return write(&s, req, kind, needsBody: false) { st, _ in st.delete(kind, id: id, ifMatch: req.headers["If-Match"], by: .client, now: self.now) }
        }
    }

    /// Parses the body, applies the write, saves a changed state, and renders the answer.
    private func write(_ s: inout EPOSCoreState, _ req: HTTPRequest, _ kind: EPOSKind, needsBody: Bool = true,
                       _ apply: (inout EPOSState, JSON) -> EPOSWriteResult) -> HTTPResponse {
        var body = JSON.null
        if needsBody {
            guard let parsed = try? JSON.parse(bytes: req.body) else { return Self.error(400, "bad_request", "тело запроса — не JSON") }
            body = parsed
        }
        var result = apply(&s.state, body)
        if result.changed { persist(s.state) }
        if let b = result.body, b["error"] == nil { result.body = EPOSState.wire(b, kind, extensions: options.extensions) }
        return Self.response(result, location: result.status == 201 ? result.body?["id"]?.string.map { req.path + "/" + $0 } : nil)
    }

    static func response(_ result: EPOSWriteResult, location: String? = nil) -> HTTPResponse {
        var r = result.body.map { HTTPResponse.json($0, status: result.status) } ?? HTTPResponse(status: result.status)
        if let etag = result.etag { r.headers.add("ETag", etag) }
        if let location { r.headers.add("Location", location) }
        return r
    }

    /// `POST /v2/token`.
    private func token(_ req: HTTPRequest, _ s: inout EPOSCoreState) -> HTTPResponse {
        guard let body = try? JSON.parse(bytes: req.body), let login = body["login"]?.string, let password = body["password"]?.string,
              let school = body["school_id"]?.string else {
            return Self.error(400, "bad_request", "ожидается {\"login\": …, \"password\": …, \"school_id\": …}")
        }
        let c = s.state.school
        if options.esiaOnly { return Self.error(401, "password_login_disabled", "вход по паролю отключён: войдите через Госуслуги") }
        guard login.lowercased() == c.login.lowercased(), password == c.password, school == c.schoolID else {
            return Self.error(401, "invalid_credentials", "неверный логин, пароль или school_id")
        }
        return .json(sessionJSON(&s))
    }

    /// A new token as the token endpoint answers it.
    func sessionJSON(_ s: inout EPOSCoreState) -> JSON {
        let (token, expires) = s.sessions.issue(now: now.timeIntervalSince1970)
        let ms = Int64((expires * 1000).rounded(.down))
        return .object([("token", .string(token)), ("expires_at", .string(EPOSTime.render(ms, in: s.state.school.zone, millis: false))),
                        ("profile_id", .string(s.state.school.profileID))])
    }

    func stats(_ s: EPOSCoreState) -> JSON {
        let c = s.state.counters
        return .object([
            ("objects", .object(s.state.objectCounts.map { ($0.0, JSON.int($0.1)) })),
            ("operations_applied", .int(c.operationsApplied)),
            ("idempotent_replays", .int(c.idempotentReplays)),
            ("faults_injected", .int(c.faultsInjected)),
            ("duplicate_external_ids", .int(c.duplicateExternalIDs)),
            ("precondition_failures", .int(c.preconditionFailures)),
        ])
    }
}

/// The protocol's endpoints.
enum EPOSRoute: Equatable {
    case token
    /// Reference data: `academic_years`, `periods`, `subjects`, `control_forms`, `absence_reasons`,
    /// `class_units`, `groups`, `students`; `teachers` only with extensions (404 otherwise).
    case reference(String)
    case list(EPOSKind)
    case fetch(EPOSKind, String)
    case create(EPOSKind)
    case update(EPOSKind, String)
    case delete(EPOSKind, String)

    static let referenceNames: Set<String> = ["academic_years", "periods", "subjects", "control_forms", "absence_reasons",
                                              "class_units", "groups", "students", "teachers"]

    /// The route for a method and path; nil with a status (404 or 405) otherwise.
    static func match(_ method: String, _ path: String) -> (EPOSRoute?, Int) {
        if path == "/v2/token" { return method == "POST" ? (.token, 200) : (nil, 405) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 4, parts.count <= 5, parts[0].isEmpty, parts[1] == "core", parts[2] == "api" else { return (nil, 404) }
        let name = parts[3]
        if parts.count == 4 {
            if referenceNames.contains(name) { return method == "GET" ? (.reference(name), 200) : (nil, 405) }
            guard let kind = EPOSKind(path: name) else { return (nil, 404) }
            switch method {
            case "GET": return (.list(kind), 200)
            case "POST": return (.create(kind), 200)
            default: return (nil, 405)
            }
        }
        guard let kind = EPOSKind(path: name), !parts[4].isEmpty else { return (nil, 404) }
        let id = parts[4]
        switch method {
        case "GET": return (.fetch(kind, id), 200)
        case "PUT" where kind.writable: return (.update(kind, id), 200)
        case "DELETE" where kind.writable: return (.delete(kind, id), 200)
        default: return (nil, 405)
        }
    }

    var needsToken: Bool { self != .token }
    var isWrite: Bool {
        switch self {
        case .create, .update, .delete: return true
        default: return false
        }
    }
    var isPagedList: Bool { if case .list = self { return true }; return false }
}
