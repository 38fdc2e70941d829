import Foundation
import Testing
@testable import Formats
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ZipArchiveTests {
    private func validWorkbook() throws -> Data {
        var writer = XLSXWriter()
        writer.addRow([.text("Фамилия"), .text("Дата рождения")])
        writer.addRow([.text("Иванов"), .date(try date(2014, 2, 1))])
        return try writer.data()
    }

    /// The offsets of every central directory entry.
    private func directoryOffsets(_ bytes: [UInt8]) -> [Int] {
        (0..<max(0, bytes.count - 3)).filter { bytes[$0] == 0x50 && bytes[$0 + 1] == 0x4B && bytes[$0 + 2] == 1 && bytes[$0 + 3] == 2 }
    }

    /// A workbook whose only sheet is `entry`, already compressed.
    private func workbook(sheet compressed: Data, crc: UInt32, size: Int) throws -> Data {
        var writer = ZipWriter()
        try writer.add("xl/workbook.xml", Data("<workbook><sheets><sheet name=\"Лист1\"/></sheets></workbook>".utf8))
        try writer.addPrecompressed("xl/worksheets/sheet1.xml", compressed: compressed, crc: crc, uncompressedSize: size)
        return writer.finish()
    }

    private static func peakResidentBytes() -> Int {
        var usage = rusage()
        #if canImport(Darwin)
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)
        #else
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
        #endif
    }

    @Test func zipBombIsRefusedEarly() throws {
        // 300 MiB of zeros deflate to about 300 KB, streamed so the test never holds them.
        let deflater = try Deflater(level: 9)
        let zeros = Data(count: 1 << 20)
        for _ in 0..<300 { deflater.update(zeros) }
        let compressed = deflater.finish()
        #expect(compressed.count < 1 << 20)
        let bomb = try workbook(sheet: compressed, crc: deflater.crc, size: deflater.uncompressedCount)

        let peakBefore = Self.peakResidentBytes()
        let error = formatError { _ = try XLSXWorkbook(data: bomb) }
        let found = try #require(error)
        #expect(found.code == .zipLimit)
        #expect(found.part == "xl/worksheets/sheet1.xml")
        #expect(found.message.contains("1000:1"))
        // Stopped after about 1 MiB: far from the 300 MiB a full inflation would hold.
        #expect(Self.peakResidentBytes() - peakBefore < 100 << 20)

        // With the ratio check off, the per-entry bound stops it instead.
        let lenient = ZipLimits(maxEntryBytes: 8 << 20, maxRatio: Int.max)
        let entryError = try #require(formatError { _ = try XLSXWorkbook(data: bomb, limits: lenient) })
        #expect(entryError.code == .zipLimit)
        #expect(entryError.message.contains("more than 8.0 MiB"))
    }

    @Test func declaredSizesAreNotTrusted() throws {
        // Headers claim 100 bytes; the data inflates to 20 MiB.
        let deflater = try Deflater()
        deflater.update(Data(count: 20 << 20))
        let lying = try workbook(sheet: deflater.finish(), crc: deflater.crc, size: 100)
        let limits = ZipLimits(maxEntryBytes: 4 << 20, maxRatio: Int.max)
        #expect(formatError { _ = try XLSXWorkbook(data: lying, limits: limits) }?.code == .zipLimit)
        // Within the limits, the size mismatch itself is caught.
        let mismatch = try #require(formatError { _ = try XLSXWorkbook(data: lying, limits: ZipLimits(maxRatio: Int.max)) })
        #expect(mismatch.code == .corruptZip)
        #expect(mismatch.message.contains("not the 100"))
    }

    @Test func totalLimitCountsEveryPart() throws {
        var writer = XLSXWriter()
        for index in 0..<3000 { writer.addRow([.text("Фамилия \(index) Имя Отчество"), .number(Double(index))]) }
        let data = try writer.data()
        _ = try XLSXWorkbook(data: data)
        let error = try #require(formatError { _ = try XLSXWorkbook(data: data, limits: ZipLimits(maxTotalBytes: 100_000)) })
        #expect(error.code == .zipLimit)
        #expect(error.message.contains("in all"))
    }

    @Test func crcMismatchIsCorruption() throws {
        let (compressed, crc) = try Deflater.compress(Data("<worksheet/>".utf8))
        let data = try workbook(sheet: compressed, crc: crc ^ 1, size: 12)
        let error = try #require(formatError { _ = try XLSXWorkbook(data: data) })
        #expect(error.code == .corruptZip)
        #expect(error.description.hasPrefix("xl/worksheets/sheet1.xml: "))
        #expect(error.message.contains("CRC"))
    }

    @Test func notZipFilesSayWhatTheyAre() throws {
        let csv = try #require(formatError { _ = try XLSXWorkbook(data: try cp1251("Фамилия;Имя\r\nИванов;Иван\r\n")) })
        #expect(csv.code == .notZip)
        #expect(csv.message.contains("CSV"))
        let xls = try #require(formatError {
            _ = try XLSXWorkbook(data: Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)))
        })
        #expect(xls.code == .notZip)
        #expect(xls.message.contains(".xls"))
        #expect(formatError { _ = try XLSXWorkbook(data: Data()) }?.message == "the file is empty")
        var generator = SeededGenerator(seed: 7)
        let noise = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        #expect(formatError { _ = try XLSXWorkbook(data: noise) }?.code == .notZip)
    }

    @Test func truncatedWorkbook() throws {
        let data = try validWorkbook()
        let error = try #require(formatError { _ = try XLSXWorkbook(data: data.prefix(data.count / 2)) })
        #expect(error.code == .corruptZip)
        #expect(error.message.contains("truncated"))
    }

    @Test func archiveCommentIsSkipped() throws {
        var writer = ZipWriter()
        try writer.add("a.txt", Data("привет".utf8))
        let data = writer.finish(comment: "PK\u{5}\u{6} a comment that looks like a signature")
        let archive = try ZipArchive(data: data)
        var extracted = 0
        let entry = try #require(archive.entry(named: "A.TXT"))
        #expect(String(decoding: try archive.extract(entry, extracted: &extracted), as: UTF8.self) == "привет")
        #expect(extracted == "привет".utf8.count)
    }

    @Test func zip64EncryptionAndOtherMethodsAreRefused() throws {
        let data = try validWorkbook()
        var bytes = [UInt8](data)
        let end = try #require(ZipArchive.findEndOfCentralDirectory(bytes))
        bytes[end + 10] = 0xFF; bytes[end + 11] = 0xFF; bytes[end + 8] = 0xFF; bytes[end + 9] = 0xFF
        let zip64 = try #require(formatError { _ = try ZipArchive(data: Data(bytes)) })
        #expect(zip64.code == .unsupportedZip)
        #expect(zip64.message.contains("ZIP64"))

        var encrypted = [UInt8](data)
        for offset in directoryOffsets(encrypted) { encrypted[offset + 8] |= 1 }
        let encryptedError = try #require(formatError { _ = try XLSXWorkbook(data: Data(encrypted)) })
        #expect(encryptedError.code == .unsupportedZip)
        #expect(encryptedError.message.contains("encrypted"))

        var bzip2 = [UInt8](data)
        for offset in directoryOffsets(bzip2) { bzip2[offset + 10] = 12 }
        let methodError = try #require(formatError { _ = try XLSXWorkbook(data: Data(bzip2)) })
        #expect(methodError.code == .unsupportedZip)
        #expect(methodError.message.contains("method 12"))
    }

    @Test func inflateRoundTripsAndRejectsGarbage() throws {
        var generator = SeededGenerator(seed: 42)
        let original = Data((0..<200_000).map { _ in UInt8.random(in: 0...20, using: &generator) })
        let (compressed, crc) = try Deflater.compress(original)
        let inflated = try compressed.withUnsafeBytes { try Inflate.raw($0, limits: .default, alreadyExtracted: 0) }
        #expect(inflated == original)
        #expect(crc32Checksum(inflated) == crc)
        let cut = compressed.prefix(compressed.count - 10)
        let error = try #require(formatError { _ = try cut.withUnsafeBytes { try Inflate.raw($0, limits: .default, alreadyExtracted: 0) } })
        #expect(error.message.contains("truncated"))
        let garbage = Data([0xFF, 0xFF, 0xFF, 0xFF])
        #expect(formatError { _ = try garbage.withUnsafeBytes { try Inflate.raw($0, limits: .default, alreadyExtracted: 0) } }?.code == .corruptZip)
    }
}
