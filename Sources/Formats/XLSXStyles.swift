import Foundation

/// Which cell styles of a workbook show numbers as dates.
///
/// A cell's `s` attribute indexes `cellXfs`; each `xf` names a number format by `numFmtId`,
/// either one of Excel's built-in formats or a custom one from `numFmts`. A format is a date
/// format if it is one of the built-in date and time formats (14–22, 27–36, 45–47, 50–58) or
/// if its code has `d`, `m` or `y` outside quoted text and brackets (`[Red]`, `[$-419]`).
struct XLSXStyles: Sendable {
    /// Indexed by style index; `true` if numbers in that style are dates.
    let dateStyles: [Bool]

    static let empty = XLSXStyles(dateStyles: [])

    /// True if style `index` formats numbers as dates (unknown indexes are not dates).
    func isDate(style index: Int) -> Bool {
        index >= 0 && index < dateStyles.count && dateStyles[index]
    }

    /// Reads `xl/styles.xml`.
    static func parse(_ data: Data, part: String) throws -> XLSXStyles {
        let parser = StylesParser(part: part)
        try parser.parse(data)
        let dateStyles = parser.cellFormatIDs.map { id -> Bool in
            if let code = parser.customFormats[id] { return isDateFormat(code: code) }
            return isBuiltInDateFormat(id)
        }
        return XLSXStyles(dateStyles: dateStyles)
    }

    static func isBuiltInDateFormat(_ id: Int) -> Bool {
        (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id)
    }

    /// True if a format code shows a date: `d`, `m` or `y` outside quotes, brackets and escapes.
    static func isDateFormat(code: String) -> Bool {
        var inQuotes = false
        var inBrackets = false
        var skipNext = false
        for scalar in code.unicodeScalars {
            if skipNext {
                skipNext = false
                continue
            }
            if inQuotes {
                if scalar == "\"" { inQuotes = false }
                continue
            }
            if inBrackets {
                if scalar == "]" { inBrackets = false }
                continue
            }
            switch scalar {
            case "\"": inQuotes = true
            case "[": inBrackets = true
            case "\\", "_", "*": skipNext = true   // escaped char, padding, fill
            case "d", "D", "m", "M", "y", "Y": return true
            default: break
            }
        }
        return false
    }
}

/// Reads `numFmts` and `cellXfs` from `xl/styles.xml`.
private final class StylesParser: XMLPartParser {
    var customFormats: [Int: String] = [:]
    var cellFormatIDs: [Int] = []
    private var inCellXfs = false

    override func start(_ name: String, _ attributes: [String: String]) {
        switch name {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] {
                customFormats[id] = code
            }
        case "cellXfs":
            inCellXfs = true
        case "xf" where inCellXfs:
            cellFormatIDs.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
        default:
            break
        }
    }

    override func end(_ name: String) {
        if name == "cellXfs" { inCellXfs = false }
    }
}
