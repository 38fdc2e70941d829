import Foundation
import Synchronization
import Testing
import PortalEmulator
@testable import Transport

/// A loopback server that records every request it gets: "another origin" for redirects.
final class RecordingServer: Sendable {
    let server: HTTPServer
    private let log: RequestLog

    init() throws {
        let log = RequestLog()
        self.log = log
        server = try HTTPServer(port: 0) { req in log.add(req); return .message("landed", status: 200) }
    }
    var requests: [HTTPRequest] { log.all }
    deinit { server.stop() }
}

final class RequestLog: Sendable {
    private let m = Mutex<[HTTPRequest]>([])
    func add(_ r: HTTPRequest) { m.withLock { $0.append(r) } }
    var all: [HTTPRequest] { m.withLock { $0 } }
}

/// The credentials each counterpart's requests carry.
enum Credentials: String, CaseIterable, Sendable {
    /// АСУ РСО: the session's `at` header, on a GET.
    case asuRSO
    /// ЭПОС.Школа: `Auth-Token` and `Profile-Id`, on a GET.
    case epos
    /// The diary portal: a bearer token, on a POST with a body.
    case diary

    var headers: [String: String] {
        switch self {
        case .asuRSO: ["at": "asu-secret-at"]
        case .epos: ["Auth-Token": "epos-secret-token", "Profile-Id": "4242"]
        case .diary: ["Authorization": "Bearer diary-secret-token"]
        }
    }

    func spec(_ url: URL) -> HTTPRequestSpec {
        switch self {
        case .asuRSO, .epos: HTTPRequestSpec(url: url, headers: headers)
        case .diary: HTTPRequestSpec(method: "POST", url: url, headers: headers.merging(["Idempotency-Key": "b-1"]) { a, _ in a },
                                     body: Data(#"{"events":[]}"#.utf8), idempotent: true)
        }
    }
}

struct RedirectTests {
    @Test(arguments: [301, 302, 303, 307, 308], Credentials.allCases)
    func noRedirectToAnotherOriginCarriesCredentials(status: Int, credentials: Credentials) async throws {
        let other = try RecordingServer()
        let landing = other.server.url + "/landed"
        let origin = try ScriptedServer { _, _ in HTTPResponse(status: status, headers: ["Location": landing]) }
        let client = HTTPClient(policy: fastPolicy())

        let e = await #expect(throws: TransportError.self) { try await client.send(credentials.spec(origin.url)) }
        #expect(e?.kind == .redirectRefused)
        #expect(e?.location == landing)
        #expect(e?.description.contains(origin.url.absoluteString) == true && e?.description.contains(landing) == true,
                "names both URLs: \(e?.description ?? "")")
        #expect(other.requests.isEmpty, "the other origin got \(other.requests.map { Array($0.headers.fields.map(\.name)) })")
        let leaked = other.requests.filter { r in credentials.headers.keys.contains { r.headers[$0] != nil } }
        #expect(leaked.isEmpty)
        #expect(origin.count == 1, "a refused redirect is not retried")
    }

    @Test func anotherHostOnTheSamePortIsAnotherOrigin() async throws {
        let origin = try ScriptedServer { _, _ in .message("x", status: 200) }
        let port = origin.server.port
        let redirecting = try ScriptedServer { _, _ in HTTPResponse(status: 301, headers: ["Location": "http://localhost:\(port)/landed"]) }
        let client = HTTPClient(policy: fastPolicy())
        let e = await #expect(throws: TransportError.self) { try await client.send(Credentials.asuRSO.spec(redirecting.url)) }
        #expect(e?.kind == .redirectRefused)
        #expect(origin.count == 0)
    }

    @Test func sameOriginRedirectOfAGetIsFollowed() async throws {
        let paths = RequestLog()
        let s = try ScriptedServer { _, req in
            paths.add(req)
            return req.path == "/landed" ? .message("ok", status: 200)
                : HTTPResponse(status: 301, headers: ["Location": "/landed"], body: Array("moved".utf8))
        }
        let r = try await HTTPClient(policy: fastPolicy()).send(Credentials.asuRSO.spec(s.url))
        #expect(r.status == 200)
        #expect(String(decoding: r.body, as: UTF8.self) == #"{"message":"ok"}"#, "the 301's own body is not part of the answer")
        #expect(paths.all.map(\.path) == ["/x", "/landed"])
    }

    @Test(arguments: [301, 307, 308])
    func sameOriginRedirectOfAPostIsNotFollowed(status: Int) async throws {
        let s = try ScriptedServer { _, req in
            req.path == "/landed" ? .message("ok", status: 200) : HTTPResponse(status: status, headers: ["Location": "/landed"])
        }
        let e = await #expect(throws: TransportError.self) { try await HTTPClient(policy: fastPolicy()).send(Credentials.diary.spec(s.url)) }
        #expect(e?.kind == .redirectRefused)
        #expect(e?.location == s.server.url + "/landed")
        #expect(s.count == 1)
    }

    /// FoundationNetworking traps ("Received callback for HTTP redirection, but we're not
    /// waiting for it", "a task that is not in the registry") when a cancel reaches a task
    /// while it waits for the delegate's answer to a redirect. Deadlines of a few
    /// milliseconds and task cancellations land at random points of redirects here; the
    /// process must survive, and the other origin still gets nothing.
    @Test func redirectsRacingDeadlinesAndCancellationsDoNotTrap() async throws {
        let other = try RecordingServer()
        let same = try ScriptedServer { _, req in
            req.path == "/landed" ? .message("ok", status: 200) : HTTPResponse(status: 302, headers: ["Location": "/landed"])
        }
        let cross = try ScriptedServer { _, _ in HTTPResponse(status: 307, headers: ["Location": other.server.url + "/landed"]) }
        for i in 0..<300 {
            var p = fastPolicy(attempts: 2, timeout: .microseconds(Int.random(in: 200...4000)))
            p.requestDeadline = .seconds(5)
            let client = HTTPClient(policy: p)
            let url = i % 2 == 0 ? same.url : cross.url
            let t = Task { try await client.send(Credentials.asuRSO.spec(url)) }
            if i % 3 == 0 {
                try await Task.sleep(for: .microseconds(Int.random(in: 100...3000)))
                t.cancel()
            }
            _ = try? await t.value
        }
        #expect(other.requests.isEmpty)
    }

    @Test func originsCompareSchemeHostAndEffectivePort() {
        func same(_ a: String, _ b: String) -> Bool { HTTPClient.sameOrigin(URL(string: a)!, URL(string: b)!) }
        #expect(same("http://127.0.0.1:8080/a", "http://127.0.0.1:8080/b?c=d"))
        #expect(same("http://Portal.example/a", "http://portal.example:80/b"))
        #expect(same("https://portal.example/a", "https://portal.example:443/b"))
        #expect(!same("http://portal.example/a", "https://portal.example/a"))
        #expect(!same("https://portal.example/a", "https://portal.example.evil/a"))
        #expect(!same("http://127.0.0.1:8080/a", "http://127.0.0.1:8081/a"))
        #expect(!same("http://127.0.0.1:8080/a", "http://localhost:8080/a"))
    }
}
