import CZlib
import Foundation

/// Bounds on decompression, so that a ZIP bomb is refused instead of filling memory.
///
/// Sizes declared in ZIP headers are not trusted: the limits are checked on the bytes actually
/// produced, and inflation stops as soon as one is crossed.
public struct ZipLimits: Sendable, Equatable {
    /// The most bytes one entry may decompress to.
    public var maxEntryBytes: Int
    /// The most bytes all entries read from one archive may decompress to, together.
    public var maxTotalBytes: Int
    /// The highest compression ratio accepted, once an entry's output passes `ratioThresholdBytes`.
    public var maxRatio: Int
    /// Output size below which the ratio is not checked (small files compress very well).
    public var ratioThresholdBytes: Int

    /// 256 MiB per entry, 512 MiB in all, 1000:1 past 1 MiB.
    public static let `default` = ZipLimits()

    public init(maxEntryBytes: Int = 256 << 20, maxTotalBytes: Int = 512 << 20,
                maxRatio: Int = 1000, ratioThresholdBytes: Int = 1 << 20) {
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxRatio = maxRatio
        self.ratioThresholdBytes = ratioThresholdBytes
    }
}

/// Raw deflate decompression (ZIP method 8) with zlib, bounded by ``ZipLimits``.
enum Inflate {
    /// The output is produced in pieces of this size; a limit is crossed by less than one piece.
    static let chunkSize = 64 << 10

    /// Decompresses a raw deflate stream.
    ///
    /// - Parameters:
    ///   - input: The compressed bytes.
    ///   - limits: The bounds to enforce.
    ///   - alreadyExtracted: Bytes earlier entries of the same archive produced (for the total).
    /// - Throws: ``FormatError`` `.zipLimit` as soon as a bound is crossed, `.corruptZip` for
    ///   bad or truncated data. Errors carry no part; the caller adds the entry name.
    static func raw(_ input: UnsafeRawBufferPointer, limits: ZipLimits, alreadyExtracted: Int) throws -> Data {
        var stream = z_stream()
        var status = inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            throw FormatError(.corruptZip, "cannot start decompression (zlib status \(status))")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var remainingInput = input.count
        var offset = 0
        repeat {
            // Feed input in pieces that fit zlib's 32-bit counter.
            if stream.avail_in == 0 && remainingInput > 0, let base = input.baseAddress {
                let piece = min(remainingInput, Int(UInt32.max))
                stream.next_in = UnsafeMutablePointer(mutating: base.advanced(by: offset).assumingMemoryBound(to: UInt8.self))
                stream.avail_in = UInt32(piece)
                offset += piece
                remainingInput -= piece
            }
            let availableBefore = stream.avail_in
            let produced: Int = chunk.withUnsafeMutableBufferPointer { buffer in
                stream.next_out = buffer.baseAddress
                stream.avail_out = UInt32(chunkSize)
                status = inflate(&stream, Z_NO_FLUSH)
                return chunkSize - Int(stream.avail_out)
            }
            switch status {
            case Z_OK, Z_STREAM_END:
                break
            case Z_BUF_ERROR where produced > 0 || stream.avail_in != availableBefore:
                break
            case Z_BUF_ERROR:
                throw FormatError(.corruptZip, "the compressed data ends too early (the file is truncated)")
            case Z_MEM_ERROR:
                throw FormatError(.corruptZip, "out of memory while decompressing")
            default:
                throw FormatError(.corruptZip, "the compressed data is damaged (zlib status \(status))")
            }
            if produced == 0 && stream.avail_in == availableBefore && status != Z_STREAM_END {
                throw FormatError(.corruptZip, "the compressed data ends too early (the file is truncated)")
            }
            output.append(chunk, count: produced)
            try check(output: output.count, consumed: Int(stream.total_in), limits: limits,
                      alreadyExtracted: alreadyExtracted)
        } while status != Z_STREAM_END
        return output
    }

    /// Throws `.zipLimit` if `output` bytes from `consumed` compressed bytes cross a bound.
    static func check(output: Int, consumed: Int, limits: ZipLimits, alreadyExtracted: Int) throws {
        if output > limits.maxEntryBytes {
            throw FormatError(.zipLimit, "refused: decompresses to more than \(mebibytes(limits.maxEntryBytes)) "
                                + "(stopped after \(mebibytes(output))); this is not a school list or it is a ZIP bomb")
        }
        if alreadyExtracted + output > limits.maxTotalBytes {
            throw FormatError(.zipLimit, "refused: the workbook decompresses to more than \(mebibytes(limits.maxTotalBytes)) "
                                + "in all (stopped after \(mebibytes(alreadyExtracted + output)))")
        }
        if output > limits.ratioThresholdBytes && output / max(consumed, 1) > limits.maxRatio {
            throw FormatError(.zipLimit, "refused: compressed more than \(limits.maxRatio):1 "
                                + "(stopped after \(mebibytes(output)) from \(consumed) bytes), as ZIP bombs are")
        }
    }

    private static func mebibytes(_ bytes: Int) -> String {
        let value = Double(bytes) / 1_048_576
        return value >= 10 ? "\(Int(value.rounded())) MiB" : "\((value * 10).rounded() / 10) MiB"
    }
}

/// The CRC-32 of some bytes, as ZIP stores it.
func crc32Checksum(_ bytes: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
    var crc = UInt(previous)
    var offset = 0
    while offset < bytes.count {
        let piece = min(bytes.count - offset, Int(UInt32.max))
        crc = crc32(crc, bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(piece))
        offset += piece
    }
    return UInt32(truncatingIfNeeded: crc)
}

func crc32Checksum(_ data: Data) -> UInt32 {
    data.withUnsafeBytes { crc32Checksum($0) }
}
