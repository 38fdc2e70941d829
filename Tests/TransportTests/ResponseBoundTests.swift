import Foundation
import Testing
import PortalEmulator
@testable import Transport

#if canImport(Glibc)
import Glibc
#endif

/// F9: a response is read only up to `maxResponseBytes`; nothing here asserts elapsed
/// time, only what happened (error kind, attempts, bytes the server got to send).
struct ResponseBoundTests {
    static let cap = 1 << 20
    /// What the hostile servers offer: far beyond the cap, paced (64 KiB a millisecond at
    /// most: a minute at full speed) so that a client starved for seconds on a loaded
    /// machine still stops reading long before the end (issue 15 item 6: no test depends
    /// on the machine's speed).
    static let offered = 4 << 30

    func cappedPolicy() -> RetryPolicy {
        var p = fastPolicy(attempts: 4, timeout: .seconds(60))
        p.maxResponseBytes = Self.cap
        p.requestDeadline = .seconds(300)
        return p
    }

    /// Sends `total` bytes in 64 KiB pieces, one a millisecond, until the client hangs up.
    static func stream(_ conn: RawConnection, total: Int, chunked: Bool) {
        let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
        let frame = chunked ? Array("10000\r\n".utf8) + piece + Array("\r\n".utf8) : piece
        var sent = 0
        while sent < total {
            guard conn.body(frame) else { return }
            sent += piece.count
            usleep(1000)
        }
        if chunked { conn.body(Array("0\r\n\r\n".utf8)) }
    }

    @Test func declaredLengthAboveTheCapIsRefusedAtTheHeadAndNotRetried() async throws {
        let s = try RawServer { conn in
            conn.head(["HTTP/1.1 200 OK", "Content-Type: application/json", "Content-Length: \(Self.offered)"])
            Self.stream(conn, total: Self.offered, chunked: false)
        }
        defer { s.stop() }
        let e = await #expect(throws: TransportError.self) { try await HTTPClient(policy: cappedPolicy()).send(HTTPRequestSpec(url: s.url)) }
        #expect(e?.kind == .tooLarge)
        #expect(e?.attempts == 1)
        #expect(e?.description.contains("\(Self.offered)") == true && e?.description.contains("\(Self.cap)") == true,
                "says the declared size and the cap: \(e?.description ?? "")")
        #expect(s.requests.count == 1, "a body too large now is as large next time: not retried")
        #expect(s.bodyBytesSent < Self.offered, "the client hung up instead of reading it all")
    }

    @Test(arguments: [true, false])
    func bodyWithoutALengthIsCutAtTheCap(chunked: Bool) async throws {
        let s = try RawServer { conn in
            conn.head(["HTTP/1.1 200 OK", "Content-Type: application/json",
                       chunked ? "Transfer-Encoding: chunked" : "Connection: close"])
            Self.stream(conn, total: Self.offered, chunked: chunked)
        }
        defer { s.stop() }
        let e = await #expect(throws: TransportError.self) { try await HTTPClient(policy: cappedPolicy()).send(HTTPRequestSpec(url: s.url)) }
        #expect(e?.kind == .tooLarge)
        #expect(e?.attempts == 1)
        #expect(e?.description.contains("\(Self.cap)") == true, "names the cap: \(e?.description ?? "")")
        #expect(s.requests.count == 1)
        #expect(s.bodyBytesSent < Self.offered, "the client stopped reading once past the cap")
    }

    /// A guard against an off-by-one: exactly the cap is still an answer.
    @Test func bodyOfExactlyTheCapIsReturnedWhole() async throws {
        let s = try ScriptedServer { _, _ in HTTPResponse(status: 200, body: [UInt8](repeating: 65, count: Self.cap)) }
        let r = try await HTTPClient(policy: cappedPolicy()).send(HTTPRequestSpec(url: s.url))
        #expect(r.status == 200 && r.body.count == Self.cap)
    }
}
