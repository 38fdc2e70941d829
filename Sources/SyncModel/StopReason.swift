/// Why a run stopped before its end. Each reason is its own exit code, so that cron and
/// the administrator can tell "try again later" from "a person must act".
public enum StopReason: String, Sendable, Equatable {
    /// The counterpart could not be reached, or kept failing, after every retry.
    case unavailable = "unavailable"
    /// The counterpart asked to come back later than the run is willing to wait.
    case retryLater = "retry_later"
    /// The counterpart sent something its document does not allow: nothing of that answer
    /// was applied.
    case badData = "bad_data"
    /// The counterpart refused the gateway's credentials or session: a person must act.
    case credentialsRefused = "credentials_refused"

    /// The exit code a stopped run ends with (docs/operations.md).
    public var exitCode: Int32 {
        switch self {
        case .unavailable: return 69
        case .retryLater: return 75
        case .badData: return 65
        case .credentialsRefused: return 77
        }
    }

    /// Whether asking again at once may help (the engine retries only these).
    package var retryable: Bool { self == .unavailable }
}

/// An error a counterpart throws that says how the run should stop. Errors that do not
/// conform count as ``StopReason/unavailable``.
public protocol CounterpartStopping: Error {
    var stopReason: StopReason { get }
}
