import Foundation

/// At most `limit` requests in any sliding window (ЭПОС allows 10 a second per token).
///
/// Each request reserves its sending time, and its entry moves to the moment its answer
/// came: the portal counts a request when it handles it, which is no later than the answer,
/// so spacing from answers holds however slow the network or the portal is.
struct EPOSPacer: Sendable {
    let limit: Int
    /// The window plus a margin (clocks, the portal's own bookkeeping).
    let window: Duration
    private var recent: [(ticket: Int, at: ContinuousClock.Instant)] = []
    private var issued = 0

    /// - Parameter perSecond: nil or 0: no pacing.
    init(perSecond: Int?, margin: Duration = .milliseconds(60)) {
        limit = max(0, perSecond ?? 0)
        window = .seconds(1) + margin
    }

    /// Reserves a sending time: how long to wait for it (zero: send now), and the ticket
    /// to report the answer with.
    mutating func reserve(now: ContinuousClock.Instant) -> (wait: Duration, ticket: Int) {
        issued += 1
        guard limit > 0 else { return (.zero, issued) }
        var at = now
        if recent.count >= limit {
            var oldest = recent[0].at
            for entry in recent where entry.at < oldest { oldest = entry.at }
            at = max(now, oldest + window)
        }
        recent.append((issued, at))
        if recent.count > limit { recent.removeFirst(recent.count - limit) }
        return (at - now, issued)
    }

    /// The request's answer came at `now`: it counts from then.
    mutating func answered(_ ticket: Int, now: ContinuousClock.Instant) {
        // The ticket is among the newest (searched from the end).
        guard let i = recent.lastIndex(where: { $0.ticket == ticket }) else { return }
        recent[i].at = max(recent[i].at, now)
    }

    /// Forgets the window (a new token starts with a fresh count at the portal).
    mutating func reset() { recent.removeAll() }
}
