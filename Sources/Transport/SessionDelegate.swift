import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// The session's delegate: hands each task's redirect, head, body bytes and end to its
/// ``HTTPAttempt``. Delegate calls (rather than a completion handler) let the client
/// refuse redirects and stop reading a body as soon as it passes the size cap.
final class SessionDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private let attempts = Mutex<[Int: (attempt: HTTPAttempt, timeout: Duration)]>([:])

    /// Routes `task`'s reports to `attempt`; call before `resume()`.
    func register(_ attempt: HTTPAttempt, for task: URLSessionTask, timeout: Duration) {
        attempts.withLock { $0[task.taskIdentifier] = (attempt, timeout) }
    }

    private func attempt(_ task: URLSessionTask) -> HTTPAttempt? {
        attempts.withLock { $0[task.taskIdentifier]?.attempt }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        guard let attempt = attempt(task) else { return completionHandler(nil) }
        attempt.redirect(response, to: request, answer: completionHandler)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        attempt(dataTask)?.received(response)
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        attempt(dataTask)?.received(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        guard let entry = attempts.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        entry.attempt.completed(error, timeout: entry.timeout)
    }
}
