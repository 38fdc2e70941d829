import SyncModel
import Transport

/// How a portal's failure ends a sync run (docs/sync.md, "Why a run stops early").
extension PortalError: CounterpartStopping {
    public var stopReason: StopReason {
        switch kind {
        case .loginRefused, .sessionRefused: return .credentialsRefused
        case .malformed: return .badData
        default: return .unavailable
        }
    }
}

/// How a transport failure ends a sync run: a `Retry-After` beyond the run's patience is
/// "come back later" (75); an answer past the size cap breaks the document (no page comes
/// near 64 MB), so bad data (65); everything else — a refused redirect included —
/// "unreachable" (69).
extension TransportError: CounterpartStopping {
    public var stopReason: StopReason {
        switch kind {
        case .retryLater: return .retryLater
        case .tooLarge: return .badData
        default: return .unavailable
        }
    }
}
