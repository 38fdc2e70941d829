import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTP request as adapters build it.
public struct HTTPRequestSpec: Sendable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: Data?
    /// Whether the request may be sent again after a failure that might have reached the
    /// server (a POST is retried only when it carries an idempotency key).
    public var idempotent: Bool

    public init(method: String = "GET", url: URL, headers: [String: String] = [:], body: Data? = nil, idempotent: Bool? = nil) {
        self.method = method; self.url = url; self.headers = headers; self.body = body
        self.idempotent = idempotent ?? (method == "GET" || method == "PUT" || method == "DELETE" || headers["Idempotency-Key"] != nil)
    }
}

/// A response: status, headers (names lower-cased), body.
public struct HTTPResponseData: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: Data
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// How hard to try before calling a counterpart unreachable.
public struct RetryPolicy: Sendable {
    public var maxAttempts = 6
    public var baseDelay: Duration = .milliseconds(200)
    public var maxDelay: Duration = .seconds(20)
    /// The gateway's own deadline for one attempt (URLSession on Linux truncates its
    /// timeouts to whole seconds and ignores the resource timeout).
    public var attemptTimeout: Duration = .seconds(30)
    /// Longest `Retry-After` honoured; longer ones count as unavailable.
    public var maxRetryAfter: Duration = .seconds(120)
    public init() {}
}

/// The counterpart could not be reached, or kept failing, after every retry.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public let url: String
    public let attempts: Int
    public let reason: String
    public var description: String { "\(url): unavailable after \(attempts) attempt(s): \(reason)" }
}

/// One long-lived URLSession with retries, backoff with jitter, `Retry-After`, the
/// gateway's own per-attempt deadline, and a bound on requests in flight per host.
public final class HTTPClient: Sendable {
    private let session: URLSession
    private let gate: AsyncGate
    public let policy: RetryPolicy
    /// Called before each retry with (attempt, reason, delay): progress and logs.
    private let onRetry: @Sendable (Int, String, Duration) -> Void

    public init(policy: RetryPolicy = RetryPolicy(), maxInFlightPerHost: Int = 4,
                onRetry: @escaping @Sendable (Int, String, Duration) -> Void = { _, _, _ in }) {
        let config = URLSessionConfiguration.ephemeral
        config.urlCache = nil
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.httpMaximumConnectionsPerHost = maxInFlightPerHost
        config.timeoutIntervalForRequest = max(1, Double(policy.attemptTimeout.components.seconds) + 1)
        config.httpCookieStorage = nil
        session = URLSession(configuration: config)
        gate = AsyncGate(limit: maxInFlightPerHost)
        self.policy = policy
        self.onRetry = onRetry
    }

    deinit { session.invalidateAndCancel() }

    /// Where attempt deadlines fire: a queue of its own, which Dispatch always gives a
    /// thread, so a deadline is kept even when the shared pools are busy or blocked.
    static let deadlines = DispatchQueue(label: "journal-gateway.http-deadlines")

    /// Sends a request, retrying 5xx, 429, dropped connections and timeouts. Other
    /// statuses (2xx, 4xx) are returned to the caller to interpret.
    ///
    /// - Throws: ``TransportError`` when every attempt failed.
    public func send(_ spec: HTTPRequestSpec) async throws -> HTTPResponseData {
        var attempt = 0
        var lastReason = ""
        while true {
            attempt += 1
            let delay: Duration
            do {
                let r = try await gate.run { try await self.once(spec) }
                switch r.status {
                case 429, 503:
                    lastReason = "HTTP \(r.status)"
                    let after = r.header("Retry-After").flatMap(Double.init).map { Duration.milliseconds(Int($0 * 1000)) }
                    if let after, after > policy.maxRetryAfter {
                        throw TransportError(url: spec.url.absoluteString, attempts: attempt, reason: "\(lastReason), Retry-After \(after)")
                    }
                    delay = after ?? backoff(attempt)
                case 500...599:
                    lastReason = "HTTP \(r.status)"
                    delay = backoff(attempt)
                default:
                    return r
                }
            } catch let e as TransportError {
                throw e
            } catch let e as AttemptFailure {
                lastReason = e.reason
                guard spec.idempotent || !e.mayHaveReachedServer else {
                    throw TransportError(url: spec.url.absoluteString, attempts: attempt, reason: "\(e.reason) (not retried: the request is not idempotent)")
                }
                delay = backoff(attempt)
            }
            guard attempt < policy.maxAttempts else {
                throw TransportError(url: spec.url.absoluteString, attempts: attempt, reason: lastReason)
            }
            onRetry(attempt, lastReason, delay)
            try await Task.sleep(for: delay)
        }
    }

