import Foundation

/// A CSV file read into rows, with what was detected about it.
public struct CSVDocument: Sendable {
    /// The text encoding the bytes were in.
    public let encoding: TextEncoding
    /// The field delimiter: `;`, `,` or tab (or the one the caller forced).
    public let delimiter: Character
    /// The non-blank records in file order, each with the physical line where it starts.
    public let rows: [TableRow]
}

/// Reads secretaries' CSV files: any of the encodings and delimiters Excel and 1С produce.
///
/// - Encoding: see ``TextEncoding``; detected from the bytes.
/// - Delimiter: `;`, `,` or tab, whichever splits the first 50 records into the most
///   consistent number of fields above one (delimiters inside quotes do not count). Title lines
///   above the header and footers like «Итого: 795» do not disturb the choice.
/// - Quoting (RFC 4180): a field that starts with `"` runs to the matching `"`, and may hold
///   the delimiter, doubled quotes (`""` → `"`) and line breaks (returned as `\n`). Text after the
///   closing quote is kept (`"ab"c` → `abc`); a quote inside an unquoted field is an ordinary
///   character. Unquoted fields are kept as is: the caller trims.
/// - Line ends: CRLF, LF and lone CR. ``TableRow/line`` is the physical line where the record
///   starts, counting line breaks inside quoted fields.
/// - Excel's `sep=;` hint on the first line sets the delimiter and is not returned as a row.
/// - Blank records (an empty line, or only delimiters such as `;;;;`) are skipped; the lines of
///   later rows are unaffected. Trailing empty fields are dropped (see ``TableRow``).
/// - Cells are `.text` or `.empty`: no numbers or dates are guessed.
public struct CSVReader {
    /// Reads a whole CSV file.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - delimiter: Forces the delimiter (an ASCII character) instead of detecting it.
    /// - Throws: ``FormatError`` `.unreadableText` for binary data, an .xlsx, or damaged UTF-8,
    ///   and for U+0000 anywhere (with its line and 0-based field as `column`);
    ///   `.unterminatedQuote` with the line where the unclosed quote opens.
    ///   - maxFieldBytes: The most bytes (UTF-8) one field may hold; a longer one is refused with
    ///     `.cellTooLong` and its line and field, before its text is ever built.
    public static func read(_ data: Data, delimiter: Character? = nil, maxFieldBytes: Int = .max) throws -> CSVDocument {
        let utf16 = data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF])
        if !utf16, data.firstIndex(of: 0) != nil, !data.starts(with: [0x50, 0x4B, 0x03, 0x04]),
           !data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            try refuseZero([UInt8](data), delimiter: delimiter)
        }
        let (encoding, bytes) = try TextDecoding.decode(data)
        if utf16, bytes.contains(0) { try refuseZero(bytes, delimiter: delimiter) }
        let separator: UInt8
        let hint = separatorHint(bytes)
        if let delimiter {
            guard let ascii = delimiter.asciiValue, ascii != quote, ascii != cr, ascii != lf else {
                throw FormatError(.unreadableText, "the delimiter must be an ASCII character other than a quote or a line break")
            }
            separator = ascii
        } else {
            separator = hint ?? sniffDelimiter(bytes)
        }
        var rows: [TableRow] = []
        var tooLong: (line: Int, field: Int)?
        let openQuoteLine = bytes.withUnsafeBufferPointer { buffer in
            scan(buffer, delimiter: separator, makeFields: true, maxFieldBytes: maxFieldBytes,
                 tooLong: { tooLong = ($0, $1) }) { line, fields, _ in
                if line == 1 && hint != nil { return true }
                var cells = fields.map { $0.isEmpty ? Cell.empty : Cell.text($0) }
                while let last = cells.last, last.isEmpty { cells.removeLast() }
                if !cells.isEmpty { rows.append(TableRow(line: line, cells: cells)) }
                return true
            }
        }
        if let tooLong {
            throw FormatError(.cellTooLong, "the field holds more than \(maxFieldBytes) bytes, far more than any cell of a table needs",
                              line: tooLong.line, column: tooLong.field)
        }
        if let openQuoteLine {
            throw FormatError(.unterminatedQuote,
                              "a quoted field starts here and is never closed: check for a stray \" in this line",
                              line: openQuoteLine)
        }
        return CSVDocument(encoding: encoding, delimiter: Character(Unicode.Scalar(separator)), rows: rows)
    }

    /// Refuses U+0000 (a zero byte in UTF-8 or Windows-1251, a zero character in UTF-16): no
    /// text in a list has it, and C strings would cut the text short there. The error names the
    /// physical line and the 0-based field of the first one.
    static func refuseZero(_ bytes: [UInt8], delimiter: Character?) throws {
        guard let zero = bytes.firstIndex(of: 0) else { return }
        let separator = delimiter?.asciiValue ?? separatorHint(bytes) ?? sniffDelimiter(bytes)
        var column: Int?
        _ = bytes.withUnsafeBufferPointer { buffer in
            scan(buffer, delimiter: separator, makeFields: true) { _, fields, _ in
                if let index = fields.firstIndex(where: { $0.utf8.contains(0) }) { column = index; return false }
                return true
            }
        }
        throw FormatError(.unreadableText,
                          "the file holds a zero byte (U+0000), which no text has: it is binary data or a damaged export",
                          line: TextDecoding.lineNumber(of: zero, in: bytes), column: column)
    }

    /// The delimiter named by Excel's `sep=;` first line, which is then not a row.
    static func separatorHint(_ bytes: [UInt8]) -> UInt8? {
        guard bytes.count >= 5, bytes[0] | 0x20 == UInt8(ascii: "s"), bytes[1] | 0x20 == UInt8(ascii: "e"),
              bytes[2] | 0x20 == UInt8(ascii: "p"), bytes[3] == UInt8(ascii: "="),
              bytes[4] != quote, bytes[4] != cr, bytes[4] != lf, bytes[4] < 0x80,
              bytes.count == 5 || bytes[5] == cr || bytes[5] == lf else { return nil }
        return bytes[4]
    }

    /// The candidates in order of preference when they score the same.
    static let candidates: [UInt8] = [UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: ",")]

    /// Picks the delimiter that gives the most records with the same field count above one.
    ///
    /// Ties go to the larger field count, then to `;`, tab, `,`. With no candidate splitting any
    /// record (a one-column file), answers `;`.
    static func sniffDelimiter(_ bytes: [UInt8], sample: Int = 50) -> UInt8 {
        var best: (delimiter: UInt8, frequency: Int, fields: Int) = (candidates[0], 0, 0)
        for candidate in candidates {
            var frequencies: [Int: Int] = [:]
            var seen = 0
            _ = bytes.withUnsafeBufferPointer { buffer in
                scan(buffer, delimiter: candidate, makeFields: false) { _, _, count in
                    if count > 1 { frequencies[count, default: 0] += 1 }
                    seen += 1
                    return seen < sample
                }
            }
            guard let mode = frequencies.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }) else { continue }
            if (mode.value, mode.key) > (best.frequency, best.fields) {
                best = (candidate, mode.value, mode.key)
            }
        }
        return best.delimiter
    }

    /// Splits records and fields, calling `onRecord` for each until it answers false.
    ///
    /// Blank lines are passed on too (one empty field). With `makeFields` false no strings are
    /// built and `onRecord` gets an empty array but the right field count.
    /// - Returns: The line where an unterminated quoted field opens, or `nil`.
    /// A field longer than `maxFieldBytes` stops the scan after calling `tooLong` with the
    /// line where it starts and its 0-based index; no string is built for it.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, makeFields: Bool,
                     maxFieldBytes: Int = .max, tooLong: ((_ line: Int, _ field: Int) -> Void)? = nil,
                     onRecord: (_ line: Int, _ fields: [String], _ fieldCount: Int) -> Bool) -> Int? {
        let end = bytes.count
        var index = 0
        var line = 1
        var scratch: [UInt8] = []
        var fields: [String] = []
        while index < end {
            let recordLine = line
            var fieldCount = 0
            fields.removeAll(keepingCapacity: true)
            while true {
                if index < end && bytes[index] == quote {
                    // Quoted field: runs to the closing quote, across line breaks. Bytes are kept
                    // only when fields are wanted, and none past the limit.
                    let openLine = line
                    index += 1
                    scratch.removeAll(keepingCapacity: true)
                    var length = 0
                    var closed = false
                    while index < end {
                        let byte = bytes[index]
                        let keep = makeFields && length < maxFieldBytes
                        if byte == quote {
                            if index + 1 < end && bytes[index + 1] == quote {
                                if keep { scratch.append(quote) }
                                length += 1
                                index += 2
                                continue
                            }
                            index += 1
                            closed = true
                            break
                        } else if byte == cr || byte == lf {
                            index += (byte == cr && index + 1 < end && bytes[index + 1] == lf) ? 2 : 1
                            line += 1
                            if keep { scratch.append(lf) }
                        } else {
                            if keep { scratch.append(byte) }
                            index += 1
                        }
                        length += 1
                    }
                    if !closed { return openLine }
                    while index < end, bytes[index] != delimiter, bytes[index] != cr, bytes[index] != lf {
                        if makeFields && length < maxFieldBytes { scratch.append(bytes[index]) }
                        length += 1
                        index += 1
                    }
                    if length > maxFieldBytes {
                        tooLong?(recordLine, fieldCount)
                        return nil
                    }
                    if makeFields { fields.append(String(decoding: scratch, as: UTF8.self)) }
                } else {
                    let start = index
                    while index < end, bytes[index] != delimiter, bytes[index] != cr, bytes[index] != lf {
                        index += 1
                    }
                    if index - start > maxFieldBytes {
                        tooLong?(recordLine, fieldCount)
                        return nil
                    }
                    if makeFields {
                        fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                    }
                }
                fieldCount += 1
                if index < end && bytes[index] == delimiter {
                    index += 1
                    continue
                }
                if index < end {
                    index += (bytes[index] == cr && index + 1 < end && bytes[index + 1] == lf) ? 2 : 1
                    line += 1
                }
                break
            }
            if !onRecord(recordLine, fields, fieldCount) { return nil }
        }
        return nil
    }
}

private let quote = UInt8(ascii: "\"")
private let cr = UInt8(ascii: "\r")
private let lf = UInt8(ascii: "\n")
