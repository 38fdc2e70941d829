/// One field's value in a record: the unit the store, the change log and the merge work on.
///
/// Booleans are stored as `.int(0/1)`, dates as `.text("YYYY-MM-DD")`; the field's
/// ``FieldType`` says how to read them.
public enum FieldValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case text(String)
    case int(Int)

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var text: String? {
        switch self {
        case .text(let s): return s
        case .int(let i): return String(i)
        case .null: return nil
        }
    }

    public var int: Int? {
        switch self {
        case .int(let i): return i
        case .text(let s): return Int(s)
        case .null: return nil
        }
    }

    public var bool: Bool { int.map { $0 != 0 } ?? false }

    /// Human-readable form for history and conflict listings (`∅` for null).
    public var description: String {
        switch self {
        case .null: return "∅"
        case .text(let s): return s
        case .int(let i): return String(i)
        }
    }

    public init(_ text: String?) { self = text.map(FieldValue.text) ?? .null }
    public init(_ int: Int?) { self = int.map(FieldValue.int) ?? .null }
    public init(bool: Bool) { self = .int(bool ? 1 : 0) }
}

extension FieldValue: Comparable {
    /// Total order used to make outputs deterministic: null < int < text.
    public static func < (a: FieldValue, b: FieldValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return false
        case (.null, _): return true
        case (_, .null): return false
        case (.int(let x), .int(let y)): return x < y
        case (.int, .text): return true
        case (.text, .int): return false
        case (.text(let x), .text(let y)): return x < y
        }
    }
}

extension String {
    /// Whether the string is empty or only white space (cheaper than trimming).
    public var isBlank: Bool {
        // A visible ASCII character settles it without looking up Unicode properties.
        for u in utf8 {
            if u > 0x20 && u < 0x7F { return false }
            if u >= 0x80 { break }
        }
        return !unicodeScalars.contains { !$0.properties.isWhitespace }
    }
}

extension FieldValue {
    /// The JSON form the change log, the outbox and the conflict queue keep.
    public var json: JSON {
        switch self {
        case .null: return .null
        case .int(let i): return .int(i)
        case .text(let s): return .string(s)
        }
    }

    /// Reads the JSON form back (a boolean becomes 0/1; anything else null).
    public init(json: JSON?) {
        switch json {
        case .int(let i)?: self = .int(i)
        case .string(let s)?: self = .text(s)
        case .bool(let b)?: self = .int(b ? 1 : 0)
        default: self = .null
        }
    }

    /// The JSON text of ``json``, written straight into `out` (no JSON value built).
    public func writeJSON(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .int(let i): out += String(i)
        case .text(let s): JSON.writeString(s, to: &out)
        }
    }
}