    /// Exponential backoff with full jitter.
    func backoff(_ attempt: Int) -> Duration {
        let capped = min(policy.baseDelay * (1 << min(attempt - 1, 16)), policy.maxDelay)
        let ms = Double(capped.components.seconds) * 1000 + Double(capped.components.attoseconds) / 1e15
        return .milliseconds(Int(Double.random(in: 0.5...1.0) * ms))
    }

    struct AttemptFailure: Error {
        let reason: String
        let mayHaveReachedServer: Bool
    }

    private func once(_ spec: HTTPRequestSpec) async throws -> HTTPResponseData {
        var req = URLRequest(url: spec.url)
        req.httpMethod = spec.method
        for (k, v) in spec.headers { req.setValue(v, forHTTPHeaderField: k) }
        req.httpBody = spec.body
        // A request with a body goes on a fresh connection: when a kept-alive connection
        // turns out closed by the server, libcurl resends the request by itself, and on
        // Linux that resend can stall without its body until the attempt's deadline (seen:
        // 30 s). A write costs one more connect; reads keep the connection.
        if spec.body != nil, spec.headers.keys.allSatisfy({ $0.lowercased() != "connection" }) {
            req.setValue("close", forHTTPHeaderField: "Connection")
        }
        let box = TaskBox()
        let timeout = policy.attemptTimeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (cont: CheckedContinuation<HTTPResponseData, Error>) in
                box.setContinuation(cont)
                let task = session.dataTask(with: req) { data, response, error in
                    box.finish(Self.result(data, response, error, timeout: timeout))
                }
                box.set(task)
                task.resume()
                // The deadline answers by itself: it does not wait for URLSession to report the
                // cancelled task (its delegate queue may be slow to run on a busy machine).
                HTTPClient.deadlines.asyncAfter(deadline: .now() + .milliseconds(Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))) {
                    box.timeOut(AttemptFailure(reason: "no answer within \(timeout)", mayHaveReachedServer: true))
                }
            }
        } onCancel: {
            box.cancel()
        }
    }

    /// One attempt's outcome from what URLSession reported.
    private static func result(_ data: Data?, _ response: URLResponse?, _ error: Error?, timeout: Duration) -> Result<HTTPResponseData, Error> {
        if let error {
            let ns = error as NSError
            let reached = !(ns.code == NSURLErrorCannotConnectToHost || ns.code == NSURLErrorCannotFindHost
                            || ns.code == NSURLErrorDNSLookupFailed)
            return .failure(AttemptFailure(reason: ns.code == NSURLErrorTimedOut ? "no answer within \(timeout)" : ns.localizedDescription,
                                           mayHaveReachedServer: reached))
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(AttemptFailure(reason: "not an HTTP response", mayHaveReachedServer: true))
        }
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
        let body = data ?? Data()
        if let declared = headers["content-length"].flatMap(Int.init), declared != body.count {
            return .failure(AttemptFailure(reason: "truncated response (\(body.count) of \(declared) bytes)", mayHaveReachedServer: true))
        }
        return .success(HTTPResponseData(status: http.statusCode, headers: headers, body: body))
    }
}

/// One attempt: its URLSession task and its continuation, resumed exactly once by
/// whichever comes first — the answer, the deadline or a cancellation.
private final class TaskBox: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var continuation: CheckedContinuation<HTTPResponseData, Error>?

    func set(_ t: URLSessionDataTask) { lock.withLock { task = t } }
    func setContinuation(_ c: CheckedContinuation<HTTPResponseData, Error>) { lock.withLock { continuation = c } }

    /// Resumes the continuation unless that was done already.
    func finish(_ r: Result<HTTPResponseData, Error>) {
        let c: CheckedContinuation<HTTPResponseData, Error>? = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        c?.resume(with: r)
    }

    /// The deadline passed: answer with `failure` now and stop the task.
    func timeOut(_ failure: Error) {
        finish(.failure(failure))
        lock.withLock { task }?.cancel()
    }

    func cancel() { lock.withLock { task }?.cancel() }
}

/// At most `limit` operations at once; the rest wait in order.
actor AsyncGate {
    private let limit: Int
    private var running = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = max(1, limit) }

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if running >= limit { await withCheckedContinuation { waiters.append($0) } } else { running += 1 }
        defer { release() }
        return try await body()
    }

    private func release() {
        if waiters.isEmpty { running -= 1 } else { waiters.removeFirst().resume() }
    }
}
