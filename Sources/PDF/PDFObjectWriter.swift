import Foundation

/// Numbered indirect objects, a classic cross-reference table and a trailer with a stable ID.
struct PDFObjectWriter {
    private var bodies: [Data?] = []

    /// Reserves an object number to fill later (for forward references).
    mutating func reserve() -> Int {
        bodies.append(nil)
        return bodies.count
    }

    mutating func set(_ ref: Int, _ dictionary: String) {
        bodies[ref - 1] = Data(dictionary.utf8)
    }

    mutating func add(_ dictionary: String) -> Int {
        bodies.append(Data(dictionary.utf8))
        return bodies.count
    }

    mutating func add(stream: Data, dictionary: String) -> Int {
        var d = Data("<< /Length \(stream.count) \(dictionary) >>\nstream\n".utf8)
        d.append(stream)
        d.append(Data("\nendstream".utf8))
        bodies.append(d)
        return bodies.count
    }

    func finish(root: Int, info: Int) -> Data {
        var out = Data("%PDF-1.7\n%".utf8)
        out.append(contentsOf: [0xE2, 0xE3, 0xCF, 0xD3, 0x0A])
        var offsets: [Int] = []
        for (i, body) in bodies.enumerated() {
            offsets.append(out.count)
            out.append(Data("\(i + 1) 0 obj\n".utf8))
            out.append(body ?? Data("null".utf8))
            out.append(Data("\nendobj\n".utf8))
        }
        // The file identifier: a digest of everything before the cross-reference table.
        let id = stableDigest(out)
        let xref = out.count
        var table = "xref\n0 \(bodies.count + 1)\n0000000000 65535 f \n"
        for o in offsets {
            let s = String(o)
            table += String(repeating: "0", count: 10 - s.count) + s + " 00000 n \n"
        }
        table += "trailer\n<< /Size \(bodies.count + 1) /Root \(root) 0 R /Info \(info) 0 R /ID [<\(id)> <\(id)>] >>\n"
        table += "startxref\n\(xref)\n%%EOF\n"
        out.append(Data(table.utf8))
        return out
    }

    /// 128 bits of two FNV-1a passes (different seeds) over the bytes, as hex.
    private func stableDigest(_ data: Data) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in data {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x100_0000_01b3 &+ 0x9E37
        }
        return String(format: "%016llX%016llX", a, b)
    }
}
