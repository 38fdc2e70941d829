import JournalModel

/// HTTP header fields in arrival order; names compare case-insensitively.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}
    public init(dictionaryLiteral elements: (String, String)...) { for (n, v) in elements { add(n, v) } }

    /// The first value of a field, looked up case-insensitively.
    public subscript(name: String) -> String? {
        fields.first { Self.sameName($0.name, name) }?.value
    }

    /// Whether two field names are equal ignoring case (ASCII names, the HTTP kind, without
    /// lower-casing copies: a request looks up several fields among several).
    static func sameName(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var ascii = true
        for (x, y) in zip(a.utf8, b.utf8) {
            if x >= 0x80 || y >= 0x80 { ascii = false; break }
            if x == y { continue }
            let lx = x | 0x20
            guard lx == y | 0x20, lx >= 0x61, lx <= 0x7A else { return false }
        }
        return ascii || a.lowercased() == b.lowercased()
    }

    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    /// Replaces every field of that name with one value.
    public mutating func set(_ name: String, _ value: String) {
        let lower = name.lowercased()
        fields.removeAll { $0.name.lowercased() == lower }
        fields.append((name, value))
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}

/// One parsed request.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path without the query, percent-decoded.
    public var path: String
    /// Query parameters (the last one wins when a name repeats).
    public var query: [String: String]
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, path: String, query: [String: String] = [:], headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.method = method; self.path = path; self.query = query; self.headers = headers; self.body = body
    }

    /// Splits a request target such as `/webapi/changes?since=5&limit=500`.
    public init(method: String, target: String, headers: HTTPHeaders, body: [UInt8]) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = URLEncoding.decode(String(parts[0]), plusIsSpace: false)
        let query = parts.count > 1 ? URLEncoding.form(String(parts[1])) : [:]
        self.init(method: method, path: path, query: query, headers: headers, body: body)
    }

    /// The body decoded as `application/x-www-form-urlencoded`.
    public var form: [String: String] { URLEncoding.form(String(decoding: body, as: UTF8.self)) }
}

/// One response, with what the server should do to it on the wire.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Wait this many seconds before answering (injected latency).
    public var delay: Double = 0
    /// Misbehave on the wire instead of answering normally.
    public var fault: WireFault?

    /// Ways of answering badly on purpose.
    public enum WireFault: Sendable, Equatable {
        /// Close the connection without sending anything.
        case drop
        /// Send the head with the full `Content-Length`, then only part of the body, then close.
        case truncate
    }

    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status; self.headers = headers; self.body = body
    }

    /// A JSON answer (`application/json; charset=utf-8`).
    public static func json(_ value: JSON, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json; charset=utf-8"], body: Array(value.serialized().utf8))
    }

    /// `{"message": "…"}` with a status: how the platform reports errors.
    public static func message(_ text: String, status: Int) -> HTTPResponse {
        json(.object([("message", .string(text))]), status: status)
    }

    /// The reason phrase for a status code.
    public static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 411: return "Length Required"
        case 412: return "Precondition Failed"
        case 413: return "Content Too Large"
        case 422: return "Unprocessable Content"
        case 428: return "Precondition Required"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status \(status)"
        }
    }
}

/// Percent-decoding of paths, queries and form bodies.
public enum URLEncoding {
    /// Decodes `%XX` escapes (as UTF-8) and, in forms, `+` as a space. Bad escapes stay as written.
    public static func decode(_ text: String, plusIsSpace: Bool = true) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) {
                out.append(h << 4 | l); i += 3
            } else {
                out.append(plusIsSpace && b == UInt8(ascii: "+") ? 0x20 : b); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `a=1&b=2` as a dictionary (the last value wins).
    public static func form(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            out[decode(String(kv[0]))] = kv.count > 1 ? decode(String(kv[1])) : ""
        }
        return out
    }

    /// Encodes a form value: everything but unreserved ASCII is `%XX` of its UTF-8 bytes.
    public static func encode(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let h = String(b, radix: 16, uppercase: true)
                out += "%" + (h.count == 1 ? "0" + h : h)
            }
        }
        return out
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 48...57: return b - 48
        case 65...70: return b - 55
        case 97...102: return b - 87
        default: return nil
        }
    }
}
