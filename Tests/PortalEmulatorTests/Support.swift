import Foundation
import JournalModel
import Synchronization
import Testing
@testable import PortalEmulator
#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let sampleSeed = packageRoot.appendingPathComponent("samples/asu-rso").path

/// A clock tests move by hand; starts on 22 November 2026, noon in Samara.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_795_334_400 + 8 * 3600))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: Double) { current.withLock { $0 += seconds } }
    var function: @Sendable () -> Date { { self.now } }
}

/// Starts the sample emulator with a test clock unless told otherwise.
func startEmulator(_ configure: (inout EmulatorOptions) -> Void = { _ in }) throws -> RunningEmulator {
    var options = EmulatorOptions(seedDir: sampleSeed, clock: TestClock().function)
    configure(&options)
    return try ASURSOEmulator.start(options)
}

/// One raw HTTP/1.1 answer.
struct RawResponse {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]
    var json: JSON { (try? JSON.parse(bytes: body)) ?? .null }
    var text: String { String(decoding: body, as: UTF8.self) }
}

enum RawClientError: Error { case connect, closed, truncated, timeout }

/// A blocking HTTP/1.1 client on one keep-alive socket: it sees drops and truncations exactly.
final class RawClient {
    private(set) var fd: Int32 = -1
    let port: UInt16
    private var buffer: [UInt8] = []
    /// Connections opened so far (keep-alive checks).
    private(set) var connections = 0

    init(port: UInt16) { self.port = port }
    deinit { disconnect() }

    func disconnect() {
        if fd >= 0 { close(fd); fd = -1 }
        buffer = []
    }

    private func connectIfNeeded() throws {
        guard fd < 0 else { return }
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let r = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard r == 0 else { close(s); throw RawClientError.connect }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        fd = s
        connections += 1
    }

    /// Sends one request and reads its answer; on any failure the connection is closed.
    func send(_ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = [],
              rawHead: String? = nil) throws -> RawResponse {
        try connectIfNeeded()
        var head = rawHead ?? "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n"
        if rawHead == nil { for (k, v) in headers { head += "\(k): \(v)\r\n" } ; head += "\r\n" }
        let bytes = Array(head.utf8) + body
        let ok = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) == $0.count }
        guard ok else { disconnect(); throw RawClientError.closed }
        do { return try readResponse() } catch { disconnect(); throw error }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 { buffer += chunk[0..<n]; return }
        if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw RawClientError.timeout }
        throw RawClientError.closed
    }

    private func readResponse() throws -> RawResponse {
        while true {
            var end: Int?
            while end == nil {
                if let i = find(buffer) { end = i } else { try fill() }
            }
            let head = String(decoding: buffer[0..<end!], as: UTF8.self).components(separatedBy: "\r\n")
            let status = Int(head[0].split(separator: " ")[1])!
            var headers = HTTPHeaders()
            for line in head.dropFirst() {
                let kv = line.split(separator: ":", maxSplits: 1)
                headers.add(String(kv[0]), kv[1].trimmingCharacters(in: .whitespaces))
            }
            buffer.removeFirst(end! + 4)
            if status == 100 { continue }
            let length = Int(headers["Content-Length"] ?? "0")!
            while buffer.count < length {
                do { try fill() } catch RawClientError.closed { throw RawClientError.truncated }
            }
            let body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            if headers["Connection"]?.lowercased() == "close" { disconnect() }
            return RawResponse(status: status, headers: headers, body: body)
        }
    }

    private func find(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i }
        return nil
    }
}

/// A portal client as the adapter would be: logs in, retries faults, re-logs in on 401.
final class PortalClient {
    let raw: RawClient
    let emulator: RunningEmulator
    var token: String?
    /// Answers that were faults (500/503/429, drops, truncations, 401s), for assertions.
    var faultsSeen = 0

    init(_ emulator: RunningEmulator) {
        self.emulator = emulator
        raw = RawClient(port: emulator.port)
    }

    /// The login form for a salt, as the protocol computes it.
    static func form(schoolID: String, login: String, password: String, lt: String, ver: String, salt: String) -> String {
        let inner = MD5.hex([UInt8](password.data(using: .windowsCP1251)!))
        let pw2 = MD5.hex(salt + inner)
        let pw = String(pw2.prefix(password.count))
        return "loginType=1&scid=\(URLEncoding.encode(schoolID))&un=\(URLEncoding.encode(login))&pw=\(pw)&pw2=\(pw2)&lt=\(lt)&ver=\(ver)"
    }

    /// getdata + login, retried through faults.
    func login(password: String? = nil) throws {
        for _ in 0..<100 {
            guard let d = try? raw.send("POST", "/webapi/auth/getdata"), d.status == 200 else { faultsSeen += 1; continue }
            let form = Self.form(schoolID: emulator.schoolID, login: emulator.login, password: password ?? emulator.password,
                                 lt: d.json["lt"]!.string!, ver: d.json["ver"]!.string!, salt: d.json["salt"]!.string!)
            guard let r = try? raw.send("POST", "/webapi/login", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                        body: Array(form.utf8)), r.status == 200, let at = r.json["at"]?.string else {
                faultsSeen += 1; continue
            }
            token = at
            return
        }
        throw RawClientError.closed
    }

    /// A request repeated until it is answered 2xx or 4xx (other than 401, which logs in again).
    func request(_ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = []) throws -> RawResponse {
        for _ in 0..<200 {
            if token == nil { try login() }
            var h = headers
            h["at"] = token
            guard let r = try? raw.send(method, target, headers: h, body: body) else { faultsSeen += 1; continue }
            if r.status == 401 { faultsSeen += 1; token = nil; continue }
            if r.status >= 500 || r.status == 429 { faultsSeen += 1; continue }
            return r
        }
        throw RawClientError.closed
    }

    func get(_ target: String) throws -> JSON { try request("GET", target).json }

    /// A batch under an idempotency key, retried with the same key.
    func batch(_ ops: [JSON], key: String) throws -> RawResponse {
        try request("POST", "/webapi/journal/batch", headers: ["Idempotency-Key": key, "Content-Type": "application/json"],
                    body: Array(JSON.object([("operations", .array(ops))]).serialized().utf8))
    }
}

/// `/_emulator/…` without a session.
func control(_ e: RunningEmulator, _ method: String, _ path: String, body: JSON? = nil) throws -> JSON {
    let c = RawClient(port: e.port)
    return try c.send(method, path, body: body.map { Array($0.serialized().utf8) } ?? []).json
}

/// A JSON object from Swift values (String, Int, Bool, nil, JSON), keys in order.
func obj(_ pairs: KeyValuePairs<String, Any?>) -> JSON {
    .object(pairs.map { k, v in
        switch v {
        case let s as String: return (k, .string(s))
        case let i as Int: return (k, .int(i))
        case let b as Bool: return (k, .bool(b))
        case let j as JSON: return (k, j)
        default: return (k, .null)
        }
    })
}

