import CZlib
import Foundation

/// Streaming raw deflate compression (ZIP method 8) with zlib, with CRC-32 and size kept.
///
/// Used by ``XLSXWriter`` and by tests that need large compressed entries without holding the
/// uncompressed bytes in memory.
final class Deflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private(set) var compressed = Data()
    private(set) var crc: UInt32 = 0
    private(set) var uncompressedCount = 0
    private var finished = false

    /// - Parameter level: zlib level 0...9 (6 is zlib's default).
    init(level: Int32 = 6) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateInit2_(stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            throw FormatError(.invalidWriterInput, "cannot start compression (zlib status \(status))")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Compresses more bytes.
    func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "Deflater used after finish()")
        crc = crc32Checksum(bytes, continuing: crc)
        uncompressedCount += bytes.count
        var offset = 0
        while offset < bytes.count {
            let piece = min(bytes.count - offset, 1 << 30)
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(piece)
            run(flush: Z_NO_FLUSH)
            offset += piece
        }
    }

    func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    /// Ends the stream and returns all compressed bytes.
    func finish() -> Data {
        if !finished {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
            run(flush: Z_FINISH)
            finished = true
        }
        return compressed
    }

    private func run(flush: Int32) {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        repeat {
            let produced: Int = chunk.withUnsafeMutableBufferPointer { buffer in
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = uInt(buffer.count)
                let status = deflate(stream, flush)
                precondition(status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR,
                             "zlib deflate failed with status \(status)")
                return buffer.count - Int(stream.pointee.avail_out)
            }
            compressed.append(chunk, count: produced)
            // More output is pending while zlib filled the whole chunk.
            if produced < chunk.count && stream.pointee.avail_in == 0 { break }
        } while true
    }

    /// Compresses `data` in one go.
    static func compress(_ data: Data) throws -> (compressed: Data, crc: UInt32) {
        let deflater = try Deflater()
        deflater.update(data)
        return (deflater.finish(), deflater.crc)
    }
}
