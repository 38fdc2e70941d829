import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One attempt: its URLSession task, the body received so far and its continuation,
/// resumed exactly once by whichever comes first — the answer, a refused redirect, a
/// body past the size cap, the deadline or a cancellation. Fed by ``SessionDelegate``.
final class HTTPAttempt: @unchecked Sendable {
    /// Why an attempt ended without an answer (turned into a ``TransportError`` by the client).
    enum Failure: Error {
        /// The network or the counterpart failed; retried when that is safe.
        case failed(reason: String, mayHaveReachedServer: Bool)
        /// The attempt's deadline passed; `bytes` of the body had arrived.
        case timedOut(after: Duration, bytes: Int)
        /// A redirect that is not followed (another origin, or a request with a body).
        case redirect(status: Int, from: String, to: String, why: String)
        /// The body is larger than the cap: `declared` from Content-Length, else nil (cut while reading).
        case tooLarge(limit: Int, declared: Int?, received: Int)
    }

    let url: URL
    private let method: String
    private let followsSameOrigin: Bool
    private let limit: Int
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var continuation: CheckedContinuation<HTTPResponseData, Error>?
    private var response: HTTPURLResponse?
    private var body = Data()
    private var cancelIssued = false
    private var deadline: DispatchWorkItem?

    /// - Parameters:
    ///   - followsSameOrigin: whether a redirect to the same scheme, host and port may be followed.
    ///   - limit: the largest body accepted, in bytes.
    init(url: URL, method: String, followsSameOrigin: Bool, limit: Int) {
        self.url = url; self.method = method; self.followsSameOrigin = followsSameOrigin; self.limit = limit
    }

    func start(_ t: URLSessionDataTask, _ c: CheckedContinuation<HTTPResponseData, Error>) {
        lock.withLock { task = t; continuation = c }
    }

    /// Arms the deadline: after `timeout`, on `queue`, unless the attempt ended before.
    func arm(_ timeout: Duration, on queue: DispatchQueue) {
        let item = DispatchWorkItem { [weak self] in self?.timeOut(after: timeout) }
        guard lock.withLock({ () -> Bool in if continuation != nil { deadline = item }; return continuation != nil }) else { return }
        queue.asyncAfter(deadline: .now() + HTTPClient.dispatchInterval(timeout), execute: item)
    }

    /// Resumes the continuation unless that was done already, disarms the deadline and
    /// lets go of the body (the caller has it now).
    private func finish(_ r: Result<HTTPResponseData, Error>) {
        let (c, item): (CheckedContinuation<HTTPResponseData, Error>?, DispatchWorkItem?) = lock.withLock {
            defer { continuation = nil; deadline = nil; body = Data(); response = nil }
            return (continuation, deadline)
        }
        item?.cancel()
        c?.resume(with: r)
    }

    private var finished: Bool { lock.withLock { continuation == nil } }

    /// Answers with `failure` now and stops the task (its later reports are ignored).
    private func fail(_ failure: Failure) {
        finish(.failure(failure))
        stopTask()
    }

    /// The deadline passed.
    func timeOut(after timeout: Duration) { fail(.timedOut(after: timeout, bytes: lock.withLock { body.count })) }

    func cancel() { stopTask() }

    /// Cancels the task, under the lock that also orders the answer to a redirect: on
    /// Linux a cancel that reaches the task between URLSession asking about a redirect and
    /// getting the answer traps in FoundationNetworking ("Received callback for HTTP
    /// redirection, but we're not waiting for it"). Both calls only enqueue work on the
    /// task's queue, so holding the lock costs nothing and fixes their order.
    private func stopTask() {
        lock.withLock {
            cancelIssued = true
            task?.cancel()
        }
    }

    // MARK: reports from the session's delegate

    /// A redirect: `answer` gets the new request when it may be followed, else nil (and
    /// the attempt fails; the task is left to end with the 3xx). After a cancel `answer`
    /// is not called at all: the cancel ends the task.
    func redirect(_ r: HTTPURLResponse, to request: URLRequest, answer: (URLRequest?) -> Void) {
        let from = (r.url ?? url).absoluteString
        let refusal: Failure?
        if let to = request.url, HTTPClient.sameOrigin(url, to) {
            refusal = followsSameOrigin ? nil
                : .redirect(status: r.statusCode, from: from, to: to.absoluteString,
                            why: "a request with a body, or other than GET or HEAD, is not redirected")
        } else {
            refusal = .redirect(status: r.statusCode, from: from, to: request.url?.absoluteString ?? "?",
                                why: "another origin (scheme, host or port): the request's credentials are not sent there")
        }
        lock.withLock {
            if !cancelIssued { answer(refusal == nil ? request : nil) }
        }
        if let refusal { finish(.failure(refusal)) }
    }

    /// The response head: a declared length above the cap ends the attempt at once.
    func received(_ r: URLResponse) {
        guard let http = r as? HTTPURLResponse,
              lock.withLock({ () -> Bool in if continuation != nil { response = http }; return continuation != nil }) else { return }
        guard method != "HEAD", r.expectedContentLength > 0 else { return }
        if r.expectedContentLength > limit {
            // `.cancel` as the disposition does not stop the transfer on Linux: cancel the task.
            fail(.tooLarge(limit: limit, declared: Int(r.expectedContentLength), received: 0))
        } else {
            // One buffer of the announced size, rather than doubling up to twice the cap.
            lock.withLock { body.reserveCapacity(Int(r.expectedContentLength)) }
        }
    }

    /// Body bytes: kept up to the cap; one byte more ends the attempt.
    func received(_ data: Data) {
        let over: Int? = lock.withLock {
            guard continuation != nil else { return nil }
            if body.count + data.count > limit { return body.count + data.count }
            body.append(data)
            return nil
        }
        if let over { fail(.tooLarge(limit: limit, declared: nil, received: over)) }
    }

    /// The task ended (after everything above): the answer, or why there is none.
    func completed(_ error: Error?, timeout: Duration) {
        guard !finished else { return }
        let (response, body) = lock.withLock { (self.response, self.body) }
        finish(Self.result(body, response, error, timeout: timeout))
    }

    /// One attempt's outcome from what URLSession reported.
    static func result(_ body: Data, _ response: HTTPURLResponse?, _ error: Error?, timeout: Duration) -> Result<HTTPResponseData, Error> {
        if let error {
            let ns = error as NSError
            if ns.code == NSURLErrorTimedOut { return .failure(Failure.timedOut(after: timeout, bytes: body.count)) }
            let reached = !(ns.code == NSURLErrorCannotConnectToHost || ns.code == NSURLErrorCannotFindHost
                            || ns.code == NSURLErrorDNSLookupFailed)
            return .failure(Failure.failed(reason: ns.localizedDescription, mayHaveReachedServer: reached))
        }
        guard let http = response else {
            return .failure(Failure.failed(reason: "not an HTTP response", mayHaveReachedServer: true))
        }
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
        if let declared = headers["content-length"].flatMap(Int.init), declared != body.count {
            return .failure(Failure.failed(reason: "truncated response (\(body.count) of \(declared) bytes)", mayHaveReachedServer: true))
        }
        return .success(HTTPResponseData(status: http.statusCode, headers: headers, body: body))
    }
}
