import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads HTTP/1.1 requests from a connected socket, one after another (keep-alive).
struct HTTPRequestReader {
    enum Outcome {
        case request(HTTPRequest, keepAlive: Bool)
        /// The peer closed, the socket failed or stayed idle too long.
        case closed
        /// A malformed request: answer this status and close.
        case bad(Int, String)
    }

    static let maxHead = 64 * 1024
    static let maxBody = 64 * 1024 * 1024

    let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    mutating func next() -> Outcome {
        var scanned = 0
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find(crlfcrlf: buffer, from: max(0, scanned - 3))
            scanned = buffer.count
            if headEnd != nil { break }
            if buffer.count > Self.maxHead { return .bad(431, "request head larger than 64 KiB") }
            guard fill() else { return .closed }
        }
        let end = headEnd!
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        // "\r\n" is one Character: the head splits on it as on the two bytes.
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else {
            return .bad(400, "malformed request line")
        }
        var headers = HTTPHeaders()
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return .bad(400, "malformed header line «\(line)»") }
            headers.add(String(line[..<colon]), Self.trimmed(line[line.index(after: colon)...]))
        }
        if headers["Transfer-Encoding"] != nil {
            return .bad(411, "chunked request bodies are not supported: send Content-Length")
        }
        var length = 0
        if let text = headers["Content-Length"] {
            guard let n = Int(text), n >= 0 else { return .bad(400, "bad Content-Length «\(text)»") }
            guard n <= Self.maxBody else { return .bad(413, "request body larger than 64 MiB") }
            length = n
        }
        let bodyStart = end + 4
        if headers["Expect"]?.lowercased() == "100-continue", buffer.count < bodyStart + length {
            guard HTTPWire.send(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return .closed }
        }
        while buffer.count < bodyStart + length {
            guard fill() else { return .closed }
        }
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeFirst(bodyStart + length)
        let connection = headers["Connection"]?.lowercased() ?? ""
        let keepAlive = requestLine[2] == "HTTP/1.1" ? connection != "close" : connection == "keep-alive"
        let request = HTTPRequest(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
        return .request(request, keepAlive: keepAlive)
    }

    /// A header value without the white space around it (tabs and Unicode spaces, as
    /// `CharacterSet.whitespaces` has them).
    static func trimmed(_ s: Substring) -> String {
        func space(_ u: Unicode.Scalar) -> Bool { u == "\t" || u.properties.generalCategory == .spaceSeparator }
        var scalars = s.unicodeScalars[...]
        while let f = scalars.first, space(f) { scalars.removeFirst() }
        while let l = scalars.last, space(l) { scalars.removeLast() }
        return String(scalars)
    }

    /// Reads what the socket has into the buffer; false on end of stream, error or idle timeout.
    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { buffer.append(contentsOf: chunk[0..<n]); return true }
            if n < 0 && errno == EINTR { continue }
            return false
        }
    }

    private static func find(crlfcrlf b: [UInt8], from start: Int) -> Int? {
        guard b.count >= 4 else { return nil }
        var i = start
        while i + 3 < b.count {
            if b[i] == 13, b[i + 1] == 10, b[i + 2] == 13, b[i + 3] == 10 { return i }
            i += 1
        }
        return nil
    }
}

/// Writing responses to a socket.
enum HTTPWire {
    /// Head and body in one buffer (one `send` for small answers).
    static func encode(_ r: HTTPResponse, keepAlive: Bool) -> [UInt8] {
        head(r, contentLength: r.body.count, keepAlive: keepAlive) + r.body
    }

    /// A head announcing the full length followed by only half of the body (at least one byte short).
    static func encodeTruncated(_ r: HTTPResponse) -> [UInt8] {
        head(r, contentLength: max(r.body.count, 1), keepAlive: true) + r.body.prefix(r.body.count / 2)
    }

    static func head(_ r: HTTPResponse, contentLength: Int, keepAlive: Bool) -> [UInt8] {
        var s = "HTTP/1.1 \(r.status) \(HTTPResponse.reason(r.status))\r\n"
        for (name, value) in r.headers {
            let lower = name.lowercased()
            if lower == "content-length" || lower == "connection" { continue }
            s += "\(name): \(value)\r\n"
        }
        // A 204 has no body and, by RFC 9110, no Content-Length either.
        if r.status != 204 { s += "Content-Length: \(contentLength)\r\n" }
        s += "Connection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
        return Array(s.utf8)
    }

    /// Sends every byte (no SIGPIPE); false when the peer is gone.
    static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { p in
                #if canImport(Glibc)
                Glibc.send(fd, p.baseAddress! + sent, p.count - sent, Int32(MSG_NOSIGNAL))
                #else
                Darwin.send(fd, p.baseAddress! + sent, p.count - sent, 0)
                #endif
            }
            if n > 0 { sent += n; continue }
            if n < 0 && errno == EINTR { continue }
            return false
        }
        return true
    }
}
