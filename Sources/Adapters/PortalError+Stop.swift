import SyncEngine

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
