import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JournalModel
import Testing
@testable import PortalEmulator

struct HTTPServerTests {
    /// Echoes what it parsed; `/drop`, `/truncate` and `/slow` misbehave on purpose.
    static func echoServer() throws -> HTTPServer {
        try HTTPServer { req in
            var r = HTTPResponse.json(.object([
                ("method", .string(req.method)), ("path", .string(req.path)),
                ("q", .string(req.query["q"] ?? "")), ("x", .string(req.headers["x-thing"] ?? "")),
                ("body", .int(req.body.count)),
            ]))
            switch req.path {
            case "/drop": r.fault = .drop
            case "/truncate": r.fault = .truncate
            case "/slow": r.delay = 0.2
            default: break
            }
            return r
        }
    }

    @Test func keepAliveServesTwoRequestsOnOneConnection() throws {
        let server = try Self.echoServer()
        defer { server.stop() }
        let c = RawClient(port: server.port)
        let a = try c.send("GET", "/a%20b?q=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82+%D0%BC%D0%B8%D1%80", headers: ["X-THING": "1"])
        let b = try c.send("POST", "/second", body: Array(repeating: 65, count: 100_000))
        #expect(c.connections == 1)
        #expect(a.json["path"]?.string == "/a b" && a.json["q"]?.string == "Привет мир" && a.json["x"]?.string == "1")
        #expect(b.json["body"]?.int == 100_000 && b.headers["connection"] == "keep-alive")
    }

    @Test func connectionCloseAndChunkedRequests() throws {
        let server = try Self.echoServer()
        defer { server.stop() }
        let c = RawClient(port: server.port)
        let closing = try c.send("GET", "/x", headers: ["Connection": "close"])
        #expect(closing.status == 200 && closing.headers["Connection"] == "close")
        let chunked = try c.send("", "", rawHead: "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        #expect(chunked.status == 411)
        let continued = try c.send("", "", rawHead: "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc")
        #expect(continued.status == 200 && continued.json["body"]?.int == 3)
        #expect(c.connections == 3)
    }

    @Test func wireFaultsDropTruncateAndDelay() throws {
        let server = try Self.echoServer()
        defer { server.stop() }
        let c = RawClient(port: server.port)
        #expect(throws: RawClientError.closed) { try c.send("GET", "/drop") }
        #expect(throws: RawClientError.truncated) { try c.send("GET", "/truncate") }
        let start = Date()
        #expect(try c.send("GET", "/slow").status == 200)
        #expect(Date().timeIntervalSince(start) >= 0.19)
    }

    @Test func stopClosesConnectionsAndReleasesThePort() throws {
        let server = try Self.echoServer()
        let port = server.port
        #expect(port != 0)
        let c = RawClient(port: port)
        #expect(try c.send("GET", "/").status == 200)
        server.stop()
        #expect(throws: (any Error).self) { try c.send("GET", "/") }
        let again = try HTTPServer(port: port) { _ in HTTPResponse(status: 204) }
        #expect(again.port == port)
        again.stop()
        server.stop()  // twice is harmless
    }

    /// The real client stack (URLSession over libcurl) against the emulator: login, a page, a batch.
    @Test func urlSessionSpeaksToTheEmulator() async throws {
        let e = try startEmulator()
        defer { e.stop() }
        let config = URLSessionConfiguration.ephemeral
        config.urlCache = nil
        let session = URLSession(configuration: config)
        func call(_ method: String, _ path: String, _ headers: [String: String] = [:], _ body: Data? = nil) async throws -> (Int, JSON) {
            var req = URLRequest(url: URL(string: e.url.absoluteString + path)!)
            req.httpMethod = method
            for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
            req.httpBody = body
            let (data, response) = try await session.data(for: req)
            return ((response as! HTTPURLResponse).statusCode, (try? JSON.parse(bytes: [UInt8](data))) ?? .null)
        }
        let (_, d) = try await call("POST", "/webapi/auth/getdata")
        let form = PortalClient.form(schoolID: e.schoolID, login: e.login, password: e.password,
                                     lt: d["lt"]!.string!, ver: d["ver"]!.string!, salt: d["salt"]!.string!)
        let (status, login) = try await call("POST", "/webapi/login", ["Content-Type": "application/x-www-form-urlencoded"], Data(form.utf8))
        #expect(status == 200)
        let at = try #require(login["at"]?.string)
        let (_, page) = try await call("GET", "/webapi/journal?classId=501&weekStart=2026-09-07", ["at": at])
        #expect(page["weekDays"]?.array?.count == 5)
        // A body well over 1 KiB: libcurl sends `Expect: 100-continue`.
        let ops = (0..<40).map { i in obj(["op": "upsertAttendance", "key": "A-\(i)", "classmeetingId": 777068, "studentId": 9007 + i % 8,
                                           "code": "ОП", "reason": nil, "baseVer": nil]) }
        let body = Data(JSON.object([("operations", .array(ops))]).serialized().utf8)
        let (batchStatus, results) = try await call("POST", "/webapi/journal/batch", ["at": at, "Idempotency-Key": "url-1",
                                                                                     "Content-Type": "application/json"], body)
        #expect(batchStatus == 200 && results["results"]?.array?.count == 40)
    }
}
