import Foundation

/// A subset of a TrueType font: the glyphs a document shows (plus .notdef and the components
/// of composite glyphs), renumbered densely from 0. The new glyph ids are the PDF's CIDs
/// (`CIDToGIDMap /Identity`).
struct FontSubset {
    /// New glyph id (= CID) for each old glyph id used.
    let newID: [UInt16: UInt16]
    /// Old glyph id for each new id, in order.
    let oldIDs: [UInt16]
    /// The subset font file.
    let fontFile: Data

    init(font: TrueTypeFont, glyphs used: Set<UInt16>, unicodes: [UInt16: Unicode.Scalar] = [:]) {
        // Close over composite glyphs' components.
        var included: Set<UInt16> = [0]
        var pending = Array(used)
        while let g = pending.popLast() {
            guard Int(g) < font.numGlyphs, !included.contains(g) || g == 0 else { continue }
            included.insert(g)
            for c in FontSubset.components(of: font.glyphData(Int(g))) where !included.contains(c) {
                pending.append(c)
            }
        }
        let order = included.sorted()
        var newID: [UInt16: UInt16] = [:]
        for (i, g) in order.enumerated() { newID[g] = UInt16(i) }
        self.newID = newID
        self.oldIDs = order
        var cmap: [(UInt16, UInt16)] = []
        for (old, scalar) in unicodes where scalar.value <= 0xFFFE {
            if let new = newID[old] { cmap.append((UInt16(scalar.value), new)) }
        }
        self.fontFile = FontSubset.build(font: font, order: order, newID: newID, cmap: cmap.sorted { $0.0 < $1.0 })
    }

    /// Component glyph ids of a composite glyph (empty for a simple one).
    static func components(of glyph: Data) -> [UInt16] {
        let r = ByteReader(glyph)
        guard glyph.count >= 10, r.i16(0) < 0 else { return [] }
        var result: [UInt16] = []
        var at = 10
        while at + 4 <= glyph.count {
            let flags = r.u16(at)
            result.append(r.u16(at + 2))
            at += 4 + (flags & 0x0001 != 0 ? 4 : 2)
            if flags & 0x0008 != 0 { at += 2 } else if flags & 0x0040 != 0 { at += 4 } else if flags & 0x0080 != 0 { at += 8 }
            if flags & 0x0020 == 0 { break }
        }
        return result
    }

    /// The glyph with its component indices rewritten to the new numbering.
    static func renumbered(_ glyph: Data, _ newID: [UInt16: UInt16]) -> Data {
        let r = ByteReader(glyph)
        guard glyph.count >= 10, r.i16(0) < 0 else { return glyph }
        var bytes = [UInt8](glyph)
        var at = 10
        while at + 4 <= bytes.count {
            let flags = r.u16(at)
            let new = newID[r.u16(at + 2)] ?? 0
            bytes[at + 2] = UInt8(new >> 8); bytes[at + 3] = UInt8(new & 0xFF)
            at += 4 + (flags & 0x0001 != 0 ? 4 : 2)
            if flags & 0x0008 != 0 { at += 2 } else if flags & 0x0040 != 0 { at += 4 } else if flags & 0x0080 != 0 { at += 8 }
            if flags & 0x0020 == 0 { break }
        }
        return Data(bytes)
    }

    /// A (3, 1) format 4 cmap: one segment per character, then the 0xFFFF terminator.
    static func cmapTable(_ pairs: [(UInt16, UInt16)]) -> Data {
        var chars: [(UInt16, UInt16)] = []
        for p in pairs where chars.last?.0 != p.0 && p.0 != 0xFFFF { chars.append(p) }
        let segments = chars.count + 1
        var w = ByteWriter()
        w.u16(0); w.u16(1)                                  // version, one subtable
        w.u16(3); w.u16(1); w.u32(12)
        let length = 16 + 8 * segments
        var entrySelector = 0
        while (1 << (entrySelector + 1)) <= segments { entrySelector += 1 }
        let searchRange = 2 * (1 << entrySelector)
        w.u16(4); w.u16(UInt16(length)); w.u16(0)
        w.u16(UInt16(2 * segments)); w.u16(UInt16(searchRange)); w.u16(UInt16(entrySelector))
        w.u16(UInt16(2 * segments - searchRange))
        for (c, _) in chars { w.u16(c) }; w.u16(0xFFFF)                     // endCode
        w.u16(0)                                                             // reservedPad
        for (c, _) in chars { w.u16(c) }; w.u16(0xFFFF)                     // startCode
        for (c, g) in chars { w.u16(g &- c) }; w.u16(1)                     // idDelta
        for _ in 0..<segments { w.u16(0) }                                   // idRangeOffset
        return w.data
    }

