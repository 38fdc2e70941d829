import JournalModel

/// `/_emulator/…`: outside the protocol, never faulted, no session needed.
extension EmulatorCore {
    func control(_ req: HTTPRequest, _ s: inout CoreState) -> HTTPResponse {
        switch (req.method, req.path) {
        case ("GET", "/_emulator/stats"):
            return .json(stats(s))
        case ("GET", "/_emulator/faults"):
            var counts: [(String, JSON)] = FaultSpec.keys.filter { $0 != "latency" && $0 != "retry-after" }
                .map { ($0, .int(s.faults.counts[$0] ?? 0)) }
            counts.append(("drop-after-apply", .int(s.faults.counts["drop-after-apply"] ?? 0)))
            return .json(.object([("spec", .string(options.faults.description)), ("seed", .string(String(options.seed))),
                                  ("injected", .object(counts))]))
        case ("GET", "/_emulator/state"):
            return .json(req.query["view"] == "content" ? s.portal.contentDocument() : s.portal.document(full: false))
        case ("GET", "/_emulator/idempotency"):
            return .json(.object([("keys", .int(s.portal.idempotency.count)),
                                  ("replays", .int(s.portal.counters.idempotentReplays)),
                                  ("mismatched_replays", .int(s.portal.counters.mismatchedReplays))]))
        case ("POST", "/_emulator/expire-sessions"):
            return .json(.object([("ended", .int(s.sessions.endAll()))]))
        case ("POST", "/_emulator/edit"):
            guard let body = try? JSON.parse(bytes: req.body), let ops = body["operations"]?.array else {
                return .message("expected {\"operations\": [...]}", status: 400)
            }
            return .json(edit(ops, &s))
        case ("POST", "/_emulator/compact-feed"):
            s.portal.raiseFloor(to: s.portal.latestVer)
            persist(&s.portal)
            return .json(.object([("feedFloor", .int(s.portal.feedFloor))]))
        case ("POST", "/_emulator/session"):
            let token = s.sessions.newToken(now: now)
            return .json(.object([("at", .string(token)), ("timeOut", .int(Int(options.tokenLifetime * 1000)))]))
        default:
            return .message("unknown emulator endpoint; see docs/emulator.md", status: 404)
        }
    }
}
