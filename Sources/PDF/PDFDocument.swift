import CZlib
import Foundation

/// A page size in points.
public struct PageSize: Sendable, Equatable {
    public let width: Double
    public let height: Double
    public init(width: Double, height: Double) { self.width = width; self.height = height }
    public static let a4Portrait = PageSize(width: 595.28, height: 841.89)
    public static let a4Landscape = PageSize(width: 841.89, height: 595.28)
}

/// What the document says about itself (Info and XMP agree). The date is the period's, never
/// the clock's: the same journal gives the same bytes.
public struct PDFMetadata: Sendable {
    public var title: String
    public var author: String
    public var subject: String
    /// `YYYY-MM-DD`; the document's creation and modification date (midnight UTC).
    public var date: String
    public var language: String
    public init(title: String, author: String = "", subject: String = "", date: String, language: String = "ru-RU") {
        self.title = title; self.author = author; self.subject = subject; self.date = date; self.language = language
    }
}

/// An RGB colour, 0…1 (DeviceRGB under the sRGB OutputIntent).
public struct PDFColor: Sendable, Equatable {
    public let r: Double, g: Double, b: Double
    public init(_ r: Double, _ g: Double, _ b: Double) { self.r = r; self.g = g; self.b = b }
    public static let black = PDFColor(0, 0, 0)
    public static let lightGray = PDFColor(0.9, 0.9, 0.9)
}

