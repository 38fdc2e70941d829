import Foundation

/// ЭПОС session tokens (`POST /v2/token`): each lives a fixed time from its issue, given to
/// the client as `expires_at`; an expired or ended token answers `401 token_expired`.
struct EPOSSessions {
    enum Check: Equatable { case ok, missing, unknown, expired }

    let lifetime: Double
    /// Token → the moment it expires (seconds since 1970).
    private var tokens: [String: Double] = [:]
    private var random = SystemRandomNumberGenerator()

    init(lifetime: Double) { self.lifetime = lifetime }

    /// A new token and the moment it expires (after `ttl` seconds; default: the lifetime).
    mutating func issue(now: Double, ttl: Double? = nil) -> (token: String, expires: Double) {
        if tokens.count > 10_000 { tokens = tokens.filter { now - $0.value < 86_400 } }
        var token = ""
        for _ in 0..<5 { token += String(format: "%08x", UInt32.random(in: 0...UInt32.max, using: &random)) }
        tokens[token] = now + (ttl ?? lifetime)
        return (token, now + (ttl ?? lifetime))
    }

    func check(_ token: String?, now: Double) -> Check {
        guard let token, !token.isEmpty else { return .missing }
        guard let expiry = tokens[token] else { return .unknown }
        return expiry > now ? .ok : .expired
    }

    /// Ends a live token now (the `expire-token` fault); true when it was live.
    mutating func expire(_ token: String?, now: Double) -> Bool {
        guard check(token, now: now) == .ok, let token else { return false }
        tokens[token] = now
        return true
    }

    /// Ends every live token (`/_emulator/expire-sessions`); returns how many were live.
    mutating func expireAll(now: Double) -> Int {
        var n = 0
        for (token, expiry) in tokens where expiry > now {
            tokens[token] = now
            n += 1
        }
        return n
    }
}

/// «10 requests a second per token»: a sliding one-second window on a monotonic clock.
struct RateLimiter {
    /// Requests allowed per token in any one second; nil: no limit.
    let limit: Int?
    private var recent: [String: [Double]] = [:]

    init(limit: Int?) { self.limit = limit }

    /// Admits a request (it then counts) or returns the seconds to wait (`Retry-After`, at least 1).
    mutating func admit(_ token: String, now: Double) -> Int? {
        guard let limit else { return nil }
        if recent.count > 10_000 { recent = recent.filter { now - ($0.value.last ?? 0) < 1 } }
        var times = recent[token, default: []].filter { now - $0 < 1 }
        defer { recent[token] = times }
        guard times.count < limit else {
            return max(1, Int((1 - (now - times[0])).rounded(.up)))
        }
        times.append(now)
        return nil
    }
}
