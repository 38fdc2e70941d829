import Foundation

/// A minimal ICC v2 display profile for sRGB (IEC 61966-2.1), built here byte for byte so that
/// the archive needs no profile file: `desc`, `cprt`, `wtpt`, the D50-adapted colorants
/// (`rXYZ`, `gXYZ`, `bXYZ`) and one shared 1,024-point sRGB tone curve (`rTRC`, `gTRC`, `bTRC`).
/// PDF/A's OutputIntent embeds it (`/DestOutputProfile`, `/N 3`).
enum SRGBProfile {
    static let description = "sRGB IEC61966-2.1 (Journal Gateway minimal v2)"

    static let bytes: Data = {
        var tags: [(String, Data)] = []
        // textDescriptionType
        var desc = ByteWriter()
        desc.append(Data("desc".utf8)); desc.u32(0)
        let ascii = Data(description.utf8) + Data([0])
        desc.u32(UInt32(ascii.count)); desc.append(ascii)
        desc.u32(0); desc.u32(0)                       // Unicode language code, count
        desc.u16(0); desc.u8(0)                        // ScriptCode code, count
        desc.append(Data(count: 67))
        tags.append(("desc", desc.data))
        var cprt = ByteWriter()
        cprt.append(Data("text".utf8)); cprt.u32(0); cprt.append(Data("No copyright, use freely".utf8) + Data([0]))
        tags.append(("cprt", cprt.data))
        func xyz(_ x: Double, _ y: Double, _ z: Double) -> Data {
            var w = ByteWriter()
            w.append(Data("XYZ ".utf8)); w.u32(0)
            for v in [x, y, z] { w.u32(UInt32(bitPattern: Int32((v * 65536).rounded()))) }
            return w.data
        }
        tags.append(("wtpt", xyz(0.9642, 1.0, 0.8249)))
        tags.append(("rXYZ", xyz(0.4361, 0.2225, 0.0139)))
        tags.append(("gXYZ", xyz(0.3851, 0.7169, 0.0971)))
        tags.append(("bXYZ", xyz(0.1431, 0.0606, 0.7141)))
        var curve = ByteWriter()
        curve.append(Data("curv".utf8)); curve.u32(0)
        let points = 1024
        curve.u32(UInt32(points))
        for i in 0..<points {
            let v = Double(i) / Double(points - 1)
            let linear = v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
            curve.u16(UInt16((linear * 65535).rounded()))
        }
        tags.append(("rTRC", curve.data))

        // Layout: header, tag table, then each tag's data 4-aligned (the three TRCs share one).
        let entries = tags.count + 2
        var offset = 128 + 4 + 12 * entries
        var table = ByteWriter(), body = ByteWriter()
        table.u32(UInt32(entries))
        var trc = (0, 0)
        for (sig, data) in tags {
            table.append(Data(sig.utf8)); table.u32(UInt32(offset)); table.u32(UInt32(data.count))
            if sig == "rTRC" { trc = (offset, data.count) }
            body.append(data)
            offset += data.count
            while body.count % 4 != 0 { body.u8(0); offset += 1 }
        }
        for sig in ["gTRC", "bTRC"] { table.append(Data(sig.utf8)); table.u32(UInt32(trc.0)); table.u32(UInt32(trc.1)) }
        let size = 128 + table.count + body.count
        var header = ByteWriter()
        header.u32(UInt32(size)); header.u32(0)
        header.u32(0x0210_0000)
        header.append(Data("mntr".utf8)); header.append(Data("RGB ".utf8)); header.append(Data("XYZ ".utf8))
        for v: UInt16 in [2026, 1, 1, 0, 0, 0] { header.u16(v) }
        header.append(Data("acsp".utf8))
        header.u32(0); header.u32(0); header.u32(0); header.u32(0); header.u32(0); header.u32(0)  // platform … attributes
        header.u32(0)                                                                               // intent: perceptual
        for v in [0.9642, 1.0, 0.8249] { header.u32(UInt32(bitPattern: Int32((v * 65536).rounded()))) }
        header.u32(0)
        header.append(Data(count: 128 - header.count))
        return header.data + table.data + body.data
    }()
}