/// A PDF/A-2b document: pages of text and lines in embedded subset TrueType fonts.
///
/// Drawing records operations; ``write()`` subsets the fonts to the glyphs used and lays out
/// the objects. Coordinates are PDF points from the page's lower-left corner.
public final class PDFDocument {
    enum Op {
        case text(x: Double, y: Double, font: Int, size: Double, glyphs: [UInt16], color: PDFColor)
        case line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double)
        case fill(x: Double, y: Double, w: Double, h: Double, color: PDFColor)
    }
    struct Page { let size: PageSize; var ops: [Op] = [] }

    public let fonts: [TrueTypeFont]
    public let metadata: PDFMetadata
    var pages: [Page] = []
    private var used: [Set<UInt16>]
    private var unicodeOf: [[UInt16: Unicode.Scalar]]

    public init(fonts: [TrueTypeFont], metadata: PDFMetadata) {
        precondition(!fonts.isEmpty, "a PDF needs at least one font")
        self.fonts = fonts
        self.metadata = metadata
        used = Array(repeating: [], count: fonts.count)
        unicodeOf = Array(repeating: [:], count: fonts.count)
    }

    private var current = -1

    public var pageCount: Int { pages.count }

    /// Starts a new page; drawing goes to it.
    public func addPage(_ size: PageSize) { pages.append(Page(size: size)); current = pages.count - 1 }

    /// Sends drawing to an earlier page (page numbers are drawn once the count is known).
    public func selectPage(_ index: Int) { current = index }

    public func pageSize(_ index: Int) -> PageSize { pages[index].size }

    /// Shows text with its baseline starting at (x, y).
    public func text(_ string: String, x: Double, y: Double, font: Int = 0, size: Double, color: PDFColor = .black) {
        precondition(!pages.isEmpty, "addPage first")
        let f = fonts[font]
        var glyphs: [UInt16] = []
        for s in string.unicodeScalars {
            if let g = f.glyph(for: s) {
                glyphs.append(g)
                if unicodeOf[font][g] == nil { unicodeOf[font][g] = s }
            } else {
                let g = f.fallbackGlyph
                glyphs.append(g)
                if unicodeOf[font][g] == nil { unicodeOf[font][g] = "?" }
            }
        }
        guard !glyphs.isEmpty else { return }
        used[font].formUnion(glyphs)
        pages[current].ops.append(.text(x: x, y: y, font: font, size: size, glyphs: glyphs, color: color))
    }

    public func line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double = 0.5) {
        pages[current].ops.append(.line(x1: x1, y1: y1, x2: x2, y2: y2, width: width))
    }

    public func fill(x: Double, y: Double, width: Double, height: Double, color: PDFColor) {
        pages[current].ops.append(.fill(x: x, y: y, w: width, h: height, color: color))
    }

    /// The text width in points.
    public func width(_ string: String, font: Int = 0, size: Double) -> Double {
        fonts[font].width(of: string, size: size)
    }

    // MARK: - Serialisation

    /// The complete file.
    public func write() throws -> Data {
        var out = PDFObjectWriter()
        let subsets = fonts.indices.map { FontSubset(font: fonts[$0], glyphs: used[$0], unicodes: unicodeOf[$0]) }
        let catalog = out.reserve(), pagesRef = out.reserve(), info = out.reserve()
        var fontRefs: [Int] = []
        for i in fonts.indices where !used[i].isEmpty || i == 0 {
            fontRefs.append(try writeFont(i, subsets[i], into: &out))
        }
        // Fonts never used are not referenced (keeps indexes: map font index → ref or 0).
        var refOfFont: [Int: Int] = [:]
        var k = 0
        for i in fonts.indices where !used[i].isEmpty || i == 0 { refOfFont[i] = fontRefs[k]; k += 1 }
        let fontDict = refOfFont.keys.sorted().map { "/F\($0) \(refOfFont[$0]!) 0 R" }.joined(separator: " ")

        var pageRefs: [Int] = []
        for page in pages {
            let content = try compress(Data(contentStream(page, subsets).utf8))
            let contentRef = out.add(stream: content, dictionary: "/Filter /FlateDecode")
            let pageRef = out.add(
                "<< /Type /Page /Parent \(pagesRef) 0 R /MediaBox [0 0 \(num(page.size.width)) \(num(page.size.height))] "
                + "/Resources << /Font << \(fontDict) >> >> /Contents \(contentRef) 0 R >>")
            pageRefs.append(pageRef)
        }
        out.set(pagesRef, "<< /Type /Pages /Kids [\(pageRefs.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages.count) >>")

        let icc = try compress(SRGBProfile.bytes)
        let iccRef = out.add(stream: icc, dictionary: "/N 3 /Filter /FlateDecode")
        let xmp = Data(xmpPacket().utf8)
        let metaRef = out.add(stream: xmp, dictionary: "/Type /Metadata /Subtype /XML")
        out.set(catalog,
                "<< /Type /Catalog /Pages \(pagesRef) 0 R /Metadata \(metaRef) 0 R /Lang \(textString(metadata.language)) "
                + "/OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) "
                + "/RegistryName (http://www.color.org) /Info (sRGB IEC61966-2.1) /DestOutputProfile \(iccRef) 0 R >>] >>")
        let pdfDate = "D:" + metadata.date.replacingOccurrences(of: "-", with: "") + "000000+00'00'"
        out.set(info, "<< /Title \(textString(metadata.title)) /Author \(textString(metadata.author)) "
                + "/Subject \(textString(metadata.subject)) /Producer \(textString(Self.producer)) "
                + "/CreationDate (\(pdfDate)) /ModDate (\(pdfDate)) >>")
        return out.finish(root: catalog, info: info)
    }

    static let producer = "Journal Gateway PDF writer"

    private func contentStream(_ page: Page, _ subsets: [FontSubset]) -> String {
        var s = ""
        var lastWidth = -1.0
        for op in page.ops {
            switch op {
            case let .text(x, y, font, size, glyphs, color):
                let hex = glyphs.map { hex4(subsets[font].newID[$0] ?? 0) }.joined()
                s += "BT \(num(color.r)) \(num(color.g)) \(num(color.b)) rg /F\(font) \(num(size)) Tf \(num(x)) \(num(y)) Td <\(hex)> Tj ET\n"
            case let .line(x1, y1, x2, y2, width):
                if width != lastWidth { s += "\(num(width)) w\n"; lastWidth = width }
                s += "\(num(x1)) \(num(y1)) m \(num(x2)) \(num(y2)) l S\n"
            case let .fill(x, y, w, h, color):
                s += "\(num(color.r)) \(num(color.g)) \(num(color.b)) rg \(num(x)) \(num(y)) \(num(w)) \(num(h)) re f\n"
            }
        }
        return s
    }

    private func writeFont(_ index: Int, _ subset: FontSubset, into out: inout PDFObjectWriter) throws -> Int {
        let font = fonts[index]
        let scale = 1000.0 / Double(font.unitsPerEm)
        let tag = subsetTag(subset)
        let name = "\(tag)+\(font.postScriptName.filter { $0.isASCII && !" ()<>[]{}/%#".contains($0) })"
        let file = try compress(subset.fontFile)
        let fileRef = out.add(stream: file, dictionary: "/Length1 \(subset.fontFile.count) /Filter /FlateDecode")
        // CIDSet: one bit per CID present (all of 0..<count: the subset is dense).
        var bits = [UInt8](repeating: 0, count: (subset.oldIDs.count + 7) / 8)
        for cid in subset.oldIDs.indices { bits[cid / 8] |= 0x80 >> UInt8(cid % 8) }
        let cidSetRef = out.add(stream: try compress(Data(bits)), dictionary: "/Filter /FlateDecode")
        let b = font.bbox
        let flags = 4 | (font.italicAngle != 0 ? 64 : 0)
        let descriptor = out.add(
            "<< /Type /FontDescriptor /FontName /\(name) /Flags \(flags) "
            + "/FontBBox [\(Int((Double(b.0) * scale).rounded())) \(Int((Double(b.1) * scale).rounded())) "
            + "\(Int((Double(b.2) * scale).rounded())) \(Int((Double(b.3) * scale).rounded()))] "
            + "/ItalicAngle \(num(font.italicAngle)) /Ascent \(Int((Double(font.ascender) * scale).rounded())) "
            + "/Descent \(Int((Double(font.descender) * scale).rounded())) /CapHeight \(Int((Double(font.capHeight) * scale).rounded())) "
            + "/StemV \(font.weightClass >= 600 ? 120 : 80) /FontFile2 \(fileRef) 0 R /CIDSet \(cidSetRef) 0 R >>")
        let widths = subset.oldIDs.map { String(Int((Double(font.advance($0)) * scale).rounded())) }.joined(separator: " ")
        let cidFont = out.add(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /\(name) "
            + "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            + "/FontDescriptor \(descriptor) 0 R /W [0 [\(widths)]] /CIDToGIDMap /Identity >>")
        let toUnicode = out.add(stream: try compress(Data(toUnicodeCMap(index, subset).utf8)), dictionary: "/Filter /FlateDecode")
        return out.add("<< /Type /Font /Subtype /Type0 /BaseFont /\(name) /Encoding /Identity-H "
                       + "/DescendantFonts [\(cidFont) 0 R] /ToUnicode \(toUnicode) 0 R >>")
    }

    private func toUnicodeCMap(_ index: Int, _ subset: FontSubset) -> String {
        var entries: [String] = []
        for (cid, old) in subset.oldIDs.enumerated() {
            guard let scalar = unicodeOf[index][old] else { continue }
            let units = String(scalar).utf16.map { hex4($0) }.joined()
            entries.append("<\(hex4(UInt16(cid)))> <\(units)>")
        }
        var s = """
        /CIDInit /ProcSet findresource begin
        12 dict begin
        begincmap
        /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
        /CMapName /Adobe-Identity-UCS def
        /CMapType 2 def
        1 begincodespacerange
        <0000> <FFFF>
        endcodespacerange

        """
        var at = 0
        while at < entries.count {
            let chunk = entries[at ..< min(at + 100, entries.count)]
            s += "\(chunk.count) beginbfchar\n" + chunk.joined(separator: "\n") + "\nendbfchar\n"
            at += 100
        }
        s += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
        return s
    }

    /// Six capital letters derived from the glyphs in the subset (stable, no randomness).
    private func subsetTag(_ subset: FontSubset) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for g in subset.oldIDs { h = (h ^ UInt64(g)) &* 0x100_0000_01b3 }
        var tag = ""
        for _ in 0..<6 { tag.append(Character(Unicode.Scalar(UInt8(65 + h % 26)))); h /= 26 }
        return tag
    }

    private func xmpPacket() -> String {
        let date = metadata.date + "T00:00:00+00:00"
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        }
        return """
        <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
        <x:xmpmeta xmlns:x="adobe:ns:meta/">
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
        <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
        <pdfaid:part>2</pdfaid:part>
        <pdfaid:conformance>B</pdfaid:conformance>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <dc:format>application/pdf</dc:format>
        <dc:title><rdf:Alt><rdf:li xml:lang="x-default">\(esc(metadata.title))</rdf:li></rdf:Alt></dc:title>
        <dc:creator><rdf:Seq><rdf:li>\(esc(metadata.author))</rdf:li></rdf:Seq></dc:creator>
        <dc:description><rdf:Alt><rdf:li xml:lang="x-default">\(esc(metadata.subject))</rdf:li></rdf:Alt></dc:description>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
        <xmp:CreateDate>\(date)</xmp:CreateDate>
        <xmp:ModifyDate>\(date)</xmp:ModifyDate>
        <xmp:MetadataDate>\(date)</xmp:MetadataDate>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
        <pdf:Producer>\(esc(Self.producer))</pdf:Producer>
        </rdf:Description>
        </rdf:RDF>
        </x:xmpmeta>
        <?xpacket end="w"?>
        """
    }
}

