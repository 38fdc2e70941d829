import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The base of the SAX parsers for workbook parts: runs `XMLParser`, maps its errors.
///
/// Parses from an `InputStream` (on Linux `XMLParser(data:)` fails on inputs near 1 MB).
/// Namespace processing is off and element names are reduced to their local part, so both
/// `<sheet>` and `<x:sheet>` match `sheet`. Documents with a DTD are refused: OOXML has none,
/// and it is the door to entity expansion attacks. Subclasses override `start`, `end`, `text`
/// and call `fail` to stop with an error.
class XMLPartParser: NSObject, XMLParserDelegate {
    /// The ZIP entry name, for error messages.
    let part: String
    private var failure: FormatError?
    private var parser: XMLParser?
    /// Open elements; XMLParser reading a stream on Linux accepts a document that ends early.
    private var depth = 0
    private var sawRoot = false

    init(part: String) {
        self.part = part
    }

    /// Parses a whole part, calling the overridable hooks.
    ///
    /// - Throws: The first ``FormatError`` a hook reported, or `.malformedXML` with the XML line.
    func parse(_ data: Data) throws {
        try XMLPartParser.refuseDoctype(data, part: part)
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldProcessNamespaces = false
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = self
        self.parser = parser
        defer {
            parser.delegate = nil
            self.parser = nil
        }
        let succeeded = parser.parse()
        if let failure { throw failure.inPart(part) }
        if !succeeded {
            let code = (parser.parserError as NSError?)?.code ?? 0
            throw FormatError(.malformedXML, "the XML is malformed (parser error \(code)): the file is damaged",
                              line: parser.lineNumber, part: part)
        }
        if depth != 0 || !sawRoot {
            throw FormatError(.malformedXML, "the XML ends before its last element is closed: the file is damaged",
                              line: parser.lineNumber, part: part)
        }
    }

    /// Records an error and stops parsing; the first error wins.
    func fail(_ error: FormatError) {
        if failure == nil { failure = error }
        parser?.abortParsing()
    }

    /// True once `fail` was called: hooks may return early.
    var hasFailed: Bool { failure != nil }

    // MARK: Hooks for subclasses

    func start(_ name: String, _ attributes: [String: String]) {}
    func end(_ name: String) {}
    func text(_ string: String) {}

    // MARK: XMLParserDelegate

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        guard failure == nil else { return }
        depth += 1
        sawRoot = true
        start(localName(elementName), attributeDict)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        guard failure == nil else { return }
        depth -= 1
        end(localName(elementName))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard failure == nil else { return }
        text(string)
    }

    func parser(_ parser: XMLParser, foundIgnorableWhitespace whitespaceString: String) {
        guard failure == nil else { return }
        text(whitespaceString)
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard failure == nil else { return }
        text(String(decoding: CDATABlock, as: UTF8.self))
    }

    // MARK: Helpers

    private func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    /// Refuses a `<!DOCTYPE` in the prologue (before the root element).
    static func refuseDoctype(_ data: Data, part: String) throws {
        let doctype = Array("<!DOCTYPE".utf8)
        var index = data.startIndex
        while let open = data[index...].firstIndex(of: UInt8(ascii: "<")) {
            let next = data.index(after: open)
            guard next < data.endIndex else { return }
            let byte = data[next]
            if byte == UInt8(ascii: "!") {
                if data[open...].starts(with: doctype) {
                    throw FormatError(.malformedXML, "the XML declares a DTD, which workbook parts never do", part: part)
                }
            } else if byte != UInt8(ascii: "?") {
                return // the root element starts: no DTD can follow
            }
            index = next
        }
    }
}

extension Dictionary where Key == String, Value == String {
    /// The value of a namespaced attribute such as `r:id`, whatever the prefix.
    func prefixed(_ local: String) -> String? {
        let suffix = ":" + local
        return first(where: { $0.key.hasSuffix(suffix) && !$0.key.hasPrefix("xmlns") })?.value
    }
}

/// Decodes OOXML's `_xHHHH_` escapes for characters XML cannot carry (`_x000D_` is CR).
///
/// `_x005F_` escapes a literal underscore that would otherwise start an escape.
func decodeOOXMLEscapes(_ text: String) -> String {
    guard text.contains("_x") else { return text }
    var scalars = String.UnicodeScalarView()
    let source = Array(text.unicodeScalars)
    var index = 0
    while index < source.count {
        if source[index] == "_", index + 6 < source.count, source[index + 1] == "x", source[index + 6] == "_",
           let value = UInt32(String(String.UnicodeScalarView(source[index + 2...index + 5])), radix: 16),
           let scalar = Unicode.Scalar(value) {
            scalars.append(scalar)
            index += 7
        } else {
            scalars.append(source[index])
            index += 1
        }
    }
    return String(scalars)
}

/// Encodes what ``decodeOOXMLEscapes(_:)`` decodes: control characters XML 1.0 forbids, and
/// underscores that would read as the start of an escape.
func encodeOOXMLEscapes(_ text: String) -> String {
    var result = String.UnicodeScalarView()
    let source = Array(text.unicodeScalars)
    for (index, scalar) in source.enumerated() {
        let forbidden = scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r"
            || scalar.value == 0xFFFE || scalar.value == 0xFFFF
        let looksLikeEscape = scalar == "_" && index + 6 < source.count && source[index + 1] == "x"
            && source[index + 6] == "_" && source[index + 2...index + 5].allSatisfy { $0.properties.isASCIIHexDigit }
        if forbidden || looksLikeEscape {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            result.append(contentsOf: "_x\(String(repeating: "0", count: 4 - hex.count))\(hex)_".unicodeScalars)
        } else {
            result.append(scalar)
        }
    }
    return String(result)
}
