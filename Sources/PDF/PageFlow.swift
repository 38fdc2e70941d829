import Foundation

/// A column of a ``PDFTable``.
public struct PDFColumn: Sendable {
    public enum Alignment: Sendable { case left, center, right }
    public let width: Double
    public let alignment: Alignment
    public init(_ width: Double, _ alignment: Alignment = .left) { self.width = width; self.alignment = alignment }
}

/// A table: header rows (bold, shaded, repeated at the top of every page the table runs onto)
/// and body rows; cells wrap within their column.
public struct PDFTable: Sendable {
    public var columns: [PDFColumn]
    public var header: [[String]]
    public var rows: [[String]]
    public var fontSize: Double
    /// Body rows set in the bold face (totals).
    public var boldRows: Set<Int>
    public init(columns: [PDFColumn], header: [[String]], rows: [[String]], fontSize: Double = 8, boldRows: Set<Int> = []) {
        self.columns = columns; self.header = header; self.rows = rows; self.fontSize = fontSize; self.boldRows = boldRows
    }
}

/// Flowing layout on top of ``PDFDocument``: headings, wrapped paragraphs and tables that
/// continue onto new pages, and «стр. N из M» at the foot of every page.
///
/// Font 0 is the regular face, font 1 (when given) the bold one.
public final class PageFlow {
    public let document: PDFDocument
    public let margin: Double
    public private(set) var size: PageSize
    public private(set) var y: Double = 0
    private let footerSize = 7.0
    private var footerLeft: [Int: String] = [:]
    /// The running title drawn at the foot of each page (left), with the page number (right).
    public var runningTitle = ""

    public init(document: PDFDocument, size: PageSize = .a4Portrait, margin: Double = 36) {
        self.document = document
        self.size = size
        self.margin = margin
    }

    var bold: Int { document.fonts.count > 1 ? 1 : 0 }
    var bottom: Double { margin + 14 }
    public var contentWidth: Double { size.width - 2 * margin }

    /// Starts a new page (optionally of another size).
    public func newPage(_ size: PageSize? = nil) {
        if let size { self.size = size }
        document.addPage(self.size)
        footerLeft[document.pageCount - 1] = runningTitle
        y = self.size.height - margin
    }

    private func ensurePage() { if document.pageCount == 0 { newPage() } }

    /// Vertical space; a new page when it does not fit.
    public func space(_ points: Double) {
        ensurePage()
        y -= points
        if y < bottom { newPage() }
    }

    public func heading(_ text: String, size: Double = 13) {
        paragraph(text, size: size, font: bold, after: size * 0.5)
    }

    /// Text wrapped to the content width.
    public func paragraph(_ text: String, size: Double = 9, font: Int = 0, after: Double = 4) {
        ensurePage()
        let leading = size * 1.25
        for line in wrap(text, width: contentWidth, font: font, size: size) {
            if y - leading < bottom { newPage() }
            y -= leading
            document.text(line, x: margin, y: y + size * 0.25, font: font, size: size)
        }
        y -= after
        if y < bottom { newPage() }
    }

    /// Breaks text into lines no wider than `width` (at spaces; inside a word only when the
    /// word alone is too wide). Explicit newlines are kept.
    public func wrap(_ text: String, width: Double, font: Int, size: Double) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                let candidate = line.isEmpty ? String(word) : line + " " + word
                if document.width(candidate, font: font, size: size) <= width {
                    line = candidate
                    continue
                }
                if !line.isEmpty { lines.append(line); line = "" }
                var piece = ""
                for ch in word {
                    if document.width(piece + String(ch), font: font, size: size) > width, !piece.isEmpty {
                        lines.append(piece); piece = ""
                    }
                    piece.append(ch)
                }
                line = piece
            }
            lines.append(line)
        }
        return lines
    }

    /// Draws a table from the current position, continuing on new pages with the header rows
    /// repeated.
    public func table(_ table: PDFTable) {
        ensurePage()
        let pad = 2.0, fs = table.fontSize, leading = fs * 1.2
        func layout(_ row: [String], font: Int) -> (lines: [[String]], height: Double) {
            let lines = table.columns.indices.map { i -> [String] in
                let text = i < row.count ? row[i] : ""
                return wrap(text, width: table.columns[i].width - 2 * pad, font: font, size: fs)
            }
            let count = lines.map(\.count).max() ?? 1
            return (lines, Double(count) * leading + 2 * pad)
        }
        let headers = table.header.map { layout($0, font: bold) }
        let headerHeight = headers.reduce(0) { $0 + $1.height }
        func drawRow(_ row: (lines: [[String]], height: Double), font: Int, shaded: Bool) {
            var x = margin
            let top = y
            if shaded {
                document.fill(x: margin, y: top - row.height, width: table.columns.reduce(0) { $0 + $1.width },
                              height: row.height, color: .lightGray)
            }
            for (i, column) in table.columns.enumerated() {
                var baseline = top - pad - fs
                for line in row.lines[i] {
                    let w = document.width(line, font: font, size: fs)
                    let tx: Double
                    switch column.alignment {
                    case .left: tx = x + pad
                    case .center: tx = x + (column.width - w) / 2
                    case .right: tx = x + column.width - pad - w
                    }
                    document.text(line, x: tx, y: baseline + fs * 0.2, font: font, size: fs)
                    baseline -= leading
                }
                document.line(x1: x, y1: top, x2: x, y2: top - row.height, width: 0.4)
                x += column.width
            }
            document.line(x1: x, y1: top, x2: x, y2: top - row.height, width: 0.4)
            document.line(x1: margin, y1: top, x2: x, y2: top, width: 0.4)
            document.line(x1: margin, y1: top - row.height, x2: x, y2: top - row.height, width: 0.4)
            y -= row.height
        }
        func drawHeader() { for h in headers { drawRow(h, font: bold, shaded: true) } }
        if y - headerHeight - (table.rows.isEmpty ? 0 : leading + 2 * pad) < bottom { newPage() }
        drawHeader()
        for (i, row) in table.rows.enumerated() {
            let font = table.boldRows.contains(i) ? bold : 0
            let laid = layout(row, font: font)
            if y - laid.height < bottom {
                newPage()
                drawHeader()
            }
            drawRow(laid, font: font, shaded: false)
        }
        y -= 6
    }

    /// Draws «стр. N из M» (and the running title) on every page; call once, at the end.
    public func finishPageNumbers() {
        let total = document.pageCount
        for i in 0..<total {
            document.selectPage(i)
            let s = document.pageSize(i)
            let label = "стр. \(i + 1) из \(total)"
            let w = document.width(label, size: footerSize)
            document.text(label, x: s.width - margin - w, y: margin - footerSize, size: footerSize)
            if let left = footerLeft[i], !left.isEmpty {
                document.text(left, x: margin, y: margin - footerSize, size: footerSize)
            }
        }
    }
}