/// A PDF text string: ASCII literal when plain, UTF-16BE with a byte-order mark otherwise.
func textString(_ s: String) -> String {
    if s.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F && !"()\\".unicodeScalars.contains($0) }) {
        return "(\(s))"
    }
    return "<FEFF" + s.utf16.map { hex4($0) }.joined() + ">"
}

func hex4(_ v: UInt16) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(v >> 12)], digits[Int(v >> 8 & 0xF)], digits[Int(v >> 4 & 0xF)], digits[Int(v & 0xF)]])
}

/// A number with at most two decimals, no exponent, locale-free.
func num(_ v: Double) -> String {
    let hundredths = Int((v * 100).rounded())
    let sign = hundredths < 0 ? "-" : ""
    let a = abs(hundredths)
    let whole = a / 100, frac = a % 100
    if frac == 0 { return "\(sign)\(whole)" }
    return frac % 10 == 0 ? "\(sign)\(whole).\(frac / 10)" : "\(sign)\(whole).\(frac < 10 ? "0" : "")\(frac)"
}

/// zlib (RFC 1950) compression for /FlateDecode.
func compress(_ data: Data) throws -> Data {
    var bound = compressBound(uLong(data.count))
    var out = [UInt8](repeating: 0, count: Int(bound))
    let status = data.withUnsafeBytes { src in
        compress2(&out, &bound, src.bindMemory(to: Bytef.self).baseAddress, uLong(data.count), 9)
    }
    guard status == Z_OK else { throw PDFError(.compression, "zlib compress2 failed (status \(status))") }
    return Data(out.prefix(Int(bound)))
}
