import Foundation

/// CSV for Russian Excel: UTF-8 with a BOM (Excel reads it as UTF-8 only then), «;» between
/// fields (Excel's list separator where the decimal separator is a comma), decimals with a
/// comma, CRLF line ends, quotes around a field holding «;», a quote or a line break. Several
/// sheets follow one another, each after its heading lines and with an empty line between.
enum ReportCSV {
    static func render(_ doc: ReportDocument) -> Data {
        var out = "\u{FEFF}"
        for (i, sheet) in doc.sheets.enumerated() {
            if i > 0 { out += "\r\n" }
            for h in sheet.heading { out += field(h) + "\r\n" }
            out += sheet.columns.map { field($0.title) }.joined(separator: ";") + "\r\n"
            for row in sheet.rows { out += row.map { field($0.plain) }.joined(separator: ";") + "\r\n" }
            for f in sheet.footer { out += field(f) + "\r\n" }
        }
        return Data(out.utf8)
    }

    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
