/// Decodes a journal line straight from its bytes into a ``JournalLine``, without building
/// a ``JSON`` tree: field names are matched against each kind's names (as bytes, resolved
/// once), values land in ``FieldValues`` by position.
///
/// It takes only the plain, well-formed case: valid UTF-8, one object, `type` before the
/// fields, strings without escapes, whole numbers that fit, every value of its field's type,
/// no key twice. Anything else — every error and every rarity — returns nil, and the caller
/// decodes the line the general way (``JSON/parse(bytes:)`` then ``JournalLine/decode(_:)``),
/// so the messages and columns of a bad line are exactly those of the general path.
public enum JournalLineDecoder {
    /// How a field's value is written: a string, a whole number or true/false.
    private enum Shape: UInt8 { case string, int, bool }

    private struct KindTable {
        let kind: EntityKind
        let name: [UInt8]
        let fieldNames: [[UInt8]]
        let shapes: [Shape]
    }

    private static let tables: [KindTable] = EntityKind.allCases.map { kind in
        KindTable(kind: kind, name: Array(kind.rawValue.utf8), fieldNames: kind.keys.map { Array($0.name.utf8) },
                  shapes: kind.keys.map {
                      switch $0.spec.type {
                      case .int: return .int
                      case .bool: return .bool
                      case .text, .date, .ref, .code: return .string
                      }
                  })
    }

    /// The line decoded, or nil when the general path must decide (see the type's note).
    public static func decode(_ bytes: [UInt8]) -> JournalLine? {
        bytes.withUnsafeBufferPointer { buf in
            guard isValidUTF8(buf) else { return nil }
            var p = Parser(b: buf)
            return p.line()
        }
    }

    /// The kind a line names when `type` is its first key, written plainly
    /// (`{"type": "mark", …`); nil otherwise. Reads no further: for a pass that passes over
    /// lines of some kinds without decoding them (a line it cannot sniff is decoded).
    public static func leadingKind(_ bytes: [UInt8]) -> EntityKind? {
        bytes.withUnsafeBufferPointer { buf in
            var p = Parser(b: buf)
            p.skipSpace()
            guard p.i < buf.count, buf[p.i] == 0x7B else { return nil }
            p.i += 1
            p.skipSpace()
            guard let key = p.plainString(), p.equals(key, typeName) else { return nil }
            p.skipSpace()
            guard p.i < buf.count, buf[p.i] == 0x3A else { return nil }
            p.i += 1
            p.skipSpace()
            guard let r = p.plainString() else { return nil }
            return tables.first(where: { p.equals(r, $0.name) })?.kind
        }
    }

    /// Whether the bytes are well-formed UTF-8 (ASCII checked eight bytes at a time).
    static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count
        guard let base = b.baseAddress else { return true }
        var i = 0
        while i + 8 <= n {
            if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < n, b[i] < 0x80 { i += 1 }
        return i == n || UTF8Validation.firstInvalid(b, from: i) == nil
    }

    private struct Parser {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0

        init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

        mutating func skipSpace() {
            while i < b.count {
                let c = b[i]
                guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
                i += 1
            }
        }

        /// A string without escapes or control characters starting at `i` (a quote); its
        /// content's range, `i` past the closing quote.
        mutating func plainString() -> Range<Int>? {
            guard i < b.count, b[i] == 0x22 else { return nil }
            i += 1
            let start = i
            while i < b.count {
                let c = b[i]
                if c == 0x22 { i += 1; return start..<(i - 1) }
                if c == 0x5C || c < 0x20 { return nil }
                i += 1
            }
            return nil
        }

        func equals(_ r: Range<Int>, _ name: [UInt8]) -> Bool {
            guard r.count == name.count else { return false }
            var k = 0
            for j in r { if b[j] != name[k] { return false }; k += 1 }
            return true
        }

        func string(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self) }

        /// `-`? digits, not followed by anything that makes it a fraction or exponent.
        mutating func wholeNumber() -> Int? {
            var negative = false
            if i < b.count, b[i] == 0x2D { negative = true; i += 1 }
            let start = i
            var v = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (s, o2) = negative ? m.subtractingReportingOverflow(Int(b[i] - 0x30)) : m.addingReportingOverflow(Int(b[i] - 0x30))
                if o1 || o2 { return nil }
                v = s
                i += 1
            }
            guard i > start else { return nil }
            if i < b.count {
                switch b[i] { case 0x2E, 0x65, 0x45, 0x2B, 0x2D: return nil; default: break }   // . e E + -
            }
            return v
        }

        mutating func word(_ w: StaticString) -> Bool {
            let n = w.utf8CodeUnitCount
            guard i + n <= b.count else { return false }
            for k in 0..<n where b[i + k] != w.utf8Start[k] { return false }
            i += n
            return true
        }

        mutating func line() -> JournalLine? {
            skipSpace()
            guard i < b.count, b[i] == 0x7B else { return nil }
            i += 1
            var table: KindTable?
            var values: [FieldValue] = []
            var seen: UInt64 = 0
            var id: String?
            var sawDeleted = false
            while true {
                skipSpace()
                guard let key = plainString() else { return nil }
                skipSpace()
                guard i < b.count, b[i] == 0x3A else { return nil }
                i += 1
                skipSpace()
                if equals(key, JournalLineDecoder.typeName) {
                    guard table == nil, let r = plainString(),
                          let t = JournalLineDecoder.tables.first(where: { equals(r, $0.name) }) else { return nil }
                    table = t
                    values = Array(repeating: .null, count: t.fieldNames.count)
                } else if equals(key, JournalLineDecoder.idName) {
                    guard id == nil, let r = plainString(), r.contains(where: { b[$0] > 0x20 && b[$0] < 0x7F }) else { return nil }
                    id = string(r)
                } else if equals(key, JournalLineDecoder.deletedName) {
                    // `"deleted": false` is a record; a deletion takes the general path.
                    guard !sawDeleted, word("false") else { return nil }
                    sawDeleted = true
                } else {
                    guard let t = table, let f = t.fieldNames.firstIndex(where: { equals(key, $0) }), f < 64,
                          seen & (1 << f) == 0, i < b.count else { return nil }
                    seen |= 1 << f
                    switch (t.shapes[f], b[i]) {
                    case (_, 0x6E): guard word("null") else { return nil }
                    case (.string, 0x22): guard let r = plainString() else { return nil }; values[f] = .text(string(r))
                    case (.int, 0x2D), (.int, 0x30...0x39): guard let v = wholeNumber() else { return nil }; values[f] = .int(v)
                    case (.bool, 0x74): guard word("true") else { return nil }; values[f] = .int(1)
                    case (.bool, 0x66): guard word("false") else { return nil }; values[f] = .int(0)
                    default: return nil
                    }
                }
                skipSpace()
                guard i < b.count else { return nil }
                if b[i] == 0x2C { i += 1; continue }
                guard b[i] == 0x7D else { return nil }
                i += 1
                break
            }
            skipSpace()
            guard i == b.count, let t = table, let id else { return nil }
            return .record(Record(t.kind, id: id, FieldValues(t.kind, positional: values)))
        }
    }

    private static let typeName = Array("type".utf8)
    private static let idName = Array("id".utf8)
    private static let deletedName = Array("deleted".utf8)
}