    private static func build(font: TrueTypeFont, order: [UInt16], newID: [UInt16: UInt16],
                              cmap: [(UInt16, UInt16)]) -> Data {
        let r = ByteReader(font.data)
        var glyf = ByteWriter(), loca = ByteWriter(), hmtx = ByteWriter()
        let hmtxBase = font.tables["hmtx"]!.lowerBound
        let hMetrics = Int(r.u16(font.tables["hhea"]!.lowerBound + 34))
        for old in order {
            loca.u32(UInt32(glyf.count))
            var g = renumbered(font.glyphData(Int(old)), newID)
            while g.count % 4 != 0 { g.append(0) }
            glyf.append(g)
            let o = Int(old)
            let lsb = o < hMetrics ? r.i16(hmtxBase + 4 * o + 2) : r.i16(hmtxBase + 4 * hMetrics + 2 * (o - hMetrics))
            hmtx.u16(UInt16(font.advance(old))); hmtx.u16(UInt16(bitPattern: lsb))
        }
        loca.u32(UInt32(glyf.count))

        var head = [UInt8](font.table("head")!)
        head[8] = 0; head[9] = 0; head[10] = 0; head[11] = 0          // checksumAdjustment, set below
        head[50] = 0; head[51] = 1                                      // long loca
        var hhea = [UInt8](font.table("hhea")!)
        hhea[34] = UInt8(order.count >> 8); hhea[35] = UInt8(order.count & 0xFF)
        var maxp = [UInt8](font.table("maxp")!)
        maxp[4] = UInt8(order.count >> 8); maxp[5] = UInt8(order.count & 0xFF)
        var tables: [(String, Data)] = [
            ("head", Data(head)), ("hhea", Data(hhea)), ("maxp", Data(maxp)),
            ("hmtx", hmtx.data), ("loca", loca.data), ("glyf", glyf.data), ("cmap", cmapTable(cmap)),
        ]
        if let post = font.table("post"), post.count >= 32 {                // version 3: no glyph names
            var p = [UInt8](post.prefix(32)); p[0] = 0; p[1] = 3; p[2] = 0; p[3] = 0
            tables.append(("post", Data(p)))
        }
        for tag in ["OS/2", "cvt ", "fpgm", "prep"] { if let t = font.table(tag) { tables.append((tag, t)) } }
        tables.sort { $0.0 < $1.0 }
        return assemble(tables)
    }

    /// An sfnt file from tables (sorted by tag), with checksums and head's adjustment.
    static func assemble(_ tables: [(String, Data)]) -> Data {
        let n = tables.count
        var entrySelector = 0
        while (1 << (entrySelector + 1)) <= n { entrySelector += 1 }
        let searchRange = (1 << entrySelector) * 16
        var out = ByteWriter()
        out.u32(0x0001_0000); out.u16(UInt16(n)); out.u16(UInt16(searchRange))
        out.u16(UInt16(entrySelector)); out.u16(UInt16(n * 16 - searchRange))
        var offset = 12 + 16 * n
        var headOffset = 0
        for (tag, body) in tables {
            out.append(Data(tag.utf8)); out.u32(checksum(body)); out.u32(UInt32(offset)); out.u32(UInt32(body.count))
            if tag == "head" { headOffset = offset }
            offset += (body.count + 3) & ~3
        }
        for (_, body) in tables {
            out.append(body)
            while out.count % 4 != 0 { out.u8(0) }
        }
        var file = out.data
        let adjustment = 0xB1B0_AFBA &- checksum(file)
        for k in 0..<4 { file[file.startIndex + headOffset + 8 + k] = UInt8((adjustment >> (24 - 8 * UInt32(k))) & 0xFF) }
        return file
    }

    static func checksum(_ d: Data) -> UInt32 {
        var sum: UInt32 = 0
        var word: UInt32 = 0
        var i = 0
        for b in d {
            word = word << 8 | UInt32(b); i += 1
            if i == 4 { sum &+= word; word = 0; i = 0 }
        }
        if i > 0 { sum &+= word << (8 * UInt32(4 - i)) }
        return sum
    }
}

struct ByteWriter {
    private(set) var data = Data()
    var count: Int { data.count }
    mutating func u8(_ v: UInt8) { data.append(v) }
    mutating func u16(_ v: UInt16) { data.append(UInt8(v >> 8)); data.append(UInt8(v & 0xFF)) }
    mutating func u32(_ v: UInt32) { u16(UInt16(v >> 16)); u16(UInt16(v & 0xFFFF)) }
    mutating func append(_ d: Data) { data.append(d) }
}
