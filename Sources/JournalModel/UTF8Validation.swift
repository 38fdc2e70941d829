/// Well-formed UTF-8, checked byte by byte: no overlong forms, no surrogates, nothing
/// above U+10FFFF. Shared by the journal file's error messages (`JournalText`) and the
/// fast line decoder (``JournalLineDecoder``).
public enum UTF8Validation {
    /// The offset of the first byte at or after `start` that does not start a well-formed
    /// UTF-8 sequence, or nil.
    public static func firstInvalid(_ b: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
        var i = start
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let len: Int, minimum: UInt32
            var cp: UInt32
            switch c {
            case 0xC0...0xDF: len = 2; minimum = 0x80; cp = UInt32(c & 0x1F)
            case 0xE0...0xEF: len = 3; minimum = 0x800; cp = UInt32(c & 0x0F)
            case 0xF0...0xF7: len = 4; minimum = 0x10000; cp = UInt32(c & 0x07)
            default: return i
            }
            guard i + len <= n else { return i }
            for k in 1..<len {
                let d = b[i + k]
                guard d & 0xC0 == 0x80 else { return i }
                cp = cp << 6 | UInt32(d & 0x3F)
            }
            guard cp >= minimum, cp <= 0x10FFFF, !(0xD800...0xDFFF).contains(cp) else { return i }
            i += len
        }
        return nil
    }
}
