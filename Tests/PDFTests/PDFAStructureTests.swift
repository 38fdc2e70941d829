import Foundation
import Testing
import TestSupport
@testable import PDF

/// What PDF/A-2b asks of the file's structure, read back through `qpdf --json` (qpdf parses,
/// we look): the OutputIntent with its ICC profile, the XMP identification, the trailer ID,
/// no encryption, no transparency, fonts with CIDToGIDMap, CIDSet and FontFile2.
@Suite struct PDFAStructureTests {
    func objects() throws -> (objects: [String: Any], trailer: [String: Any], top: [String: Any]) {
        let dir = try TempDir(prefix: "pdfa")
        let file = dir.path("a.pdf")
        try PDFWriterTests().sample().write(to: URL(fileURLWithPath: file))
        let r = try #require(try runTool("qpdf", ["--json", "--json-stream-data=inline", "--decode-level=generalized", file]), "qpdf not installed")
        #expect(r.status == 0, "\(r.err)")
        let top = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let q = try #require(top["qpdf"] as? [Any])
        var objects: [String: Any] = [:]
        for (k, v) in try #require(q[1] as? [String: Any]) { objects[k] = v }
        let trailer = try #require((objects["trailer"] as? [String: Any])?["value"] as? [String: Any])
        return (objects, trailer, top)
    }

    func value(_ objects: [String: Any], _ ref: Any?) -> Any? {
        guard let ref = ref as? String, let o = objects["obj:" + ref] as? [String: Any] else { return nil }
        return o["value"] ?? o["stream"]
    }

    func streamData(_ objects: [String: Any], _ ref: Any?) -> Data? {
        guard let s = value(objects, ref) as? [String: Any], let b64 = s["data"] as? String else { return nil }
        return Data(base64Encoded: b64)
    }

    @Test func outputIntentMetadataAndTrailer() throws {
        let (objects, trailer, top) = try objects()
        #expect((top["encrypt"] as? [String: Any])?["encrypted"] as? Bool == false)
        #expect(trailer["/Encrypt"] == nil)
        let ids = try #require(trailer["/ID"] as? [String])
        #expect(ids.count == 2 && ids[0] == ids[1] && ids[0].count == 34)
        let catalog = try #require(value(objects, trailer["/Root"]) as? [String: Any])
        let intents = try #require(catalog["/OutputIntents"] as? [[String: Any]])
        #expect(intents.count == 1 && intents[0]["/S"] as? String == "/GTS_PDFA1")
        let profileStream = try #require(value(objects, intents[0]["/DestOutputProfile"]) as? [String: Any])
        #expect((profileStream["dict"] as? [String: Any])?["/N"] as? Int == 3)
        let icc = try #require(streamData(objects, intents[0]["/DestOutputProfile"]))
        // The ICC header: its own size, 'acsp', an RGB display profile with an XYZ PCS, version 2.
        #expect(Int(icc[0]) << 24 | Int(icc[1]) << 16 | Int(icc[2]) << 8 | Int(icc[3]) == icc.count)
        #expect(String(decoding: icc[36..<40], as: UTF8.self) == "acsp")
        #expect(String(decoding: icc[12..<24], as: UTF8.self) == "mntrRGB XYZ ")
        #expect(icc[8] == 2)
        let xmp = String(decoding: try #require(streamData(objects, catalog["/Metadata"])), as: UTF8.self)
        #expect(xmp.contains("<pdfaid:part>2</pdfaid:part>") && xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"))
        #expect(xmp.contains("<rdf:li xml:lang=\"x-default\">Проба «5А»</rdf:li>"))
        #expect(xmp.contains("<xmp:CreateDate>2026-10-31T00:00:00+00:00</xmp:CreateDate>"))
        let info = try #require(value(objects, trailer["/Info"]) as? [String: Any])
        #expect(info["/Title"] as? String == "u:Проба «5А»")
        #expect(info["/CreationDate"] as? String == "u:D:20261031000000+00'00'")
    }

    @Test func noTransparencyAndCompleteFonts() throws {
        let (objects, _, _) = try objects()
        var cidFonts = 0
        for (_, o) in objects {
            guard let o = o as? [String: Any] else { continue }
            let dict = (o["value"] as? [String: Any]) ?? ((o["stream"] as? [String: Any])?["dict"] as? [String: Any]) ?? [:]
            for key in ["/SMask", "/Group", "/CA", "/ca", "/BM", "/Encrypt", "/JavaScript", "/JS"] {
                #expect(dict[key] == nil, "\(key) found")
            }
            if dict["/Subtype"] as? String == "/CIDFontType2" {
                cidFonts += 1
                #expect(dict["/CIDToGIDMap"] as? String == "/Identity")
                #expect(dict["/W"] != nil)
                let descriptor = try #require(value(objects, dict["/FontDescriptor"]) as? [String: Any])
                #expect(descriptor["/FontFile2"] != nil && descriptor["/CIDSet"] != nil)
                let name = try #require(descriptor["/FontName"] as? String)
                #expect(name.dropFirst(7).first == "+", "\(name) carries a subset tag")
            }
        }
        #expect(cidFonts == 2)
    }
}
