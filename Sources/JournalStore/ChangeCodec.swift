import JournalModel

/// The change log's `changes` column in its compact form (schema version 4 on): one BLOB
/// per entry instead of a JSON document. Entries written before version 4 keep their JSON
/// text; ``ChangeCodec/decode(_:kind:)`` reads both, so `history` and `journal export`
/// render every entry exactly as before.
///
/// Layout: a version byte (1), then per changed field its schema position (one byte: no
/// kind has 256 fields), then the old and the new value, each a tag byte — 0 null, 1 an
/// integer (zig-zag LEB128 follows), 2 text (LEB128 byte count and UTF-8 follow). A field
/// the kind does not have (only possible in a hand-edited file) is kept by name: position
/// 255, then its name as text.
enum ChangeCodec {
    static let formatVersion: UInt8 = 1
    private static let byName: UInt8 = 255

    /// The compact form of `changes` (fields of `kind`).
    static func encode(_ changes: [FieldChange], kind: EntityKind) -> [UInt8] {
        var out: [UInt8] = [formatVersion]
        out.reserveCapacity(1 + 24 * changes.count)
        for c in changes {
            if let key = c.key, key.kind == kind, key.index < Int(byName) {
                out.append(UInt8(key.index))
            } else {
                out.append(byName)
                write(.text(c.name), to: &out)
            }
            write(c.old, to: &out)
            write(c.new, to: &out)
        }
        return out
    }

    /// The changes of one stored entry: compact bytes, or JSON text from before version 4.
    static func decode(_ value: SQLValue, kind: EntityKind?) -> [FieldChange] {
        switch value {
        case .blob(let bytes): return decode(bytes, kind: kind) ?? []
        case .text(let text): return kind.map { JournalStore.parseChanges($0, text) } ?? []
        default: return []
        }
    }

    /// Nil when the bytes are not a change list this codec wrote.
    static func decode(_ bytes: [UInt8], kind: EntityKind?) -> [FieldChange]? {
        guard bytes.first == formatVersion else { return nil }
        var i = 1
        var out: [FieldChange] = []
        let keys = kind?.keys ?? []
        while i < bytes.count {
            let position = bytes[i]
            i += 1
            let target: FieldChange.Target
            if position == byName {
                guard case .text(let name)? = read(bytes, &i) else { return nil }
                target = kind.map { FieldChange.target($0, name: name) } ?? .stored(name)
            } else {
                guard Int(position) < keys.count else { return nil }
                target = .field(keys[Int(position)])
            }
            guard let old = read(bytes, &i), let new = read(bytes, &i) else { return nil }
            out.append(FieldChange(target, old: old, new: new))
        }
        return out
    }

    private static func write(_ v: FieldValue, to out: inout [UInt8]) {
        switch v {
        case .null:
            out.append(0)
        case .int(let n):
            out.append(1)
            writeVarint(UInt64(bitPattern: Int64((n << 1) ^ (n >> 63))), to: &out)
        case .text(let s):
            out.append(2)
            var s = s
            s.withUTF8 { utf8 in
                writeVarint(UInt64(utf8.count), to: &out)
                out.append(contentsOf: utf8)
            }
        }
    }

    private static func writeVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private static func read(_ b: [UInt8], _ i: inout Int) -> FieldValue? {
        guard i < b.count else { return nil }
        let tag = b[i]
        i += 1
        switch tag {
        case 0: return .null
        case 1:
            guard let raw = readVarint(b, &i) else { return nil }
            let n = Int(Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1))
            return .int(n)
        case 2:
            guard let n = readVarint(b, &i), n <= UInt64(b.count - i) else { return nil }
            let end = i + Int(n)
            defer { i = end }
            return .text(String(decoding: b[i..<end], as: UTF8.self))
        default: return nil
        }
    }

    private static func readVarint(_ b: [UInt8], _ i: inout Int) -> UInt64? {
        var v: UInt64 = 0, shift: UInt64 = 0
        while i < b.count, shift < 64 {
            let byte = b[i]
            i += 1
            v |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return v }
            shift += 7
        }
        return nil
    }
}
