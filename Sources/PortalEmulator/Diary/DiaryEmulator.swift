import Foundation
import JournalModel
import Synchronization

/// How to run the diary portal emulator (`journal-gateway emulator diary …`).
public struct DiaryEmulatorOptions: Sendable {
    /// Port on 127.0.0.1; 0 lets the kernel pick one.
    public var port: UInt16
    public var faults: FaultSpec
    /// Seed of the fault generator and of the token.
    public var seed: UInt64
    /// Guardian ids the portal can link (the others are rejected as `unknown_guardian`);
    /// nil: it knows every guardian.
    public var knownGuardians: Set<String>?
    public var schoolID: String
    /// Receives one line per protocol request (method, path, status; never a body).
    public var log: (@Sendable (String) -> Void)?

    public init(port: UInt16 = 0, faults: FaultSpec = .none, seed: UInt64 = 1, knownGuardians: Set<String>? = nil,
                schoolID: String = "63-0002", log: (@Sendable (String) -> Void)? = nil) {
        self.port = port; self.faults = faults; self.seed = seed; self.knownGuardians = knownGuardians
        self.schoolID = schoolID; self.log = log
    }

    /// Guardian ids from a file: one a line; blank lines and `#` comments are skipped,
    /// anything after the first blank on a line is ignored.
    public static func guardians(fromFile path: String) throws(EmulatorError) -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw EmulatorError("--guardians \(path): cannot read it as UTF-8 text")
        }
        var out = Set<String>()
        for line in text.split(whereSeparator: \.isNewline) {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty, !t.hasPrefix("#") else { continue }
            out.insert(String(t.split(separator: " ", maxSplits: 1)[0]))
        }
        return out
    }
}

/// The Gosuslugi-style diary portal on loopback (formats/diary-feed.md): takes event
/// batches, deduplicates by `eventId`, rejects guardians it cannot link, and injects the
/// same seeded faults as the АСУ РСО emulator. For tests, the demo and rehearsals.
public enum DiaryEmulator {
    public static let batchPath = "/api/diary/v1/events:batch"

    public static func start(_ options: DiaryEmulatorOptions) throws(EmulatorError) -> RunningDiaryEmulator {
        var rng = SplitMix64(seed: options.seed ^ 0xD1A2_7F00_5EED_0001)
        let token = "diary-" + String(rng.next(), radix: 16) + String(rng.next(), radix: 16)
        let core = DiaryCore(options: options, token: token)
        do {
            let server = try HTTPServer(port: options.port) { core.handle($0) }
            return RunningDiaryEmulator(server: server, core: core)
        } catch {
            throw EmulatorError(error.description)
        }
    }
}

/// A started diary emulator. `stop()` closes the port.
public final class RunningDiaryEmulator: Sendable {
    public let url: URL
    public let port: UInt16
    public let schoolID: String
    public let token: String
    private let server: HTTPServer
    private let core: DiaryCore

    init(server: HTTPServer, core: DiaryCore) {
        self.server = server
        self.core = core
        port = server.port
        url = URL(string: server.url)!
        schoolID = core.options.schoolID
        token = core.token
    }

    /// `url=<URL> school-id=<ID> token=<TOKEN>`: the one line the CLI prints on stdout.
    public var readyLine: String { "url=\(url.absoluteString) school-id=\(schoolID) token=\(token)" }

    public func stop() { server.stop() }
    public func waitUntilStopped() { server.wait() }

    /// As `GET /_emulator/stats`: `{"events_accepted", "duplicates", "rejected", "faults_injected"}`.
    public func stats() -> JSON { core.state.withLock { $0.portal.stats } }

    /// Every accepted event, in the order it was accepted (as `GET /_emulator/events`).
    public func acceptedEvents() -> [JSON] { core.state.withLock { $0.portal.accepted } }

    /// Lets the portal link more guardians, or fewer (as `POST /_emulator/guardians`).
    public func setKnownGuardians(_ ids: Set<String>?) { core.state.withLock { $0.portal.knownGuardians = ids } }
}

