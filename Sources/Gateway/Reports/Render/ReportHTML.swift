import Foundation

/// One self-contained HTML page (styles inline, no scripts, no links): a section per sheet,
/// laid out for A4 landscape when printed.
enum ReportHTML {
    static func render(_ doc: ReportDocument) -> Data {
        var h = """
        <!DOCTYPE html>
        <html lang="ru"><head><meta charset="utf-8"><title>\(esc(doc.title))</title>
        <style>
        @page { size: A4 landscape; margin: 12mm; }
        body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #000; }
        section { page-break-after: always; margin-bottom: 2em; }
        section:last-child { page-break-after: auto; }
        h1 { font-size: 13pt; margin: 0 0 .2em; } p.h { margin: 0; }
        table { border-collapse: collapse; margin: .6em 0; }
        th, td { border: 1px solid #000; padding: 2px 4px; }
        th { background: #eee; font-weight: bold; vertical-align: bottom; }
        td.n { text-align: right; } tr.t td { font-weight: bold; background: #f6f6f6; }
        p.f { margin: .2em 0; font-size: 9pt; }
        </style></head><body>

        """
        for s in doc.sheets {
            h += "<section>\n<h1>\(esc(s.heading.first ?? doc.title))</h1>\n"
            for line in s.heading.dropFirst() { h += "<p class=\"h\">\(esc(line))</p>\n" }
            h += "<table>\n<thead><tr>" + s.columns.map { "<th>\(esc($0.title))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
            for (i, row) in s.rows.enumerated() {
                h += s.totalRows.contains(i) ? "<tr class=\"t\">" : "<tr>"
                for c in row {
                    switch c {
                    case .int, .decimal: h += "<td class=\"n\">\(esc(c.plain))</td>"
                    default: h += "<td>\(esc(c.plain))</td>"
                    }
                }
                h += "</tr>\n"
            }
            h += "</tbody></table>\n"
            for f in s.footer { h += "<p class=\"f\">\(esc(f))</p>\n" }
            h += "</section>\n"
        }
        h += "</body></html>\n"
        return Data(h.utf8)
    }

    /// Text escaped for HTML: the weekly extract's escaping, one place for both pages.
    static func esc(_ s: String) -> String { WeeklyExtract.esc(s) }
}
