import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JournalModel
import PortalEmulator

/// A broken counterpart on loopback: a proxy in front of a real emulator that forwards every
/// request and lets a test rewrite the answer — empty lists, wrong shapes, foreign rows,
/// redirects — as a broken portal or a proxy in front of one would. Every request it saw is
/// kept, with its headers, so that a test can tell what the gateway sent.
final class HostilePortal: @unchecked Sendable {
    typealias Rewrite = @Sendable (HTTPRequest, HTTPResponse) -> HTTPResponse
    private let lock = NSLock()
    private var rewrite: Rewrite
    private var seen: [HTTPRequest] = []
    private var server: HTTPServer!
    let upstream: URL
    var url: URL { URL(string: server.url)! }

    init(upstream: URL, rewrite: @escaping Rewrite = { $1 }) throws {
        self.upstream = upstream
        self.rewrite = rewrite
        server = try HTTPServer { [unowned self] request in self.handle(request) }
    }

    deinit { server.stop() }

    func set(_ r: @escaping Rewrite) { lock.withLock { rewrite = r } }
    var requests: [HTTPRequest] { lock.withLock { seen } }
    /// The requests whose path ends with `suffix`.
    func requests(_ suffix: String) -> [HTTPRequest] { requests.filter { $0.path.hasSuffix(suffix) } }

    private func handle(_ request: HTTPRequest) -> HTTPResponse {
        let r = lock.withLock { seen.append(request); return rewrite }
        return r(request, forward(request))
    }

    /// The upstream's answer to the same request (a blocking call on the connection's thread).
    private func forward(_ request: HTTPRequest) -> HTTPResponse {
        var c = URLComponents(url: upstream.appendingPathComponent(request.path), resolvingAgainstBaseURL: false)!
        if !request.query.isEmpty { c.queryItems = request.query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        var req = URLRequest(url: c.url!)
        req.httpMethod = request.method
        for (n, v) in request.headers where !["host", "content-length", "connection"].contains(n.lowercased()) { req.setValue(v, forHTTPHeaderField: n) }
        if !request.body.isEmpty { req.httpBody = Data(request.body) }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var answer = HTTPResponse(status: 502)
        URLSession.shared.dataTask(with: req) { data, response, _ in
            if let http = response as? HTTPURLResponse {
                var headers = HTTPHeaders()
                for (k, v) in http.allHeaderFields where String(describing: k).lowercased() != "content-length" {
                    headers.add(String(describing: k), String(describing: v))
                }
                answer = HTTPResponse(status: http.statusCode, headers: headers, body: Array(data ?? Data()))
            }
            done.signal()
        }.resume()
        done.wait()
        return answer
    }
}

extension HTTPResponse {
    /// The body as JSON, if it is.
    var json: JSON? { try? JSON.parse(bytes: body) }
}
