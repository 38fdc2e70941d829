import Foundation
import Formats

/// A workbook with a sheet per report sheet: heading lines in bold, the header row bold,
/// boxed and frozen (and repeated on each printed page), boxed body with numbers as numbers,
/// totals in bold, the footer below; column widths set; A4 landscape fitted to the width.
enum ReportXLSX {
    static func render(_ doc: ReportDocument) throws -> Data {
        var names = Set<String>()
        var w: XLSXWriter?
        for sheet in doc.sheets {
            let name = uniqueName(sheet.name, &names)
            if w == nil { w = XLSXWriter(sheetName: name) } else { w!.addSheet(name) }
            for h in sheet.heading { w!.addRow([.text(h)], style: .title) }
            w!.addRow([], style: .note)
            w!.addRow(sheet.columns.map { .text($0.title) }, style: .header)
            let headerRow = sheet.heading.count + 2
            for (i, row) in sheet.rows.enumerated() {
                let cells = row.map(cell)
                // One decimal where the figure is a percentage or СОУ; marks and counts stay whole.
                let decimals = Set(row.enumerated().compactMap { if case .decimal = $0.element { return $0.offset } else { return nil } })
                // Text wraps in its column: the row is as tall as its longest cell needs (≈ 1.1 characters per width unit).
                let lines = zip(row, sheet.columns).map { cell, col -> Int in
                    guard case .text(let t) = cell else { return 1 }
                    return max(1, Int((Double(t.count) / (Double(col.width) * 1.1)).rounded(.up)))
                }.max() ?? 1
                w!.addRow(cells, style: sheet.totalRows.contains(i) ? .total(decimalColumns: decimals) : .body(decimalColumns: decimals),
                          height: lines > 1 ? Double(lines) * 15 : nil)
            }
            if !sheet.footer.isEmpty { w!.addRow([], style: .note) }
            for f in sheet.footer { w!.addRow([.text(f)], style: .note) }
            w!.setLayout(XLSXSheetLayout(columnWidths: sheet.columns.map { Double($0.width) }, frozenRows: headerRow, repeatRow: headerRow))
        }
        return try (w ?? XLSXWriter()).data()
    }

    static func cell(_ c: ReportCell) -> WriterCell {
        switch c {
        case .empty: return .empty
        case .text(let s): return .text(s)
        case .int(let i): return .number(Double(i))
        case .decimal(let d): return .number(d)
        }
    }

    /// Excel's rules: ≤ 31 characters, none of `[]:*?/\`, unique ignoring case.
    static func uniqueName(_ raw: String, _ taken: inout Set<String>) -> String {
        var base = String(raw.map { "[]:*?/\\".contains($0) ? "-" : $0 }).trimmingCharacters(in: CharacterSet(charactersIn: "' "))
        if base.isEmpty { base = "Лист" }
        base = String(base.prefix(31))
        var name = base, n = 2
        while taken.contains(name.lowercased()) { let suffix = " (\(n))"; name = String(base.prefix(31 - suffix.count)) + suffix; n += 1 }
        taken.insert(name.lowercased())
        return name
    }
}
