/// Decides, request by request, which fault (if any) to inject: one seeded draw per request.
struct FaultInjector {
    enum Decision: Equatable {
        case none
        /// Answer 500, 503 or 429 without processing.
        case status(Int)
        /// Close the connection without processing.
        case dropBefore
        /// Process (a batch is applied and its answer stored), then close without answering.
        case dropAfter
        case truncate
        case dupPage
        case expireToken
        /// After serving a page of a paged list, edit one of its rows (it moves to the end).
        case mutateWhilePaging
    }

    let spec: FaultSpec
    private var rng: SplitMix64
    /// Injected faults by spec key (`drop` counts both kinds; `drop-after-apply` the second).
    private(set) var counts: [String: Int] = [:]

    init(spec: FaultSpec, seed: UInt64) {
        self.spec = spec
        self.rng = SplitMix64(seed: seed)
    }

    /// The fault for one protocol request. Draws nothing when no faults are configured.
    ///
    /// - Parameters:
    ///   - isBatch: a `journal/batch` request (a drop happens before or after applying it).
    ///   - isFeed: a change-feed request (the only one `dup-page` applies to).
    ///   - hasSession: the request carries a session token (the only kind `expire-token` applies to).
    ///   - isPagedList: a paged list request (the only one `mutate-while-paging` applies to).
    ///
    /// Keys added after the first ones (502, 504, mutate-while-paging) come last in the draw, so
    /// a specification without them draws exactly as before.
    mutating func decide(isBatch: Bool, isFeed: Bool, hasSession: Bool, isPagedList: Bool = false) -> Decision {
        guard spec.totalProbability > 0 else { return .none }
        var r = rng.nextUnit()
        let table: [(Double, Decision)] = [
            (spec.http500, .status(500)), (spec.http503, .status(503)), (spec.http429, .status(429)),
            (spec.drop, .dropBefore), (spec.truncate, .truncate), (spec.expireToken, .expireToken), (spec.dupPage, .dupPage),
            (spec.http502, .status(502)), (spec.http504, .status(504)), (spec.mutateWhilePaging, .mutateWhilePaging),
        ]
        var decision = Decision.none
        for (p, d) in table {
            if r < p { decision = d; break }
            r -= p
        }
        switch decision {
        case .dropBefore where isBatch && rng.nextUnit() < 0.5: decision = .dropAfter
        case .dupPage where !isFeed, .expireToken where !hasSession, .mutateWhilePaging where !isPagedList: decision = .none
        default: break
        }
        return decision
    }

    /// Counts an injected fault under its spec key.
    mutating func record(_ d: Decision) {
        let key: String
        switch d {
        case .none: return
        case .status(let s): key = String(s)
        case .dropBefore: key = "drop"
        case .dropAfter: key = "drop"; counts["drop-after-apply", default: 0] += 1
        case .truncate: key = "truncate"
        case .dupPage: key = "dup-page"
        case .expireToken: key = "expire-token"
        case .mutateWhilePaging: key = "mutate-while-paging"
        }
        counts[key, default: 0] += 1
    }
}
