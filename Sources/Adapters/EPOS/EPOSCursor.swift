import Foundation
import JournalModel

/// The lists a pull walks, per class: the students (read with the reference data), then
/// the four paged journal lists.
public enum EPOSList: String, CaseIterable, Sendable {
    case students
    case scheduleItems = "schedule_items"
    case marks
    case attendances
    case finalMarks = "final_marks"

    /// The paged lists, in the order a pull walks them (what is referred to first).
    static let paged: [EPOSList] = [.scheduleItems, .marks, .attendances, .finalMarks]

    /// The short name in the cursor's text.
    var short: String {
        switch self {
        case .students: return "st"
        case .scheduleItems: return "si"
        case .marks: return "mk"
        case .attendances: return "at"
        case .finalMarks: return "fm"
        }
    }

    init?(short: String) {
        guard let l = EPOSList.allCases.first(where: { $0.short == short }) else { return nil }
        self = l
    }
}

/// Where one list of one class stands: the `updated_at` of the last row delivered (as the
/// portal wrote it), the ids already delivered at exactly that moment, and the page number
/// inside a block of rows sharing that moment (1 otherwise).
struct EPOSListState: Equatable, Sendable {
    var watermark: String?
    var page = 1
    var seen: [String] = []

    /// More ids than this at one moment are not kept: their rows are delivered again
    /// (harmless: the engine sees the same version) instead of making the cursor long.
    static let seenLimit = 20
}

/// A pull's position, kept by the engine between pages and runs: a watermark per (class,
/// list), so that a quiet class never holds back a busy one and a busy one never pushes
/// past rows of another.
///
/// Text form (docs/adapters/epos.md):
/// `v2:<mode>:<position>|<class>:st=<W>;si=<W>~<page>#<ids>;mk=…;at=…;fm=…|<class>:…`
/// - mode `full` (a full pull: lists start from their beginning) or `since` (incremental);
/// - position `ref` (the reference page comes next) or `<list>/<class>` being paged (an
///   empty class: the list's first class);
/// - per class and list: `W` the watermark as milliseconds since 1970 in base 36 (sent back
///   as the same instant in UTC), `~page` only inside a block of more than a page of rows
///   sharing `W`, `#ids` the ids delivered at `W`. Class `*` holds what a cursor of the
///   whole-school format (before per-class lists) had: every class starts from it.
struct EPOSCursor: Equatable, Sendable {
    enum Mode: String, Sendable { case full, since }
    enum Position: Equatable, Sendable {
        case reference
        /// A paged list and the class being paged ("": the first class).
        case list(EPOSList, String)
    }
    struct Key: Hashable, Sendable {
        var classID: String
        var list: EPOSList
    }

    var mode: Mode
    var position: Position
    /// The list states by class, then list.
    private(set) var classes: [String: [EPOSList: EPOSListState]] = [:]

    /// Every (class, list) state.
    var lists: [Key: EPOSListState] {
        get {
            var out: [Key: EPOSListState] = [:]
            for (c, states) in classes { for (l, s) in states { out[Key(classID: c, list: l)] = s } }
            return out
        }
        set {
            classes = [:]
            for (k, s) in newValue { classes[k.classID, default: [:]][k.list] = s }
        }
    }

    /// The class whose state stands for every class without its own (an older cursor's).
    static let everyClass = "*"

    /// Where a full pull starts (no cursor).
    static let fullStart = EPOSCursor(mode: .full, position: .reference, lists: [:])

    subscript(_ classID: String, _ list: EPOSList) -> EPOSListState {
        get { classes[classID]?[list] ?? classes[Self.everyClass]?[list] ?? EPOSListState() }
        set { classes[classID, default: [:]][list] = newValue }
    }

    /// Drops the states of classes not in `kept`.
    mutating func keepClasses(_ kept: Set<String>) {
        classes = classes.filter { kept.contains($0.key) }
    }

    var text: String {
        var cache: [String: Segment] = [:]
        return text(cache: &cache)
    }

    /// One class's part of the text, and the states it was written from.
    struct Segment: Sendable {
        var states: [EPOSList: EPOSListState]
        var text: String
    }

    /// The text form; a class's part is taken from `cache` when its states are those the
    /// part was written from (a page changes one class's states: a full pull of a school of
    /// 77 classes would otherwise write ~400 states per page), and kept there otherwise.
    func text(cache: inout [String: Segment]) -> String {
        let pos: String
        switch position {
        case .reference: pos = "ref"
        case .list(let l, let c): pos = "\(l.short)/\(Self.escape(c))"
        }
        var out = "v2:\(mode.rawValue):\(pos)"
        for classID in classes.keys.sorted() {
            let states = classes[classID]!
            if let hit = cache[classID], hit.states == states {
                out += hit.text
                continue
            }
            let part = Self.segment(classID, states)
            cache[classID] = Segment(states: states, text: part)
            out += part
        }
        return out
    }

    /// `|<class>:st=…;si=…` of one class.
    private static func segment(_ classID: String, _ states: [EPOSList: EPOSListState]) -> String {
        let parts = EPOSList.allCases.compactMap { list -> String? in
            guard let s = states[list] else { return nil }
            var p = "\(list.short)=" + (s.watermark.map(Self.packMoment) ?? "")
            if s.page > 1 { p += "~\(s.page)" }
            if !s.seen.isEmpty { p += "#" + s.seen.map(Self.escape).joined(separator: ",") }
            return p
        }
        return "|\(Self.escape(classID)):" + parts.joined(separator: ";")
    }

