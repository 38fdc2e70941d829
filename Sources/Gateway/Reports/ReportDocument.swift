/// A report laid out for people, whatever the format: sheets of one table each, with the
/// heading lines above and the footer lines below. Each report computes its figures as its
/// own value type and then lays them out here; the CSV, HTML and XLSX renderers (and the
/// archive's PDF writer) read only this.
struct ReportDocument: Sendable, Equatable {
    var title: String
    var sheets: [ReportSheet]
}

/// One table of a report (a class's sheet, the school's summary, …).
struct ReportSheet: Sendable, Equatable {
    /// The sheet's name (≤ 31 characters for Excel; the class name where there is one).
    var name: String
    /// Lines above the table: what, for whom, when.
    var heading: [String]
    var columns: [ReportColumn]
    var rows: [[ReportCell]]
    /// Rows to set in bold (totals).
    var totalRows: Set<Int> = []
    /// Lines below the table: definitions, the class teacher, the date.
    var footer: [String] = []
}

struct ReportColumn: Sendable, Equatable {
    var title: String
    /// Width in characters (XLSX column width, a hint elsewhere).
    var width: Int
    init(_ title: String, width: Int? = nil) { self.title = title; self.width = width ?? max(6, min(40, title.count + 2)) }
}

/// A cell: text as entered, or a number kept a number.
enum ReportCell: Sendable, Equatable {
    case empty
    case text(String)
    case int(Int)
    /// A figure with one decimal (percentages, СОУ).
    case decimal(Double)

    var plain: String {
        switch self {
        case .empty: return ""
        case .text(let s): return s
        case .int(let i): return String(i)
        case .decimal(let d): return ReportCell.oneDecimal(d)
        }
    }

    /// `64.0` → «64,0» (Russian decimal comma, as a person writes it).
    static func oneDecimal(_ d: Double) -> String {
        let tenths = Int((d * 10).rounded())
        return "\(tenths < 0 ? "-" : "")\(abs(tenths) / 10),\(abs(tenths) % 10)"
    }

    static func optional(_ d: Double?) -> ReportCell { d.map(ReportCell.decimal) ?? .text("—") }
}
