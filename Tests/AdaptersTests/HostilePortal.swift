import Foundation
import Synchronization
import Testing
import JournalModel
import PortalEmulator
import SyncModel
import Transport
@testable import Adapters

/// A scripted portal on loopback for hostile-portal tests: each route (`GET /webapi/terms`)
/// answers what the test set — any status, any bytes (wrong shapes, foreign classes,
/// malformed JSON, a feed going backwards). Routes not set answer 404. Requests are logged.
final class HostilePortal: Sendable {
    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
        var headers: [(String, String)] = []

        /// A JSON text as it is (it need not be valid JSON).
        static func json(_ text: String, status: Int = 200) -> Answer {
            Answer(status: status, body: Array(text.utf8), headers: [("Content-Type", "application/json; charset=utf-8")])
        }

        static func raw(_ bytes: [UInt8], status: Int = 200) -> Answer { Answer(status: status, body: bytes) }
    }

    typealias Route = @Sendable (HTTPRequest) -> Answer

    private final class State: Sendable {
        let routes: Mutex<[String: Route]>
        let log = Mutex<[String]>([])
        init(_ r: [String: Route]) { routes = Mutex(r) }
    }

    private let state: State
    private let server: HTTPServer

    init(_ initial: [String: Route] = [:]) throws {
        let state = State(initial)
        self.state = state
        server = try HTTPServer { req in
            let q = req.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
            state.log.withLock { $0.append("\(req.method) \(req.path)" + (q.isEmpty ? "" : "?" + q)) }
            guard let route = state.routes.withLock({ $0["\(req.method) \(req.path)"] }) else {
                return HTTPResponse(status: 404, headers: ["Content-Type": "text/plain"], body: Array("no such route".utf8))
            }
            let a = route(req)
            var h = HTTPHeaders()
            for (n, v) in a.headers { h.add(n, v) }
            return HTTPResponse(status: a.status, headers: h, body: a.body)
        }
    }

    var url: URL { URL(string: server.url)! }

    /// Sets (or replaces) what a route answers.
    func set(_ route: String, _ answer: @escaping Route) { state.routes.withLock { $0[route] = answer } }
    func set(_ route: String, _ answer: Answer) { set(route) { _ in answer } }
    func set(_ route: String, json text: String, status: Int = 200) { set(route, .json(text, status: status)) }

    var requests: [String] { state.log.withLock { $0 } }

    func stop() { server.stop() }

    /// A transport that does not wait long between retries.
    static func client() -> HTTPClient {
        var policy = RetryPolicy()
        policy.baseDelay = .milliseconds(1)
        policy.maxDelay = .milliseconds(5)
        policy.maxAttempts = 2
        return HTTPClient(policy: policy)
    }
}

/// What a hostile answer must make the adapter throw: `.malformed` naming the endpoint and
/// the field.
func expectMalformed(endpoint: String, field: String, expected: String? = nil, got: String? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected a malformed-answer error at \(endpoint) \(field), got none", sourceLocation: sourceLocation)
    } catch let e as PortalError {
        #expect(e.kind == .malformed, "\(e)", sourceLocation: sourceLocation)
        #expect(e.violation?.endpoint == endpoint, "\(e)", sourceLocation: sourceLocation)
        #expect(e.violation?.field == field, "\(e)", sourceLocation: sourceLocation)
        if let expected { #expect(e.violation?.expected.contains(expected) == true, "\(e)", sourceLocation: sourceLocation) }
        if let got { #expect(e.violation?.got.contains(got) == true, "\(e)", sourceLocation: sourceLocation) }
        #expect(e.description.contains(endpoint) && e.description.contains(field), sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected PortalError .malformed, got \(error)", sourceLocation: sourceLocation)
    }
}
