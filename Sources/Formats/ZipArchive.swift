import Foundation

/// A ZIP archive read from memory: the central directory, and entries decompressed on demand.
///
/// Supports what Excel, LibreOffice and the usual libraries write: methods 0 (stored) and 8
/// (deflate), data descriptors, archive comments. Refuses ZIP64, encryption and split archives
/// with clear errors. Every offset and size is checked against the data; decompression is
/// bounded by ``ZipLimits`` and verified against the CRC-32 and the declared size.
struct ZipArchive {
    struct Entry {
        let name: String
        let method: UInt16
        let flags: UInt16
        let crc: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int
    }

    let bytes: [UInt8]
    let entries: [Entry]
    let limits: ZipLimits
    private let index: [String: Int]
    private let lowercasedIndex: [String: Int]

    /// Reads the directory of a ZIP archive.
    ///
    /// - Throws: ``FormatError`` `.notZip`, `.corruptZip` or `.unsupportedZip`.
    init(data: Data, limits: ZipLimits = .default) throws {
        let bytes = [UInt8](data)
        self.bytes = bytes
        self.limits = limits
        let reader = ByteReader(bytes: bytes)
        guard let end = ZipArchive.findEndOfCentralDirectory(bytes) else {
            throw ZipArchive.notZipError(bytes)
        }
        let disk = try reader.u16(end + 4), directoryDisk = try reader.u16(end + 6)
        let countOnDisk = try reader.u16(end + 8), count = Int(try reader.u16(end + 10))
        let directorySize = try reader.u32(end + 12), directoryOffset = try reader.u32(end + 16)
        let hasZip64Locator = try end >= 20 && reader.u32(end - 20) == 0x0706_4B50
        if hasZip64Locator || count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            throw FormatError(.unsupportedZip, "the file is a ZIP64 archive, which is not supported; save it again from Excel")
        }
        guard disk == 0, directoryDisk == 0, Int(countOnDisk) == count else {
            throw FormatError(.unsupportedZip, "the file is a split (multi-part) ZIP archive, which is not supported")
        }
        guard Int(directoryOffset) + Int(directorySize) <= end else {
            throw FormatError(.corruptZip, "the ZIP directory points outside the file (the file is damaged or truncated)")
        }
        var entries: [Entry] = []
        var position = Int(directoryOffset)
        for _ in 0..<count {
            let entry = try ZipArchive.readDirectoryEntry(reader, at: &position)
            entries.append(entry)
        }
        self.entries = entries
        var index: [String: Int] = [:]
        var lowercasedIndex: [String: Int] = [:]
        for (position, entry) in entries.enumerated() {
            if index[entry.name] == nil { index[entry.name] = position }
            if lowercasedIndex[entry.name.lowercased()] == nil { lowercasedIndex[entry.name.lowercased()] = position }
        }
        self.index = index
        self.lowercasedIndex = lowercasedIndex
    }

    /// The entry with this path (no leading `/`); an exact match first, then ignoring case.
    func entry(named name: String) -> Entry? {
        if let position = index[name] ?? lowercasedIndex[name.lowercased()] { return entries[position] }
        return nil
    }

    /// Decompresses an entry and checks its CRC-32 and size.
    ///
    /// - Parameter extracted: Bytes produced so far from this archive; increased by this entry.
    /// - Throws: ``FormatError`` located in the entry's name.
    func extract(_ entry: Entry, extracted: inout Int) throws -> Data {
        do {
            let data = try extractUnchecked(entry, alreadyExtracted: extracted)
            extracted += data.count
            guard data.count == entry.uncompressedSize else {
                throw FormatError(.corruptZip, "decompresses to \(data.count) bytes, not the \(entry.uncompressedSize) the ZIP directory declares")
            }
            guard crc32Checksum(data) == entry.crc else {
                throw FormatError(.corruptZip, "the CRC-32 checksum does not match: the file is damaged")
            }
            return data
        } catch let error as FormatError {
            throw error.inPart(entry.name)
        }
    }

    private func extractUnchecked(_ entry: Entry, alreadyExtracted: Int) throws -> Data {
        if entry.flags & 0x0001 != 0 {
            throw FormatError(.unsupportedZip, "the entry is encrypted; remove the password in Excel and save again")
        }
        let reader = ByteReader(bytes: bytes)
        let header = entry.localHeaderOffset
        guard try reader.u32(header) == 0x0403_4B50 else {
            throw FormatError(.corruptZip, "no local header where the ZIP directory says (the file is damaged)")
        }
        let start = header + 30 + Int(try reader.u16(header + 26)) + Int(try reader.u16(header + 28))
        guard start + entry.compressedSize <= bytes.count else {
            throw FormatError(.corruptZip, "the entry's data runs past the end of the file (the file is truncated)")
        }
        switch entry.method {
        case 0:
            try Inflate.check(output: entry.compressedSize, consumed: entry.compressedSize, limits: limits,
                              alreadyExtracted: alreadyExtracted)
            return Data(bytes[start..<start + entry.compressedSize])
        case 8:
            return try bytes.withUnsafeBytes { buffer in
                try Inflate.raw(UnsafeRawBufferPointer(rebasing: buffer[start..<start + entry.compressedSize]),
                                limits: limits, alreadyExtracted: alreadyExtracted)
            }
        default:
            throw FormatError(.unsupportedZip, "compression method \(entry.method) is not supported (only stored and deflate)")
        }
    }

    /// The offset of the End Of Central Directory record, searching back over a comment.
    static func findEndOfCentralDirectory(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 22 else { return nil }
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        var position = bytes.count - 22
        while position >= lowest {
            if bytes[position] == 0x50, bytes[position + 1] == 0x4B, bytes[position + 2] == 0x05, bytes[position + 3] == 0x06 {
                let commentLength = Int(bytes[position + 20]) | Int(bytes[position + 21]) << 8
                if position + 22 + commentLength <= bytes.count { return position }
            }
            position -= 1
        }
        return nil
    }

    private static func readDirectoryEntry(_ reader: ByteReader, at position: inout Int) throws -> Entry {
        guard try reader.u32(position) == 0x0201_4B50 else {
            throw FormatError(.corruptZip, "the ZIP directory is damaged (bad entry signature)")
        }
        let flags = try reader.u16(position + 8)
        let method = try reader.u16(position + 10)
        let crc = try reader.u32(position + 16)
        let compressedSize = try reader.u32(position + 20), uncompressedSize = try reader.u32(position + 24)
        let nameLength = Int(try reader.u16(position + 28))
        let extraLength = Int(try reader.u16(position + 30)), commentLength = Int(try reader.u16(position + 32))
        let headerOffset = try reader.u32(position + 42)
        let nameBytes = try reader.slice(position + 46, nameLength)
        if compressedSize == 0xFFFF_FFFF || uncompressedSize == 0xFFFF_FFFF || headerOffset == 0xFFFF_FFFF {
            throw FormatError(.unsupportedZip, "the file is a ZIP64 archive, which is not supported; save it again from Excel")
        }
        var name = String(decoding: nameBytes, as: UTF8.self).replacingOccurrences(of: "\\", with: "/")
        while name.hasPrefix("/") { name.removeFirst() }
        position += 46 + nameLength + extraLength + commentLength
        return Entry(name: name, method: method, flags: flags, crc: crc, compressedSize: Int(compressedSize),
                     uncompressedSize: Int(uncompressedSize), localHeaderOffset: Int(headerOffset))
    }

    /// The error for bytes with no ZIP structure, guessing what they are instead.
    private static func notZipError(_ bytes: [UInt8]) -> FormatError {
        if bytes.isEmpty {
            return FormatError(.notZip, "the file is empty")
        }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return FormatError(.notZip, "this is an old Excel workbook (.xls) or a password-protected one; "
                                + "save it as .xlsx without a password, or as CSV")
        }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return FormatError(.corruptZip, "the ZIP file has no directory at its end: it is truncated or damaged")
        }
        let head = bytes.prefix(4096)
        if head.allSatisfy({ $0 >= 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return FormatError(.notZip, "this is a text file (CSV?), not an Excel .xlsx workbook; read it as CSV")
        }
        return FormatError(.notZip, "this is not an Excel .xlsx workbook (no ZIP structure found)")
    }
}

/// Bounds-checked little-endian reads.
struct ByteReader {
    let bytes: [UInt8]

    func u16(_ offset: Int) throws -> UInt16 {
        guard offset >= 0, offset + 2 <= bytes.count else { throw truncated }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func u32(_ offset: Int) throws -> UInt32 {
        guard offset >= 0, offset + 4 <= bytes.count else { throw truncated }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
            | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    func slice(_ offset: Int, _ count: Int) throws -> ArraySlice<UInt8> {
        guard offset >= 0, count >= 0, offset + count <= bytes.count else { throw truncated }
        return bytes[offset..<offset + count]
    }

    private var truncated: FormatError {
        FormatError(.corruptZip, "the ZIP structure points past the end of the file (the file is truncated or damaged)")
    }
}
