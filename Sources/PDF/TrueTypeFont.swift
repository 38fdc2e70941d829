import Foundation

/// A TrueType font parsed far enough to measure text, map characters to glyphs and subset it
/// (`head`, `hhea`, `maxp`, `hmtx`, `loca`, `glyf`, `cmap`, `OS/2`, `post`, `name`).
public struct TrueTypeFont: Sendable {
    public let path: String
    let data: Data
    let tables: [String: Range<Int>]
    public let unitsPerEm: Int
    public let numGlyphs: Int
    public let ascender: Int
    public let descender: Int
    public let capHeight: Int
    public let italicAngle: Double
    public let bbox: (Int, Int, Int, Int)
    public let postScriptName: String
    public let weightClass: Int
    let longLoca: Bool
    let advances: [UInt16]
    let charToGlyph: [UInt32: UInt16]

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PDFError(.fontUnreadable, "\(path): cannot read the font file")
        }
        try self.init(data: data, path: path)
    }

    public init(data: Data, path: String) throws {
        self.path = path
        self.data = data
        let r = ByteReader(data)
        func fail(_ why: String) -> PDFError { PDFError(.fontInvalid, "\(path): \(why)") }
        guard data.count >= 12 else { throw fail("too short to be a TrueType font") }
        let version = r.u32(0)
        guard version == 0x0001_0000 || version == 0x7472_7565 else {
            throw fail("not a TrueType font (sfnt version 0x\(String(version, radix: 16)); OpenType CFF is not supported)")
        }
        let count = Int(r.u16(4))
        var tables: [String: Range<Int>] = [:]
        for i in 0..<count {
            let at = 12 + 16 * i
            guard at + 16 <= data.count else { throw fail("truncated table directory") }
            let tag = String(decoding: data[data.startIndex + at ..< data.startIndex + at + 4], as: UTF8.self)
            let offset = Int(r.u32(at + 8)), length = Int(r.u32(at + 12))
            guard offset + length <= data.count else { throw fail("table \(tag) runs past the end of the file") }
            tables[tag] = offset ..< offset + length
        }
        for needed in ["head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap"] where tables[needed] == nil {
            throw fail("no '\(needed)' table")
        }
        self.tables = tables
        let head = tables["head"]!.lowerBound
        unitsPerEm = Int(r.u16(head + 18))
        bbox = (Int(r.i16(head + 36)), Int(r.i16(head + 38)), Int(r.i16(head + 40)), Int(r.i16(head + 42)))
        longLoca = r.i16(head + 50) == 1
        let hhea = tables["hhea"]!.lowerBound
        ascender = Int(r.i16(hhea + 4))
        descender = Int(r.i16(hhea + 6))
        let hMetrics = Int(r.u16(hhea + 34))
        numGlyphs = Int(r.u16(tables["maxp"]!.lowerBound + 4))
        guard hMetrics >= 1, hMetrics <= numGlyphs, unitsPerEm > 0 else { throw fail("inconsistent hhea/maxp") }
        let hmtx = tables["hmtx"]!.lowerBound
        guard tables["hmtx"]!.count >= hMetrics * 4 else { throw fail("hmtx shorter than numberOfHMetrics") }
        var advances = [UInt16](repeating: 0, count: numGlyphs)
        for g in 0..<numGlyphs { advances[g] = r.u16(hmtx + 4 * min(g, hMetrics - 1)) }
        self.advances = advances
        if let os2 = tables["OS/2"], os2.count >= 90, r.u16(os2.lowerBound) >= 2 {
            capHeight = Int(r.i16(os2.lowerBound + 88))
        } else {
            capHeight = ascender
        }
        weightClass = tables["OS/2"].map { Int(r.u16($0.lowerBound + 4)) } ?? 400
        italicAngle = tables["post"].map { Double(r.i32($0.lowerBound + 4)) / 65536 } ?? 0
        postScriptName = TrueTypeFont.readPostScriptName(r, tables["name"]) ?? "Font"
        charToGlyph = try TrueTypeFont.readCmap(r, tables["cmap"]!, fail: fail)
    }

    /// The glyph for a Unicode scalar, if the font has one.
    public func glyph(for scalar: Unicode.Scalar) -> UInt16? {
        charToGlyph[scalar.value]
    }

    /// The advance width of a glyph in font units.
    public func advance(_ glyph: UInt16) -> Int { Int(advances[Int(glyph)]) }

    /// The width of a string at a size in points (characters without a glyph measure as '?').
    public func width(of text: String, size: Double) -> Double {
        var units = 0
        for s in text.unicodeScalars { units += advance(glyph(for: s) ?? fallbackGlyph) }
        return Double(units) * size / Double(unitsPerEm)
    }

    /// The glyph used for characters the font lacks (never .notdef: PDF/A forbids showing it).
    public var fallbackGlyph: UInt16 { charToGlyph[0x3F] ?? 0 }

    /// The bytes of a glyph's outline in `glyf` (empty for glyphs without contours).
    func glyphData(_ glyph: Int) -> Data {
        let r = ByteReader(data)
        let loca = tables["loca"]!.lowerBound
        let start: Int, end: Int
        if longLoca {
            start = Int(r.u32(loca + 4 * glyph)); end = Int(r.u32(loca + 4 * glyph + 4))
        } else {
            start = Int(r.u16(loca + 2 * glyph)) * 2; end = Int(r.u16(loca + 2 * glyph + 2)) * 2
        }
        guard end > start else { return Data() }
        let glyf = tables["glyf"]!
        let a = glyf.lowerBound + start, b = min(glyf.lowerBound + end, glyf.upperBound)
        guard a < b else { return Data() }
        return data.subdata(in: data.startIndex + a ..< data.startIndex + b)
    }

    func table(_ tag: String) -> Data? {
        tables[tag].map { data.subdata(in: data.startIndex + $0.lowerBound ..< data.startIndex + $0.upperBound) }
    }

    private static func readCmap(_ r: ByteReader, _ cmap: Range<Int>,
                                 fail: (String) -> PDFError) throws -> [UInt32: UInt16] {
        let base = cmap.lowerBound
        let count = Int(r.u16(base + 2))
        var format4: Int?, format12: Int?
        for i in 0..<count {
            let platform = r.u16(base + 4 + 8 * i), encoding = r.u16(base + 6 + 8 * i)
            let offset = base + Int(r.u32(base + 8 + 8 * i))
            let format = r.u16(offset)
            if format == 12, (platform == 3 && encoding == 10) || platform == 0 { format12 = offset }
            if format == 4, (platform == 3 && encoding == 1) || platform == 0 { format4 = format4 ?? offset }
        }
        var map: [UInt32: UInt16] = [:]
        if let at = format12 {
            let groups = Int(r.u32(at + 12))
            for g in 0..<groups {
                let p = at + 16 + 12 * g
                let first = r.u32(p), last = r.u32(p + 4), glyph = r.u32(p + 8)
                guard last >= first, last - first < 0x11_0000 else { continue }
                for c in first...last { map[c] = UInt16(truncatingIfNeeded: glyph + (c - first)) }
            }
        } else if let at = format4 {
            let segments = Int(r.u16(at + 6)) / 2
            let ends = at + 14, starts = ends + 2 * segments + 2
            let deltas = starts + 2 * segments, rangeOffsets = deltas + 2 * segments
            for s in 0..<segments {
                let end = Int(r.u16(ends + 2 * s)), start = Int(r.u16(starts + 2 * s))
                let delta = Int(r.i16(deltas + 2 * s)), ro = Int(r.u16(rangeOffsets + 2 * s))
                guard start <= end, start != 0xFFFF else { continue }
                for c in start...end {
                    var g: Int
                    if ro == 0 {
                        g = (c + delta) & 0xFFFF
                    } else {
                        let p = rangeOffsets + 2 * s + ro + 2 * (c - start)
                        g = Int(r.u16(p))
                        if g != 0 { g = (g + delta) & 0xFFFF }
                    }
                    if g != 0 { map[UInt32(c)] = UInt16(g) }
                }
            }
        } else {
            throw fail("no Unicode cmap subtable (format 4 or 12)")
        }
        return map
    }

    private static func readPostScriptName(_ r: ByteReader, _ name: Range<Int>?) -> String? {
        guard let name else { return nil }
        let base = name.lowerBound
        let count = Int(r.u16(base + 2)), strings = base + Int(r.u16(base + 4))
        for i in 0..<count {
            let p = base + 6 + 12 * i
            guard r.u16(p + 6) == 6 else { continue }
            let platform = r.u16(p), length = Int(r.u16(p + 8)), offset = Int(r.u16(p + 10))
            let bytes = r.bytes(strings + offset, length)
            if platform == 1 { return String(decoding: bytes, as: UTF8.self) }
            if platform == 3 || platform == 0 {
                var units: [UInt16] = []
                for k in stride(from: 0, to: bytes.count - 1, by: 2) { units.append(UInt16(bytes[k]) << 8 | UInt16(bytes[k + 1])) }
                return String(decoding: units, as: UTF16.self)
            }
        }
        return nil
    }
}

/// Big-endian reads that return 0 past the end instead of trapping (fonts are input).
struct ByteReader {
    let data: Data
    init(_ data: Data) { self.data = data }
    func u8(_ at: Int) -> UInt8 {
        guard at >= 0, at < data.count else { return 0 }
        return data[data.startIndex + at]
    }
    func u16(_ at: Int) -> UInt16 { UInt16(u8(at)) << 8 | UInt16(u8(at + 1)) }
    func i16(_ at: Int) -> Int16 { Int16(bitPattern: u16(at)) }
    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) << 16 | UInt32(u16(at + 2)) }
    func i32(_ at: Int) -> Int32 { Int32(bitPattern: u32(at)) }
    func bytes(_ at: Int, _ count: Int) -> [UInt8] { (0..<max(0, count)).map { u8(at + $0) } }
}
