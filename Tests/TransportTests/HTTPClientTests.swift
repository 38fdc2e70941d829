import Foundation
import Synchronization
import Testing
import PortalEmulator
@testable import Transport

/// A loopback server whose answers a test scripts, counting the requests it gets.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
    var count: Int { value.withLock { $0 } }
}

final class ScriptedServer: Sendable {
    let server: HTTPServer
    let hits = Counter()

    init(_ answer: @escaping @Sendable (Int, HTTPRequest) -> HTTPResponse) throws {
        let hits = self.hits
        server = try HTTPServer(port: 0) { req in answer(hits.next(), req) }
    }
    var url: URL { URL(string: server.url + "/x")! }
    var count: Int { hits.count }
    deinit { server.stop() }
}

func fastPolicy(attempts: Int = 4, timeout: Duration = .seconds(2)) -> RetryPolicy {
    var p = RetryPolicy()
    p.maxAttempts = attempts
    p.baseDelay = .milliseconds(10)
    p.maxDelay = .milliseconds(50)
    p.attemptTimeout = timeout
    return p
}

struct HTTPClientTests {
    @Test func retriesServerErrorsThenSucceeds() async throws {
        let s = try ScriptedServer { n, _ in n < 3 ? HTTPResponse(status: 500) : .message("ok", status: 200) }
        let retries = Counter()
        let client = HTTPClient(policy: fastPolicy(), onRetry: { _, _, _ in _ = retries.next() })
        let r = try await client.send(HTTPRequestSpec(url: s.url))
        #expect(r.status == 200)
        #expect(s.count == 3)
        #expect(retries.count == 2)
    }

    @Test func honoursRetryAfter() async throws {
        let s = try ScriptedServer { n, _ in
            n == 1 ? HTTPResponse(status: 429, headers: ["Retry-After": "1"]) : .message("ok", status: 200)
        }
        let client = HTTPClient(policy: fastPolicy())
        let start = ContinuousClock.now
        let r = try await client.send(HTTPRequestSpec(url: s.url))
        #expect(r.status == 200)
        #expect(ContinuousClock.now - start >= .milliseconds(950), "waited the second the server asked for")
    }

    @Test func givesUpAfterTheLastAttemptWithAClearError() async throws {
        let s = try ScriptedServer { _, _ in HTTPResponse(status: 503) }
        let client = HTTPClient(policy: fastPolicy(attempts: 3))
        await #expect(throws: TransportError.self) { try await client.send(HTTPRequestSpec(url: s.url)) }
        #expect(s.count == 3)
    }

    @Test func enforcesItsOwnAttemptDeadline() async throws {
        let s = try ScriptedServer { n, _ in
            var r = HTTPResponse.message("late", status: 200)
            if n == 1 { r.delay = 20 }
            return r
        }
        let client = HTTPClient(policy: fastPolicy(attempts: 6, timeout: .seconds(2)))
        // No clock here (a loaded machine would make it flaky): had the 20 s first attempt
        // been waited out, it would have been the answer, and the server would count 1. A
        // loaded machine may also cut a later attempt, so: at least a second one answered.
        let r = try await client.send(HTTPRequestSpec(url: s.url))
        #expect(r.status == 200)
        #expect(s.count >= 2)
    }

    @Test func clientErrorsAreReturnedNotRetried() async throws {
        let s = try ScriptedServer { _, _ in .message("нет", status: 404) }
        let r = try await HTTPClient(policy: fastPolicy()).send(HTTPRequestSpec(url: s.url))
        #expect(r.status == 404)
        #expect(s.count == 1)
    }

    @Test func unreachableHostIsATransportError() async throws {
        // A port nobody listens on: bind one, then close it.
        let s = try ScriptedServer { _, _ in .message("x", status: 200) }
        let url = s.url
        s.server.stop()
        await #expect(throws: TransportError.self) { try await HTTPClient(policy: fastPolicy(attempts: 2)).send(HTTPRequestSpec(url: url)) }
    }
}
