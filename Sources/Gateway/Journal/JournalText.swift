import JournalModel

/// The byte-level checks of a journal line before it is parsed as JSON: it must be valid
/// UTF-8 (a cp1251 file is not silently turned into «�»), and no string may hold U+0000
/// (written `\u0000`, or a raw NUL byte), which cuts text short in other systems.
enum JournalText {
    struct Problem: Equatable { let column: Int; let message: String }

    /// The first problem on the line, with its 1-based column (characters, as JSON errors count).
    static func firstProblem(_ bytes: [UInt8]) -> Problem? {
        if let bad = firstInvalidUTF8(bytes) {
            let shown = bytes[bad..<min(bytes.count, bad + 2)].map { "0x" + hex($0) }
            return Problem(column: column(bytes, bad),
                           message: "invalid UTF-8 (byte \(shown.joined(separator: " "))): a journal file must be UTF-8 (was it saved as cp1251?)")
        }
        var i = 0
        var inString = false
        while i < bytes.count {
            let b = bytes[i]
            if b == 0 { return Problem(column: column(bytes, i), message: "a NUL byte (U+0000): text in the journal may not contain U+0000") }
            if inString {
                if b == UInt8(ascii: "\\"), i + 1 < bytes.count {
                    if bytes[i + 1] == UInt8(ascii: "u"), i + 5 < bytes.count, bytes[(i + 2)...(i + 5)].allSatisfy({ $0 == UInt8(ascii: "0") }) {
                        return Problem(column: column(bytes, i), message: "\\u0000 (U+0000) in a string: text in the journal may not contain U+0000")
                    }
                    i += 2
                    continue
                }
                if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            }
            i += 1
        }
        return nil
    }

    /// The offset of the first byte that does not start a well-formed UTF-8 sequence
    /// (no overlong forms, no surrogates, nothing above U+10FFFF), or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalid($0) }
    }

    /// 1-based column of a byte offset, counting characters (bytes that are not UTF-8 continuations).
    static func column(_ bytes: [UInt8], _ offset: Int) -> Int {
        1 + bytes[..<offset].reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
    }

    private static func hex(_ b: UInt8) -> String {
        let h = String(b, radix: 16, uppercase: true)
        return h.count == 1 ? "0" + h : h
    }
}
