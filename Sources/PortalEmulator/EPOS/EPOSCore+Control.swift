import JournalModel

/// `/_emulator/…`: outside the protocol, never faulted, no token needed.
extension EPOSCore {
    func control(_ req: HTTPRequest, _ s: inout EPOSCoreState) -> HTTPResponse {
        switch (req.method, req.path) {
        case ("GET", "/_emulator/stats"):
            return .json(stats(s))
        case ("GET", "/_emulator/faults"):
            return .json(faultsReport(s))
        case ("GET", "/_emulator/state"):
            return .json(req.query["view"] == "content" ? s.state.contentDocument() : s.state.document(full: false))
        case ("POST", "/_emulator/edit"):
            guard let body = try? JSON.parse(bytes: req.body), let ops = body["operations"]?.array else {
                return Self.error(400, "bad_request", "expected {\"operations\": [...]}")
            }
            return .json(edit(ops, &s))
        case ("POST", "/_emulator/expire-sessions"):
            return .json(.object([("ended", .int(s.sessions.expireAll(now: now.timeIntervalSince1970)))]))
        case ("POST", "/_emulator/session"):
            return .json(sessionJSON(&s))
        default:
            return Self.error(404, "not_found", "unknown emulator endpoint; see docs/emulator.md")
        }
    }

    func faultsReport(_ s: EPOSCoreState) -> JSON {
        var counts: [(String, JSON)] = FaultSpec.keys.filter { $0 != "latency" && $0 != "retry-after" && $0 != "dup-page" }
            .map { ($0, .int(s.faults.counts[$0] ?? 0)) }
        counts.append(("drop-after-apply", .int(s.faults.counts["drop-after-apply"] ?? 0)))
        return .object([("spec", .string(options.faults.description)), ("seed", .string(String(options.seed))),
                        ("injected", .object(counts)), ("rate_limited", .int(s.state.counters.rateLimited)),
                        ("requests", .int(s.requests))])
    }

    /// Applies the portal users' own changes: `create`, `update`, `delete` and `touch` of any
    /// kind (students too). Validation as for clients, but no `external_id` or `If-Match` needed.
    func edit(_ operations: [JSON], _ s: inout EPOSCoreState) -> JSON {
        var results: [JSON] = []
        var changed = false
        for op in operations {
            let result = editOne(op, &s.state)
            changed = changed || result.changed
            var pairs: [(String, JSON)] = [("status", .int(result.status))]
            if let etag = result.etag { pairs.append(("etag", .string(etag))) }
            switch result.body {
            case .object(let body)? where result.status < 300: pairs.append(("object", .object(body)))
            case .object(let body)?: pairs += body
            default: break
            }
            results.append(.object(pairs))
        }
        if changed { persist(s.state) }
        return .object([("results", .array(results))])
    }

    private func editOne(_ op: JSON, _ st: inout EPOSState) -> EPOSWriteResult {
        guard let name = op["kind"]?.string, let kind = EPOSKind(rawValue: name) else {
            return .error(400, "bad_request", "kind: one of \(EPOSKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let id = op["id"]?.string
        let data = op["data"] ?? .object([])
        let ifMatch = op["if_match"]?.string
        switch (op["op"]?.string, id) {
        case ("create", _):
            return st.create(kind, body: data, bodyMD5: MD5.hex(Array(data.serialized().utf8)), by: .portal, now: now)
        case ("update", let id?):
            return st.update(kind, id: id, body: data, ifMatch: ifMatch, by: .portal, now: now)
        case ("delete", let id?):
            return st.delete(kind, id: id, ifMatch: ifMatch, by: .portal, now: now)
        case ("touch", let id?):
            return st.touch(kind, id: id, now: now)
        default:
            return .error(400, "bad_request", "op: create, or update, delete, touch with an id")
        }
    }
}
