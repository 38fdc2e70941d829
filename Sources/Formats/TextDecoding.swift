import Foundation

/// The text encoding of a CSV file, as detected.
public enum TextEncoding: String, Sendable, Equatable {
    /// UTF-8 without a byte order mark (also pure ASCII files).
    case utf8
    /// UTF-8 starting with the bytes EF BB BF (Excel's «CSV UTF-8»); the mark is dropped.
    case utf8BOM
    /// Windows-1251 (Excel's «CSV (разделители — запятые)» on a Russian system).
    case windows1251
    /// UTF-16 with a byte order mark (Excel's «Текст Юникод», tab-separated).
    case utf16LE, utf16BE
}

/// Turns the bytes of a text file into UTF-8 bytes, detecting the encoding.
///
/// Order: a UTF-8 BOM; a UTF-16 BOM; valid UTF-8; otherwise Windows-1251, every byte of which
/// maps to a character. Bytes that are almost all valid UTF-8 with a few broken sequences are
/// refused rather than read as Windows-1251, which would silently garble every name.
enum TextDecoding {
    static func decode(_ data: Data) throws -> (encoding: TextEncoding, utf8: [UInt8]) {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            let body = Array(bytes.dropFirst(3))
            guard String(validating: body, as: UTF8.self) != nil else {
                throw brokenUTF8(body, prefix: "the file starts with a UTF-8 byte order mark but")
            }
            return (.utf8BOM, body)
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let little = bytes[0] == 0xFF
            guard let text = String(data: data.dropFirst(2), encoding: little ? .utf16LittleEndian : .utf16BigEndian)
            else { throw FormatError(.unreadableText, "the file has a UTF-16 byte order mark but is not valid UTF-16") }
            return (little ? .utf16LE : .utf16BE, Array(text.utf8))
        }
        try refuseBinary(bytes)
        if String(validating: bytes, as: UTF8.self) != nil {
            return (.utf8, bytes)
        }
        if looksLikeBrokenUTF8(bytes) {
            throw brokenUTF8(bytes, prefix: "the file is UTF-8")
        }
        return (.windows1251, decodeWindows1251(bytes))
    }

    /// Windows-1251 to UTF-8 with a table: ten times faster than Foundation's decoder here.
    ///
    /// A test pins the table to `String(data:encoding: .windowsCP1251)` for all 256 bytes.
    static func decodeWindows1251(_ bytes: [UInt8]) -> [UInt8] {
        let table = windows1251High
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            if byte < 0x80 {
                output.append(byte)
            } else {
                output.append(contentsOf: table[Int(byte) - 0x80])
            }
        }
        return output
    }

    /// The UTF-8 bytes of Windows-1251 bytes 0x80...0xFF. The unassigned 0x98 maps to U+0098,
    /// as in Windows and Foundation, so no byte is ever refused.
    private static let windows1251High: [[UInt8]] = {
        let characters = "ЂЃ‚ѓ„…†‡€‰Љ‹ЊЌЋЏ"
            + "ђ‘’“”•–—\u{0098}™љ›њќћџ"
            + "\u{00A0}ЎўЈ¤Ґ¦§Ё©Є«¬\u{00AD}®Ї"
            + "°±Ііґµ¶·ё№є»јЅѕї"
            + "АБВГДЕЖЗИЙКЛМНОП"
            + "РСТУФХЦЧШЩЪЫЬЭЮЯ"
            + "абвгдежзийклмноп"
            + "рстуфхцчшщъыьэюя"
        let table = characters.unicodeScalars.map { Array(String($0).utf8) }
        precondition(table.count == 128, "the Windows-1251 table must have 128 entries")
        return table
    }()

    /// Refuses ZIP files (.xlsx), old .xls files and other binary data given as CSV.
    private static func refuseBinary(_ bytes: [UInt8]) throws {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw FormatError(.unreadableText, "this is an Excel workbook (.xlsx) or another ZIP file, not CSV text")
        }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw FormatError(.unreadableText, "this is an old Excel workbook (.xls), not CSV text; save it as CSV or .xlsx")
        }
        if let zero = bytes.firstIndex(of: 0) {
            throw FormatError(.unreadableText, "the file holds binary data (a zero byte), not text",
                              line: lineNumber(of: zero, in: bytes))
        }
    }

    /// True when valid multi-byte UTF-8 sequences outnumber invalid bytes four to one.
    ///
    /// Windows-1251 Cyrillic text almost never forms valid UTF-8 sequences (letters are
    /// C0–FF and continuation bytes 80–BF are rare punctuation), so this only fires on UTF-8
    /// files with a few damaged bytes.
    static func looksLikeBrokenUTF8(_ bytes: [UInt8]) -> Bool {
        var valid = 0
        var invalid = 0
        var index = 0
        while index < bytes.count {
            let length = sequenceLength(bytes, at: index)
            if length == 0 {
                invalid += 1
                index += 1
            } else {
                if length > 1 { valid += 1 }
                index += length
            }
        }
        return valid >= 4 * invalid && valid >= 4
    }

    /// The length of the well-formed UTF-8 sequence at `index`, 0 if it is not well-formed.
    private static func sequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { return 0 }
        return String(validating: bytes[index..<index + length], as: UTF8.self) == nil ? 0 : length
    }

    private static func brokenUTF8(_ bytes: [UInt8], prefix: String) -> FormatError {
        var index = 0
        while index < bytes.count {
            let length = sequenceLength(bytes, at: index)
            if length == 0 { break }
            index += length
        }
        return FormatError(.unreadableText,
                           "\(prefix) has bytes that are not valid UTF-8; save it again as «CSV UTF-8» or Windows-1251",
                           line: lineNumber(of: index, in: bytes))
    }

    /// The 1-based line of byte `offset`, counting CRLF, LF and lone CR as line ends.
    static func lineNumber(of offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        var index = 0
        while index < offset && index < bytes.count {
            if bytes[index] == 0x0A || (bytes[index] == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] != 0x0A)) {
                line += 1
            }
            index += 1
        }
        return line
    }
}
