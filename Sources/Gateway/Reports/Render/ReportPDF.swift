import Foundation
import PDF

/// A ``ReportDocument`` as PDF/A (the archive's summary sheets, R11), laid out as the
/// platforms print a сводная ведомость: per sheet a new A4 landscape page with the heading
/// lines (the first bold), the table (header row repeated on every page it runs onto, totals
/// rows bold), then the footer lines (the definition, the class teacher, the date). Several
/// documents go into one file one after another. The same documents give the same bytes: the
/// PDF's dates are `date` (the period's end), never the clock.
enum ReportPDF {
    struct Metadata {
        var title: String
        var author: String
        var subject: String
        /// ISO date written as the document's creation date.
        var date: String
        /// Drawn at the foot of every page, left of «стр. N из M».
        var runningTitle: String
    }

    static func render(_ documents: [ReportDocument], metadata m: Metadata, fonts: [TrueTypeFont]) throws -> Data {
        let doc = PDFDocument(fonts: fonts, metadata: PDFMetadata(title: m.title, author: m.author, subject: m.subject, date: m.date))
        let flow = PageFlow(document: doc, size: .a4Landscape, margin: 30)
        flow.runningTitle = m.runningTitle
        for d in documents {
            for sheet in d.sheets { draw(sheet, flow) }
        }
        if doc.pageCount == 0 {
            flow.newPage(.a4Landscape)
            flow.paragraph("Нет данных за период.", size: 10)
        }
        flow.finishPageNumbers()
        return try doc.write()
    }

    /// The column widths and font size: each column at least as wide as the longest word of
    /// its title (bold) and its longest cell, the rest of the width shared by the columns'
    /// width hints; the font shrinks (9 pt down to 5.5 pt) until the minima fit.
    static func layout(_ sheet: ReportSheet, width: Double, document: PDFDocument) -> (widths: [Double], fontSize: Double) {
        let pad = 2.0 * 2 + 1
        let hints = sheet.columns.map { Double(max(1, $0.width)) }
        var size = 9.0
        while true {
            let minima = sheet.columns.indices.map { i -> Double in
                let words = sheet.columns[i].title.split(separator: " ").map { document.width(String($0), font: 1, size: size) }
                let cells = sheet.rows.enumerated().map { r, row -> Double in
                    guard i < row.count else { return 0 }
                    let w = document.width(row[i].plain, font: sheet.totalRows.contains(r) ? 1 : 0, size: size)
                    return i == 1 ? min(w, 150) : w   // a very long name (column 2) may wrap
                }
                return (words + cells).max().map { $0 + pad } ?? pad
            }
            let spare = width - minima.reduce(0, +)
            if spare >= 0 || size <= 5.5 {
                let total = hints.reduce(0, +)
                // Proportional to the hints, but never below a column's minimum.
                var widths = hints.map { $0 / total * width }
                let short = zip(widths, minima).map { max(0, $1 - $0) }.reduce(0, +)
                let roomy = zip(widths, minima).filter { $0 > $1 }.map { $0 - $1 }.reduce(0, +)
                widths = zip(widths, minima).map { w, m in w < m ? m : (roomy > 0 ? w - (w - m) / roomy * short : w) }
                return (widths, size)
            }
            size -= 0.5
        }
    }

    static func alignment(_ sheet: ReportSheet, column i: Int) -> PDFColumn.Alignment {
        if i == 0 { return .right }
        let numeric = sheet.rows.allSatisfy { row in
            guard i < row.count else { return true }
            switch row[i] {
            case .empty, .int, .decimal: return true
            case .text(let s): return s.count <= 5
            }
        }
        return numeric ? .center : .left
    }

    static func draw(_ sheet: ReportSheet, _ flow: PageFlow) {
        flow.newPage(.a4Landscape)
        for (i, line) in sheet.heading.enumerated() {
            if i == 0 { flow.heading(line.uppercased(), size: 13) } else { flow.paragraph(line, size: 10, after: 2) }
        }
        flow.space(6)
        let (widths, fontSize) = layout(sheet, width: flow.contentWidth, document: flow.document)
        let columns = widths.enumerated().map { i, w in PDFColumn(w, alignment(sheet, column: i)) }
        let table = PDFTable(columns: columns, header: [sheet.columns.map(\.title)],
                             rows: sheet.rows.map { $0.map(\.plain) }, fontSize: fontSize, boldRows: sheet.totalRows)
        flow.table(table)
        for line in sheet.footer { flow.paragraph(line, size: 8, after: 3) }
    }
}
