import SyncEngine

extension SyncSummary {
    /// The summary for people in language `l`: one line per entity, then what failed, was
    /// refused, held, kept for a code-table line or adopted (warnings go to stderr, apart).
    /// The words are the catalogue's (``SyncText``); `--json` is ``SyncSummary/json``.
    func lines(_ l: Language) -> [String] {
        func say(_ t: SyncText, _ args: [String: String] = [:]) -> String { t.text(l, args) }
        var out = [say(.header, ["counterpart": counterpart, "run": runID, "status": status])]
        if !resumedAfter.isEmpty { out.append(say(.resumed, ["runs": resumedAfter.joined(separator: ", "), "n": "\(resent)"])) }
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
        // Each column is its title and two spaces wide (the entity's at least 14).
        let titles: [SyncText] = [.columnExpected, .columnApplied, .columnPushed, .columnConflicts, .columnFailed]
        let widths = titles.map { say($0).count + 2 }
        let first = max(14, say(.columnEntity).count + 2)
        out.append(pad(say(.columnEntity), first) + zip(titles, widths).map { pad(say($0), $1) }.joined() + say(.columnUnchanged))
        for k in entities.keys.sorted() {
            let c = entities[k]!
            let values = [c.expected, c.applied, c.pushed, c.conflicts, c.failed]
            out.append(pad(k.rawValue, first) + zip(values, widths).map { pad(String($0), $1) }.joined() + String(c.unchanged)
                       + (c.unexplained != 0 ? "  " + say(.unexplained, ["n": "\(c.unexplained)"]) : ""))
        }
        if let unavailable { out.append(say(.stopped, ["reason": unavailable])) }
        out += failures.map { say(.failed, ["message": $0]) }
        out += refused.map { say(.refused, ["message": $0]) }
        out += held.map { say(.held, ["message": $0]) }
        out += unmapped.map { say(.unmapped, ["line": $0.line]) }
        out += adopted.map { say(.adopted, ["line": $0.line]) }
        if deferredItems > 0 { out.append(say(.deferred, ["n": "\(deferredItems)"])) }
        if openConflicts > 0 { out.append(say(.openConflicts, ["n": "\(openConflicts)"])) }
        return out
    }
}