    /// A watermark as a cursor read back from its text holds it: the same instant in UTC.
    static func canonical(_ moment: String) -> String { unpackMoment(packMoment(moment)) ?? moment }

    /// Reads the text form, or the whole-school form of earlier versions (its watermarks
    /// then stand for every class); nil when it is neither (the engine starts a full pull).
    init?(_ text: String) {
        guard text.hasPrefix("v2:") else {
            guard let old = Self.wholeSchool(text) else { return nil }
            self = old
            return
        }
        let parts = text.dropFirst(3).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let head = parts[0].split(separator: ":", maxSplits: 1).map(String.init)
        guard head.count == 2, let mode = Mode(rawValue: head[0]) else { return nil }
        self.mode = mode
        if head[1] == "ref" {
            position = .reference
        } else {
            let p = head[1].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard p.count == 2, let l = EPOSList(short: p[0]), l != .students else { return nil }
            position = .list(l, Self.unescape(p[1]))
        }
        for segment in parts.dropFirst() {
            guard let colon = segment.firstIndex(of: ":") else { return nil }
            let classID = Self.unescape(String(segment[..<colon]))
            guard !classID.isEmpty else { return nil }
            for entry in segment[segment.index(after: colon)...].split(separator: ";") {
                guard let eq = entry.firstIndex(of: "="), let list = EPOSList(short: String(entry[..<eq])) else { return nil }
                guard let state = Self.state(entry[entry.index(after: eq)...], packed: true) else { return nil }
                classes[classID, default: [:]][list] = state
            }
        }
    }

    init(mode: Mode, position: Position, lists: [Key: EPOSListState]) {
        self.mode = mode; self.position = position; self.lists = lists
    }

    /// `W~page#ids` of one list.
    private static func state(_ text: Substring, packed: Bool) -> EPOSListState? {
        var rest = text
        var state = EPOSListState()
        if let hash = rest.firstIndex(of: "#") {
            state.seen = rest[rest.index(after: hash)...].split(separator: ",").map { unescape(String($0)) }
            rest = rest[..<hash]
        }
        if let tilde = rest.firstIndex(of: "~") {
            guard let p = Int(rest[rest.index(after: tilde)...]), p >= 1 else { return nil }
            state.page = p
            rest = rest[..<tilde]
        }
        if !rest.isEmpty {
            if packed {
                guard let w = unpackMoment(String(rest)) else { return nil }
                state.watermark = w
            } else {
                state.watermark = unescape(String(rest))
            }
        }
        return state
    }

    /// The whole-school form (`<mode>:<position>|students@<W>#<ids>|schedule_items@<W>~<page>#<ids>|…`):
    /// one watermark per list, which every class takes (a lower bound for each of them: rows
    /// before it were listed for the whole school). Page numbers of the whole-school list do
    /// not apply to one class: the block at `W` is read again from its first page (the ids
    /// already delivered are still dropped).
    private static func wholeSchool(_ text: String) -> EPOSCursor? {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let head = parts[0].split(separator: ":", maxSplits: 1).map(String.init)
        guard head.count == 2, let mode = Mode(rawValue: head[0]) else { return nil }
        let position: Position
        if head[1] == "ref" { position = .reference } else if let l = EPOSList(rawValue: head[1]), l != .students { position = .list(l, "") } else { return nil }
        var c = EPOSCursor(mode: mode, position: position, lists: [:])
        for segment in parts.dropFirst() {
            guard let at = segment.firstIndex(of: "@"), let list = EPOSList(rawValue: String(segment[..<at])),
                  var state = Self.state(segment[segment.index(after: at)...], packed: false) else { return nil }
            state.page = 1
            if state != EPOSListState() { c[everyClass, list] = state }
        }
        return c
    }

    // MARK: text helpers

    /// A moment as milliseconds since 1970 in base 36 (`updated_at` has millisecond precision).
    static func packMoment(_ moment: String) -> String {
        guard let ms = EPOSTimestamp.milliseconds(moment) else { return "!" + escape(moment) }
        return ms < 0 ? "-" + String(-ms, radix: 36) : String(ms, radix: 36)
    }

    /// The same instant, written in UTC with milliseconds (`2026-09-11T19:30:00.000+00:00`).
    static func unpackMoment(_ text: String) -> String? {
        if text.hasPrefix("!") { return unescape(String(text.dropFirst())) }
        let negative = text.hasPrefix("-")
        guard let v = Int64(negative ? String(text.dropFirst()) : text, radix: 36) else { return nil }
        return utc(negative ? -v : v)
    }

    static func utc(_ ms: Int64) -> String {
        let days = Int((Double(ms) / 86_400_000).rounded(.down))
        let inDay = Int(ms - Int64(days) * 86_400_000)
        func pad(_ n: Int, _ w: Int = 2) -> String { let s = String(n); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(CivilDate(daysSinceEpoch: days))T\(pad(inDay / 3_600_000)):\(pad(inDay / 60_000 % 60)):\(pad(inDay / 1000 % 60)).\(pad(inDay % 1000, 3))+00:00"
    }

    private static let special: Set<Character> = ["%", "|", "#", "~", "@", ",", ":", ";", "=", "/", "!"]

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
