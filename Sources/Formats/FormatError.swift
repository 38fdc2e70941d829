/// A file that cannot be read, with what went wrong and where.
///
/// `description` reads like `line 12: unterminated quoted field (the quote opens here)` or
/// `sheet «Лист1», cell E7: shared string 99 does not exist (the workbook has 12)`; the caller
/// prefixes the file name. Match on ``code`` to react to a kind of failure.
public struct FormatError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure; compare with the static members (`error.code == .zipLimit`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Sendable {
            case unterminatedQuote, unreadableText, notZip, corruptZip, unsupportedZip, zipLimit,
                 missingPart, malformedXML, invalidContent, unknownSheet, invalidWriterInput, cellTooLong
        }
        let base: Base

        /// A quoted CSV field is never closed.
        public static let unterminatedQuote = Code(base: .unterminatedQuote)
        /// CSV bytes that are not text in a supported encoding (binary, an .xlsx, broken UTF-8).
        public static let unreadableText = Code(base: .unreadableText)
        /// Not a ZIP file at all (a CSV or an old .xls renamed .xlsx, random bytes, empty).
        public static let notZip = Code(base: .notZip)
        /// A damaged ZIP: truncated, bad offsets, bad compressed data, CRC or size mismatch.
        public static let corruptZip = Code(base: .corruptZip)
        /// A valid ZIP using what this reader refuses: ZIP64, encryption, several disks, other methods.
        public static let unsupportedZip = Code(base: .unsupportedZip)
        /// Decompression would cross a ``ZipLimits`` bound (a ZIP bomb or an absurd file).
        public static let zipLimit = Code(base: .zipLimit)
        /// A part the workbook needs is absent.
        public static let missingPart = Code(base: .missingPart)
        /// An XML part that does not parse.
        public static let malformedXML = Code(base: .malformedXML)
        /// Well-formed content with impossible values (bad cell reference, missing shared string).
        public static let invalidContent = Code(base: .invalidContent)
        /// `rows(sheet:)` was asked for a sheet the workbook does not have.
        public static let unknownSheet = Code(base: .unknownSheet)
        /// A cell (CSV field, worksheet cell or shared string) longer than the caller's limit.
        public static let cellTooLong = Code(base: .cellTooLong)
        /// `XLSXWriter` was given something it cannot write (bad sheet name, NaN).
        public static let invalidWriterInput = Code(base: .invalidWriterInput)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What is wrong and, where it helps, what to do; without the location.
    public let message: String
    /// CSV: the 1-based physical line. XLSX: the row number of the cell or the XML line.
    public let line: Int?
    /// The 0-based column, when known.
    public let column: Int?
    /// Where in a workbook: a sheet (`sheet «Лист1»`) or a ZIP entry (`xl/styles.xml`).
    public let part: String?

    init(_ code: Code, _ message: String, line: Int? = nil, column: Int? = nil, part: String? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.part = part
    }

    /// `line 12`, `sheet «Лист1», cell E7`, `xl/styles.xml, line 3`, or empty.
    public var location: String {
        var pieces: [String] = []
        if let part { pieces.append(part) }
        switch (line, column) {
        case let (line?, column?): pieces.append("cell \(columnLetter(column))\(line)")
        case let (line?, nil): pieces.append("line \(line)")
        case let (nil, column?): pieces.append("column \(columnLetter(column))")
        case (nil, nil): break
        }
        return pieces.joined(separator: ", ")
    }

    public var description: String {
        let location = location
        return location.isEmpty ? message : "\(location): \(message)"
    }

    /// The same error located in `part` unless it already names one.
    func inPart(_ part: String) -> FormatError {
        self.part == nil ? FormatError(code, message, line: line, column: column, part: part) : self
    }
}
