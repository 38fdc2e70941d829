import Foundation

/// Writes a ZIP archive in memory: entries stored or deflated, no ZIP64.
///
/// Timestamps are fixed (1980-01-01 00:00) so the same content gives the same bytes.
struct ZipWriter {
    private struct Record {
        let name: [UInt8]
        let method: UInt16
        let crc: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        let offset: Int
    }

    private var output: [UInt8] = []
    private var records: [Record] = []

    /// Adds an entry, deflated unless `compress` is false.
    mutating func add(_ name: String, _ data: Data, compress: Bool = true) throws {
        if compress {
            let (compressed, crc) = try Deflater.compress(data)
            try addPrecompressed(name, compressed: compressed, crc: crc, uncompressedSize: data.count)
        } else {
            try addRaw(name, method: 0, payload: data, crc: crc32Checksum(data), uncompressedSize: data.count)
        }
    }

    /// Adds an entry already deflated; CRC and size are written as given (tests use this to lie).
    mutating func addPrecompressed(_ name: String, compressed: Data, crc: UInt32, uncompressedSize: Int) throws {
        try addRaw(name, method: 8, payload: compressed, crc: crc, uncompressedSize: uncompressedSize)
    }

    private mutating func addRaw(_ name: String, method: UInt16, payload: Data, crc: UInt32, uncompressedSize: Int) throws {
        let nameBytes = Array(name.utf8)
        guard payload.count < 0xFFFF_FFFF, uncompressedSize < 0xFFFF_FFFF, output.count < 0xFFFF_FFFF,
              records.count < 0xFFFF, nameBytes.count < 0xFFFF else {
            throw FormatError(.invalidWriterInput, "the workbook is too large for a ZIP without ZIP64")
        }
        records.append(Record(name: nameBytes, method: method, crc: crc, compressedSize: payload.count,
                              uncompressedSize: uncompressedSize, offset: output.count))
        append32(0x0403_4B50)
        append16(20)                  // version needed: 2.0
        append16(0x0800)              // flags: names are UTF-8
        append16(method)
        append16(0); append16(0x21)   // time 00:00, date 1980-01-01
        append32(crc)
        append32(UInt32(payload.count))
        append32(UInt32(uncompressedSize))
        append16(UInt16(nameBytes.count))
        append16(0)                   // extra length
        output.append(contentsOf: nameBytes)
        output.append(contentsOf: payload)
    }

    /// The finished archive: entries, central directory, end record.
    func finish(comment: String = "") -> Data {
        var writer = self
        let directoryOffset = writer.output.count
        for record in records {
            writer.append32(0x0201_4B50)
            writer.append16(20)       // made by: 2.0, MS-DOS attributes
            writer.append16(20)
            writer.append16(0x0800)
            writer.append16(record.method)
            writer.append16(0); writer.append16(0x21)
            writer.append32(record.crc)
            writer.append32(UInt32(record.compressedSize))
            writer.append32(UInt32(record.uncompressedSize))
            writer.append16(UInt16(record.name.count))
            writer.append16(0); writer.append16(0)   // extra, comment
            writer.append16(0); writer.append16(0)   // disk, internal attributes
            writer.append32(0)                       // external attributes
            writer.append32(UInt32(record.offset))
            writer.output.append(contentsOf: record.name)
        }
        let directorySize = writer.output.count - directoryOffset
        let commentBytes = Array(comment.utf8.prefix(0xFFFF))
        writer.append32(0x0605_4B50)
        writer.append16(0); writer.append16(0)
        writer.append16(UInt16(records.count)); writer.append16(UInt16(records.count))
        writer.append32(UInt32(directorySize))
        writer.append32(UInt32(directoryOffset))
        writer.append16(UInt16(commentBytes.count))
        writer.output.append(contentsOf: commentBytes)
        return Data(writer.output)
    }

    private mutating func append16(_ value: UInt16) {
        output.append(UInt8(value & 0xFF))
        output.append(UInt8(value >> 8))
    }

    private mutating func append32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { output.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
