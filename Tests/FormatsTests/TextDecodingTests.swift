import Foundation
import Testing
@testable import Formats

struct TextDecodingTests {
    @Test func windows1251DecodesOnThisToolchain() throws {
        // «Иванов» in Windows-1251: String(data:encoding:.windowsCP1251) was broken on Swift 6.0/6.1.
        let bytes = Data([0xC8, 0xE2, 0xE0, 0xED, 0xEE, 0xE2])
        #expect(String(data: bytes, encoding: .windowsCP1251) == "Иванов")
        #expect(try cp1251("Иванов") == bytes)
        let decoded = try TextDecoding.decode(bytes)
        #expect(decoded.encoding == .windows1251)
        #expect(String(decoding: decoded.utf8, as: UTF8.self) == "Иванов")
    }

    @Test func windows1251TableMatchesFoundation() throws {
        for byte in 0...255 where byte != 0 {
            let foundation = try #require(String(data: Data([UInt8(byte)]), encoding: .windowsCP1251))
            #expect(TextDecoding.decodeWindows1251([UInt8(byte)]) == Array(foundation.utf8), "byte \(byte)")
        }
    }

    @Test func everyWindows1251ByteDecodes() throws {
        // Including 0x98, which the code page leaves undefined: a file must never be refused for it.
        let decoded = try TextDecoding.decode(Data([0x41] + (0x80...0xFF).map { UInt8($0) }))
        #expect(decoded.encoding == .windows1251)
        let text = String(decoding: decoded.utf8, as: UTF8.self)
        #expect(text.unicodeScalars.count == 129)
        #expect(text.hasSuffix("юя"))
        #expect(["Ё", "ё", "№", "«", "»"].allSatisfy { text.contains($0) })
    }

    @Test func asciiIsUTF8() throws {
        let decoded = try TextDecoding.decode(Data("a;b\r\n1;2\r\n".utf8))
        #expect(decoded.encoding == .utf8)
        #expect(decoded.utf8 == Array("a;b\r\n1;2\r\n".utf8))
    }

    @Test func utf8WithAndWithoutBOM() throws {
        let plain = try TextDecoding.decode(Data("Ёлкина".utf8))
        #expect(plain.encoding == .utf8)
        let marked = try TextDecoding.decode(Data([0xEF, 0xBB, 0xBF] + Array("Ёлкина".utf8)))
        #expect(marked.encoding == .utf8BOM)
        #expect(marked.utf8 == Array("Ёлкина".utf8))
    }

    @Test func utf16WithBOM() throws {
        var little = Data([0xFF, 0xFE])
        little.append(try #require("Фамилия\tИмя\r\n".data(using: .utf16LittleEndian)))
        let decoded = try TextDecoding.decode(little)
        #expect(decoded.encoding == .utf16LE)
        #expect(String(decoding: decoded.utf8, as: UTF8.self) == "Фамилия\tИмя\r\n")
    }

    @Test func mostlyUTF8WithABrokenByteIsRefusedWithItsLine() throws {
        // A UTF-8 list damaged on line 3: reading it as Windows-1251 would garble every name.
        var bytes = Array("Фамилия;Имя\nИванов;Иван\nПетров;П".utf8)
        bytes.append(0xD0) // half of a two-byte letter
        bytes += Array("\nСидоров;Сидор\n".utf8)
        let error = try #require(formatError { _ = try TextDecoding.decode(Data(bytes)) })
        #expect(error.code == .unreadableText)
        #expect(error.line == 3)
        #expect(error.description.contains("UTF-8"))
    }

    @Test func windows1251IsNotMistakenForBrokenUTF8() throws {
        let text = "Список обучающихся МАОУ «СОШ № 122» на 01.09.2026\nЁлкина;Семён;Пётр;«№»\n"
        #expect(TextDecoding.looksLikeBrokenUTF8(Array(try cp1251(text))) == false)
        #expect(try TextDecoding.decode(try cp1251(text)).encoding == .windows1251)
    }

    @Test func binaryDataIsRefused() throws {
        let xlsx = try #require(formatError { _ = try TextDecoding.decode(Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0])) })
        #expect(xlsx.message.contains(".xlsx"))
        let xls = try #require(formatError { _ = try TextDecoding.decode(Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1])) })
        #expect(xls.message.contains(".xls"))
        let zero = try #require(formatError { _ = try TextDecoding.decode(Data("a;b\nc\0d\n".utf8)) })
        #expect(zero.code == .unreadableText)
        #expect(zero.line == 2)
    }
}
