/// A request that did not get a usable answer: the counterpart could not be reached,
/// kept failing, asked to come back later, redirected elsewhere, answered too much, or
/// not in time. `kind` says which, so that a caller can choose an exit code without
/// reading the text.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Could not be reached, or kept failing after every retry (sysexits 69).
        case unavailable
        /// The counterpart asked to come back later than this run is willing to wait
        /// (`Retry-After` beyond `maxRetryAfter` or beyond the request's deadline; 75).
        case retryLater
        /// A redirect to another origin (or any redirect of a request with a body) was not
        /// followed: credentials stay with the origin they were meant for. Not retried.
        case redirectRefused
        /// The response body was larger than `maxResponseBytes`. Not retried.
        case tooLarge
        /// The request's total deadline passed (`requestDeadline`).
        case deadline
    }

    public let url: String
    /// Attempts really made (sent, or tried to connect).
    public let attempts: Int
    public let reason: String
    public let kind: Kind
    /// For `.redirectRefused`: the `Location` the counterpart answered with.
    public let location: String?

    public init(url: String, attempts: Int, reason: String, kind: Kind = .unavailable, location: String? = nil) {
        self.url = url; self.attempts = attempts; self.reason = reason; self.kind = kind; self.location = location
    }

    public var description: String {
        switch kind {
        case .unavailable: "\(url): unavailable after \(attempts) attempt(s): \(reason)"
        case .retryLater: "\(url): asked to come back later, after \(attempts) attempt(s): \(reason)"
        case .redirectRefused: "\(url): redirect to \(location ?? "?") not followed: \(reason)"
        case .tooLarge: "\(url): response too large: \(reason)"
        case .deadline: "\(url): request deadline passed after \(attempts) attempt(s): \(reason)"
        }
    }
}
