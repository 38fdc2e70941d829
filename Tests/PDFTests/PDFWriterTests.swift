import Foundation
import Testing
import TestSupport
@testable import PDF

@Suite struct PDFWriterTests {
    static let names = ["Ёлкина Аглая Всеволодовна", "Щукин Фёдор Юрьевич", "Пётр Ильич Чайковский"]

    /// A two-orientation document with a table long enough to run onto several pages.
    func sample() throws -> Data {
        let fonts = try FontLocator.load()
        let doc = PDFDocument(fonts: fonts, metadata: PDFMetadata(title: "Проба «5А»", author: "Школа № 1",
                                                                  subject: "тест", date: "2026-10-31"))
        let flow = PageFlow(document: doc, size: .a4Portrait)
        flow.runningTitle = "Проба «5А»"
        flow.heading("Классный журнал 5А")
        flow.paragraph(String(repeating: "Съешь же ещё этих мягких французских булок, да выпей чаю. ", count: 12))
        var rows: [[String]] = []
        for i in 0..<120 { rows.append(["\(i + 1)", Self.names[i % 3], ["5", "4", "н", "3"][i % 4]]) }
        flow.table(PDFTable(columns: [PDFColumn(30, .right), PDFColumn(250), PDFColumn(40, .center)],
                            header: [["№", "Ученик", "Отметка"]], rows: rows))
        flow.newPage(.a4Landscape)
        flow.paragraph("Альбомная страница: ½ ∑ — ok")
        flow.finishPageNumbers()
        return try doc.write()
    }

    @Test func qpdfCheckPassesAndTextComesBack() throws {
        let dir = try TempDir(prefix: "pdf")
        let data = try sample()
        let file = dir.path("sample.pdf")
        try data.write(to: URL(fileURLWithPath: file))

        let check = try #require(try runTool("qpdf", ["--check", file]), "qpdf not installed (apt-get install qpdf)")
        #expect(check.status == 0, "qpdf --check: \(check.out) \(check.err)")
        #expect(check.out.contains("No syntax or stream encoding errors"))

        let text = try #require(try runTool("pdftotext", ["-layout", "-enc", "UTF-8", file, "-"]))
        #expect(text.status == 0)
        for name in Self.names { #expect(text.out.contains(name), "pdftotext lost \(name)") }
        #expect(text.out.contains("Съешь же ещё этих мягких французских булок"))
        #expect(text.out.contains("Альбомная страница: ½ ∑ — ok"))

        let info = try #require(try runTool("pdfinfo", [file]))
        let pages = Int(info.out.split(separator: "\n").first { $0.hasPrefix("Pages:") }!
                            .split(separator: " ").last!)!
        #expect(pages >= 3)
        #expect(text.out.contains("стр. 1 из \(pages)"))
        #expect(text.out.contains("стр. \(pages) из \(pages)"))
        // Header row repeated on every page the table runs onto (all but the landscape one).
        let headerCount = text.out.components(separatedBy: "Ученик").count - 1
        #expect(headerCount == pages - 1)
        let sizes = try #require(try runTool("pdfinfo", ["-f", "1", "-l", "\(pages)", file]))
        #expect(sizes.out.contains("Page    1 size:  595.28 x 841.89 pts (A4)"), "\(sizes.out)")
        #expect(sizes.out.contains("Page    \(pages) size:  841.89 x 595.28 pts (A4)"), "\(sizes.out)")
    }

    @Test func fontsAreEmbeddedSubsets() throws {
        let dir = try TempDir(prefix: "pdf")
        let file = dir.path("sample.pdf")
        try sample().write(to: URL(fileURLWithPath: file))
        let fonts = try #require(try runTool("pdffonts", [file]))
        let lines = fonts.out.split(separator: "\n").dropFirst(2)
        #expect(lines.count == 2)
        for line in lines {
            let cols = line.split(separator: " ", omittingEmptySubsequences: true)
            // name type(CID TrueType = 2 words) encoding emb sub uni
            #expect(cols[0].count > 7 && cols[0].dropFirst(6).first == "+", "subset tag: \(line)")
            #expect(line.contains("CID TrueType") && line.contains("Identity-H"))
            #expect(cols.suffix(5).prefix(3) == ["yes", "yes", "yes"], "emb/sub/uni: \(line)")
        }
    }

    @Test func sameInputSameBytes() throws {
        let a = try sample(), b = try sample()
        #expect(a == b)
        #expect(a.count < 60_000, "subset fonts keep the file small: \(a.count) bytes")
    }

    @Test func subsetFontIsAValidTrueTypeWithComposites() throws {
        let font = try FontLocator.load()[0]
        // 'Ё' and 'й' are composite glyphs in DejaVu (base + accent): their components come along.
        let used = Set("Ёй".unicodeScalars.compactMap { font.glyph(for: $0) })
        let composite = used.first { !FontSubset.components(of: font.glyphData(Int($0))).isEmpty }
        let c = try #require(composite, "expected a composite glyph among Ё й")
        var unicodes: [UInt16: Unicode.Scalar] = [:]
        for s in "Ёй".unicodeScalars { unicodes[font.glyph(for: s)!] = s }
        let subset = FontSubset(font: font, glyphs: used, unicodes: unicodes)
        for comp in FontSubset.components(of: font.glyphData(Int(c))) { #expect(subset.newID[comp] != nil) }
        let reparsed = try TrueTypeFont(data: subset.fontFile + Data(), path: "subset")
        #expect(reparsed.numGlyphs == subset.oldIDs.count)
        for s in "Ёй".unicodeScalars { #expect(reparsed.glyph(for: s) == subset.newID[font.glyph(for: s)!]) }
        #expect(FontSubset.checksum(subset.fontFile) == 0xB1B0_AFBA)
        // The renumbered composite points at the renumbered components.
        let newGlyph = subset.fontFile.isEmpty ? Data() : reparsed.glyphData(Int(subset.newID[c]!))
        let comps = FontSubset.components(of: newGlyph)
        #expect(comps == FontSubset.components(of: font.glyphData(Int(c))).map { subset.newID[$0]! })
    }
}