/// The emulator's one lock: the portal state and the fault generator.
struct DiaryCoreState {
    var portal: DiaryPortal
    var faults: FaultInjector
}

final class DiaryCore: Sendable {
    let options: DiaryEmulatorOptions
    let token: String
    let state: Mutex<DiaryCoreState>

    init(options: DiaryEmulatorOptions, token: String) {
        self.options = options
        self.token = token
        state = Mutex(DiaryCoreState(portal: DiaryPortal(schoolID: options.schoolID, knownGuardians: options.knownGuardians),
                                     faults: FaultInjector(spec: options.faults, seed: options.seed)))
    }

    func handle(_ req: HTTPRequest) -> HTTPResponse {
        if req.path.hasPrefix("/_emulator/") { return state.withLock { control(req, &$0) } }
        var response = state.withLock { protocolRequest(req, &$0) }
        response.delay = options.faults.latency
        options.log?("\(req.method) \(req.path) → \(response.fault.map { "\($0)" } ?? String(response.status))")
        return response
    }

    private func protocolRequest(_ req: HTTPRequest, _ s: inout DiaryCoreState) -> HTTPResponse {
        guard req.path == DiaryEmulator.batchPath else { return .message("Не найдено", status: 404) }
        guard req.method == "POST" else { return .message("Метод не поддерживается", status: 405) }
        let decision = s.faults.decide(isBatch: true, isFeed: false, hasSession: true)
        func inject() { s.faults.record(decision); s.portal.faultsInjected += 1 }
        switch decision {
        case .status(let code):
            inject()
            var r = HTTPResponse.message(code == 500 ? "Внутренняя ошибка сервера" : code == 503 ? "Сервис временно недоступен" : "Слишком много запросов", status: code)
            if code != 500 { r.headers.add("Retry-After", String(options.faults.retryAfter)) }
            return r
        case .dropBefore:
            inject()
            var r = HTTPResponse(status: 0)
            r.fault = .drop
            return r
        case .expireToken:
            inject()
            return .message("Срок действия токена истёк", status: 401)
        default:
            break
        }
        guard req.headers["Authorization"] == "Bearer \(token)" else { return .message("Неверный токен", status: 401) }
        let (status, answer) = s.portal.apply(req.body)
        var response = HTTPResponse.json(answer, status: status)
        switch decision {
        case .dropAfter: inject(); response.fault = .drop
        case .truncate: inject(); response.fault = .truncate
        default: break
        }
        return response
    }

    private func control(_ req: HTTPRequest, _ s: inout DiaryCoreState) -> HTTPResponse {
        switch (req.method, req.path) {
        case ("GET", "/_emulator/stats"):
            return .json(s.portal.stats)
        case ("GET", "/_emulator/events"):
            let guardian = req.query["guardian"]
            let events = s.portal.accepted.filter { e in
                guardian.map { g in (e["recipients"]?.array ?? []).contains { $0["guardianId"]?.string == g } } ?? true
            }
            return .json(.object([("events", .array(events))]))
        case ("GET", "/_emulator/faults"):
            let counts: [(String, JSON)] = FaultSpec.keys.filter { $0 != "latency" && $0 != "retry-after" }
                .map { ($0, .int(s.faults.counts[$0] ?? 0)) } + [("drop-after-apply", .int(s.faults.counts["drop-after-apply"] ?? 0))]
            return .json(.object([("spec", .string(options.faults.description)), ("seed", .string(String(options.seed))),
                                  ("injected", .object(counts))]))
        case ("POST", "/_emulator/guardians"):
            guard let body = try? JSON.parse(bytes: req.body) else { return .message("expected {\"add\": [...], \"remove\": [...]}", status: 400) }
            var known = s.portal.knownGuardians ?? []
            for g in body["add"]?.array ?? [] { if let id = g.string { known.insert(id) } }
            for g in body["remove"]?.array ?? [] { if let id = g.string { known.remove(id) } }
            s.portal.knownGuardians = known
            return .json(.object([("known_guardians", .int(known.count))]))
        default:
            return .message("unknown emulator endpoint; see docs/diary-feed.md", status: 404)
        }
    }
}
