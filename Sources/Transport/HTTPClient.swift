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

/// One long-lived URLSession with retries, backoff with jitter, `Retry-After`, the
/// gateway's own deadlines (per attempt and per request), a cap on a response's size,
/// no redirect to another origin, and a bound on requests in flight per host.
public final class HTTPClient: Sendable {
    private let session: URLSession
    private let delegate = SessionDelegate()
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
        session = URLSession(configuration: config, delegate: delegate, delegateQueue: nil)
        gate = AsyncGate(limit: maxInFlightPerHost)
        self.policy = policy
        self.onRetry = onRetry
    }

    /// No task is cancelled here: every attempt that ended early cancelled its own task
    /// already (under the lock that orders it with a redirect's answer), and a cancel from
    /// `invalidateAndCancel()` could land while a task waits for that answer, which traps
    /// in FoundationNetworking. The session goes once its last task has ended.
    deinit { session.finishTasksAndInvalidate() }

    /// Where attempt deadlines fire: a queue of its own, which Dispatch always gives a
    /// thread, so a deadline is kept even when the shared pools are busy or blocked.
    static let deadlines = DispatchQueue(label: "journal-gateway.http-deadlines")

    /// Sends a request, retrying 5xx, 429, dropped connections and timeouts within the
    /// request's deadline. Other statuses (2xx, 4xx) are returned to the caller to
    /// interpret. A redirect is followed only to the same origin, for a GET or HEAD
    /// without a body.
    ///
    /// The request runs on ``OffPoolExecutor``, not on Swift's cooperative pool: its waits
    /// (backoff, `Retry-After`, the answer) then resume on time even when every pool thread
    /// is blocked by a synchronous caller (a test runner's blocking tests, `blockingAwait`),
    /// so that the request's deadline measures the portal, not the host's scheduling.
    ///
    /// - Throws: ``TransportError``; its `kind` says why and `attempts` how many were made.
    public func send(_ spec: HTTPRequestSpec) async throws -> HTTPResponseData {
        try await withTaskExecutorPreference(OffPoolExecutor.shared) { try await self.sendOffPool(spec) }
    }

    private func sendOffPool(_ spec: HTTPRequestSpec) async throws -> HTTPResponseData {
        let clock = ContinuousClock()
        let deadline = clock.now + policy.requestDeadline
        var attempts = 0
        var lastReason = ""
        func failure(_ kind: TransportError.Kind, _ reason: String, location: String? = nil) -> TransportError {
            TransportError(url: spec.url.absoluteString, attempts: attempts, reason: reason, kind: kind, location: location)
        }
        let within = "the request's deadline of \(Self.text(policy.requestDeadline))"
        while true {
            attempts += 1
            let delay: Duration
            var askedToWait = false
            do {
                let r = try await gate.run { try await self.once(spec, deadline: deadline) }
                switch r.status {
                case 429, 503:
                    lastReason = "HTTP \(r.status)"
                    if let after = r.header("Retry-After").flatMap(Double.init).map({ Duration.milliseconds(Int(max(0, $0) * 1000)) }) {
                        lastReason += ", Retry-After \(Self.text(after))"
                        if after > policy.maxRetryAfter {
                            throw failure(.retryLater, "\(lastReason), longer than this run waits (\(Self.text(policy.maxRetryAfter)))")
                        }
                        delay = after
                        askedToWait = true
                    } else {
                        delay = backoff(attempts)
                    }
                case 500...599:
                    lastReason = "HTTP \(r.status)"
                    delay = backoff(attempts)
                default:
                    return r
                }
            } catch is NotStarted {
                attempts -= 1
                throw failure(.deadline, "\(within) passed before another attempt could start" + (lastReason.isEmpty ? "" : "; last: \(lastReason)"))
            } catch let f as HTTPAttempt.Failure {
                switch f {
                case let .redirect(status, from, to, why):
                    throw failure(.redirectRefused, "HTTP \(status) from \(from) to \(to): \(why)", location: to)
                case let .tooLarge(limit, declared?, _):
                    throw failure(.tooLarge, "Content-Length \(declared) bytes is above the limit of \(limit) bytes; not retried")
                case let .tooLarge(limit, nil, received):
                    throw failure(.tooLarge, "the body passed the limit of \(limit) bytes (\(received) received); reading stopped, not retried")
                case let .timedOut(after, bytes):
                    lastReason = "no complete answer within \(Self.text(after))" + (bytes > 0 ? " (\(bytes) bytes of the body arrived)" : "")
                    if after < policy.attemptTimeout || deadline - clock.now <= .zero {
                        throw failure(.deadline, "\(lastReason): \(within) passed")
                    }
                    guard spec.idempotent else { throw failure(.unavailable, "\(lastReason) (not retried: the request is not idempotent)") }
                    delay = backoff(attempts)
                case let .failed(reason, reached):
                    lastReason = reason
                    guard spec.idempotent || !reached else { throw failure(.unavailable, "\(reason) (not retried: the request is not idempotent)") }
                    delay = backoff(attempts)
                }
            }
            guard attempts < policy.maxAttempts else { throw failure(askedToWait ? .retryLater : .unavailable, lastReason) }
            let left = deadline - clock.now
            if delay >= left {
                if askedToWait { throw failure(.retryLater, "\(lastReason): waiting would pass \(within) (\(Self.text(left)) left)") }
                throw failure(.deadline, "\(lastReason); the next attempt would start after \(within)")
            }
            onRetry(attempts, lastReason, delay)
            try await Task.sleep(for: delay)
        }
    }

    /// Exponential backoff with full jitter.
    func backoff(_ attempt: Int) -> Duration {
        let capped = min(policy.baseDelay * (1 << min(attempt - 1, 16)), policy.maxDelay)
        let ms = Double(capped.components.seconds) * 1000 + Double(capped.components.attoseconds) / 1e15
        return .milliseconds(Int(Double.random(in: 0.5...1.0) * ms))
    }

    /// The request's deadline had passed before the attempt started (it was not made).
    struct NotStarted: Error {}

    /// One attempt, within `min(attemptTimeout, what is left of the request's deadline)`.
    private func once(_ spec: HTTPRequestSpec, deadline: ContinuousClock.Instant) async throws -> HTTPResponseData {
        let left = deadline - ContinuousClock.now
        guard left > .zero else { throw NotStarted() }
        let timeout = min(policy.attemptTimeout, left)
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
        let attempt = HTTPAttempt(url: spec.url, method: spec.method,
                                  followsSameOrigin: spec.body == nil && (spec.method == "GET" || spec.method == "HEAD"),
                                  limit: policy.maxResponseBytes)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (cont: CheckedContinuation<HTTPResponseData, Error>) in
                let task = session.dataTask(with: req)
                attempt.start(task, cont)
                delegate.register(attempt, for: task, timeout: timeout)
                task.resume()
                // The deadline answers by itself, on a queue of its own: it does not wait for
                // URLSession to report the cancelled task (its delegate queue may be slow to
                // run on a busy machine).
                attempt.arm(timeout, on: HTTPClient.deadlines)
            }
        } onCancel: {
            attempt.cancel()
        }
    }

    /// Whether two URLs share scheme, host and port (the default port when none is written).
    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        func origin(_ u: URL) -> (String, String, Int)? {
            guard let scheme = u.scheme?.lowercased(), let host = u.host?.lowercased() else { return nil }
            let port = u.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
            return (scheme, host, port)
        }
        guard let x = origin(a), let y = origin(b) else { return false }
        return x == y
    }

    static func dispatchInterval(_ d: Duration) -> DispatchTimeInterval {
        .nanoseconds(Int(d.components.seconds) * 1_000_000_000 + Int(d.components.attoseconds / 1_000_000_000))
    }

    /// `30 s`, `300 ms`, `1.5 s`.
    static func text(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        if ms % 1000 == 0 { return "\(ms / 1000) s" }
        if ms < 1000 { return "\(ms) ms" }
        return "\(Double(ms) / 1000) s"
    }
}
