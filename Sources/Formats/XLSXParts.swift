import Foundation

/// One `<Relationship>` of a `.rels` part.
struct Relationship {
    let id: String
    let type: String
    let target: String
    let external: Bool
}

/// Reads a `.rels` part.
final class RelationshipsParser: XMLPartParser {
    private(set) var relationships: [Relationship] = []

    static func parse(_ data: Data, part: String) throws -> [Relationship] {
        let parser = RelationshipsParser(part: part)
        try parser.parse(data)
        return parser.relationships
    }

    override func start(_ name: String, _ attributes: [String: String]) {
        guard name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] else { return }
        relationships.append(Relationship(id: id, type: attributes["Type"] ?? "", target: target,
                                          external: attributes["TargetMode"] == "External"))
    }
}

/// One sheet as listed in `xl/workbook.xml`.
struct WorkbookSheet {
    let name: String
    let relationshipID: String?
}

/// Reads `xl/workbook.xml`: the sheets in order and the date system.
final class WorkbookParser: XMLPartParser {
    private(set) var sheets: [WorkbookSheet] = []
    private(set) var date1904 = false

    static func parse(_ data: Data, part: String) throws -> WorkbookParser {
        let parser = WorkbookParser(part: part)
        try parser.parse(data)
        return parser
    }

    override func start(_ name: String, _ attributes: [String: String]) {
        switch name {
        case "sheet":
            guard let sheetName = attributes["name"] else {
                fail(FormatError(.invalidContent, "a sheet has no name"))
                return
            }
            sheets.append(WorkbookSheet(name: decodeOOXMLEscapes(sheetName), relationshipID: attributes.prefixed("id")))
        case "workbookPr":
            let value = attributes["date1904"]?.lowercased()
            date1904 = value == "1" || value == "true"
        default:
            break
        }
    }
}

/// Reads `xl/sharedStrings.xml`: each `<si>` is the text of its `<t>`, or of its rich text
/// runs `<r><t>` joined; phonetic runs `<rPh>` are left out. Spaces are kept as they are.
final class SharedStringsParser: XMLPartParser {
    private(set) var strings: [String] = []
    private var current = ""
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0

    private var maxBytes = Int.max

    static func parse(_ data: Data, part: String, maxBytes: Int = .max) throws -> [String] {
        let parser = SharedStringsParser(part: part)
        parser.maxBytes = maxBytes
        try parser.parse(data)
        return parser.strings
    }

    override func start(_ name: String, _ attributes: [String: String]) {
        switch name {
        case "si":
            inItem = true
            current = ""
        case "rPh":
            phoneticDepth += 1
        case "t":
            inText = inItem && phoneticDepth == 0
        default:
            break
        }
    }

    override func end(_ name: String) {
        switch name {
        case "si":
            strings.append(decodeOOXMLEscapes(current))
            inItem = false
        case "rPh":
            phoneticDepth -= 1
        case "t":
            inText = false
        default:
            break
        }
    }

    override func text(_ string: String) {
        guard inText else { return }
        current += string
        if current.utf8.count > maxBytes {
            fail(FormatError(.cellTooLong, "shared string \(strings.count) holds more than \(maxBytes) bytes, far more than any cell of a table needs"))
        }
    }
}

/// Part paths inside the ZIP.
enum PartPath {
    /// Resolves a relationship target against the folder of the part that owns the `.rels`.
    ///
    /// `/xl/worksheets/sheet1.xml` is absolute; `worksheets/sheet1.xml` from `xl/workbook.xml`
    /// gives `xl/worksheets/sheet1.xml`; `.` and `..` segments are resolved.
    static func resolve(_ target: String, from owner: String) -> String {
        let base = target.hasPrefix("/") ? [] : directory(of: owner).split(separator: "/").map(String.init)
        var segments: [String] = base
        for segment in target.replacingOccurrences(of: "\\", with: "/").split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(String(segment))
            }
        }
        return segments.joined(separator: "/")
    }

    /// `xl` for `xl/workbook.xml`, empty for a top-level part.
    static func directory(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "" }
        return String(part[..<slash])
    }

    /// `xl/_rels/workbook.xml.rels` for `xl/workbook.xml`.
    static func relationships(of part: String) -> String {
        let folder = directory(of: part)
        let file = part.split(separator: "/").last.map(String.init) ?? part
        return (folder.isEmpty ? "" : folder + "/") + "_rels/" + file + ".rels"
    }
}
