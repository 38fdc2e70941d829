/// How hard to try before calling a counterpart unreachable, and how much of it to take.
public struct RetryPolicy: Sendable {
    public var maxAttempts = 6
    public var baseDelay: Duration = .milliseconds(200)
    public var maxDelay: Duration = .seconds(20)
    /// The gateway's own deadline for one attempt (URLSession on Linux truncates its
    /// timeouts to whole seconds and ignores the resource timeout).
    public var attemptTimeout: Duration = .seconds(30)
    /// Longest `Retry-After` honoured; longer ones end the request as "come back later".
    public var maxRetryAfter: Duration = .seconds(120)
    /// Largest response body accepted, in bytes: a declared `Content-Length` above it is
    /// refused at the head, a body without one is cut as soon as it passes it.
    public var maxResponseBytes = 64 * 1024 * 1024
    /// Deadline for the whole request: every attempt and every wait between them. Each
    /// attempt gets `min(attemptTimeout, what is left)`. Long enough for one full
    /// `maxRetryAfter` wait and an attempt after it.
    public var requestDeadline: Duration = .seconds(180)
    public init() {}
}
