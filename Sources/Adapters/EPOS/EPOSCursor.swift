import Foundation

/// The lists a pull walks, in order: the students' watermark (read with the reference
/// data), then the four paged journal lists.
public enum EPOSList: String, CaseIterable, Sendable {
    case students
    case scheduleItems = "schedule_items"
    case marks
    case attendances
    case finalMarks = "final_marks"

    /// The paged lists, in the order a pull walks them (what is referred to first).
    static let paged: [EPOSList] = [.scheduleItems, .marks, .attendances, .finalMarks]
}

/// Where one list stands: the `updated_at` of the last row delivered (as the portal
/// wrote it), the ids already delivered at exactly that moment, and the page number
/// inside a block of rows sharing that moment (1 otherwise).
struct EPOSListState: Equatable, Sendable {
    var watermark: String?
    var page = 1
    var seen: [String] = []

    /// More ids than this at one moment are not kept: their rows are delivered again
    /// (harmless: the engine sees the same version) instead of making the cursor long.
    static let seenLimit = 200
}

/// A pull's position, kept by the engine between pages and runs.
///
/// Text form (docs/adapters/epos.md):
/// `<mode>:<position>|students@<W>#<ids>|schedule_items@<W>~<page>#<ids>|marks@…|attendances@…|final_marks@…`
/// - mode `full` (a full pull: lists start from their beginning) or `since` (incremental);
/// - position `ref` (the reference page comes next) or the name of the list being paged;
/// - per list: `W` the watermark (`updated_at` of the last row delivered; empty: from the
///   beginning), `~page` only inside a block of more than a page of rows sharing `W`,
///   `#ids` the ids delivered at `W` (comma-separated, percent-escaped).
struct EPOSCursor: Equatable, Sendable {
    enum Mode: String, Sendable { case full, since }
    enum Position: Equatable, Sendable {
        case reference
        case list(EPOSList)
    }

    var mode: Mode
    var position: Position
    var lists: [EPOSList: EPOSListState]

    /// Where a full pull starts (no cursor).
    static let fullStart = EPOSCursor(mode: .full, position: .reference, lists: [:])

    subscript(_ list: EPOSList) -> EPOSListState {
        get { lists[list] ?? EPOSListState() }
        set { lists[list] = newValue == EPOSListState() ? nil : newValue }
    }

    var text: String {
        let pos: String
        switch position {
        case .reference: pos = "ref"
        case .list(let l): pos = l.rawValue
        }
        var out = "\(mode.rawValue):\(pos)"
        for list in EPOSList.allCases {
            let s = self[list]
            out += "|\(list.rawValue)@\(Self.escape(s.watermark ?? ""))"
            if s.page > 1 { out += "~\(s.page)" }
            if !s.seen.isEmpty { out += "#" + s.seen.map(Self.escape).joined(separator: ",") }
        }
        return out
    }

    /// Reads the text form; nil when it is not one (an older format: the engine then
    /// starts a full pull).
    init?(_ text: String) {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let head = parts[0].split(separator: ":", maxSplits: 1).map(String.init)
        guard head.count == 2, let mode = Mode(rawValue: head[0]) else { return nil }
        self.mode = mode
        if head[1] == "ref" { position = .reference } else if let l = EPOSList(rawValue: head[1]), l != .students { position = .list(l) } else { return nil }
        lists = [:]
        for segment in parts.dropFirst() {
            guard let at = segment.firstIndex(of: "@"), let list = EPOSList(rawValue: String(segment[..<at])) else { return nil }
            var rest = Substring(segment[segment.index(after: at)...])
            var state = EPOSListState()
            if let hash = rest.firstIndex(of: "#") {
                state.seen = rest[rest.index(after: hash)...].split(separator: ",").map { Self.unescape(String($0)) }
                rest = rest[..<hash]
            }
            if let tilde = rest.firstIndex(of: "~") {
                guard let p = Int(rest[rest.index(after: tilde)...]), p >= 1 else { return nil }
                state.page = p
                rest = rest[..<tilde]
            }
            state.watermark = rest.isEmpty ? nil : Self.unescape(String(rest))
            self[list] = state
        }
    }

    init(mode: Mode, position: Position, lists: [EPOSList: EPOSListState]) {
        self.mode = mode; self.position = position; self.lists = lists
    }

    private static let special: Set<Character> = ["%", "|", "#", "~", "@", ","]

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            if special.contains(ch) {
                for b in String(ch).utf8 { out += "%" + String(b, radix: 16, uppercase: true) }
            } else {
                out.append(ch)
            }
        }
        return out
    }

    static func unescape(_ s: String) -> String { s.removingPercentEncoding ?? s }
}
