import Foundation
import Testing
@testable import Formats

/// Damaged inputs must give a result or a `FormatError`: never a crash, a hang, another error.
struct FuzzTests {
    private func readEverything(_ data: Data) throws {
        let workbook = try XLSXWorkbook(data: data)
        for name in workbook.sheetNames { _ = try workbook.rows(sheet: name) }
    }

    private func expectOnlyFormatErrors(_ data: Data, _ what: @autoclosure () -> String) {
        do {
            try readEverything(data)
        } catch is FormatError {
        } catch {
            Issue.record("\(what()): \(type(of: error)) \(error)")
        }
    }

    private func sample() throws -> Data {
        var writer = XLSXWriter(sheetName: "Список")
        writer.addRow([.text("№"), .text("Фамилия"), .text("Дата рождения"), .text("Класс")])
        for index in 1...30 {
            writer.addRow([.number(Double(index)), .text("Фамилия\(index)"), .date(try date(2014, 1 + index % 12, 1 + index % 28)), .text("5А")])
        }
        writer.addSheet("Второй")
        writer.addRow([.empty, .text("x")])
        return try writer.data()
    }

    @Test func truncatedWorkbooks() throws {
        let data = try sample()
        try readEverything(data)
        for length in stride(from: 0, to: data.count, by: 3) {
            expectOnlyFormatErrors(data.prefix(length), "truncated to \(length) bytes")
        }
    }

    @Test func byteFlippedWorkbooks() throws {
        let seed: UInt64 = 20_260_901
        var generator = SeededGenerator(seed: seed)
        let data = try sample()
        var failures = 0
        for round in 0..<1500 {
            var bytes = [UInt8](data)
            for _ in 0..<(round % 3 + 1) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[position] ^= UInt8.random(in: 1...255, using: &generator)
            }
            do { try readEverything(Data(bytes)) } catch is FormatError { failures += 1 } catch {
                Issue.record("seed \(seed), round \(round): \(type(of: error)) \(error)")
            }
        }
        // Most flips land in compressed data and must be caught (CRC, deflate, structure).
        #expect(failures > 1000, "seed \(seed)")
    }

    @Test func damagedXMLInsideAValidZip() throws {
        let seed: UInt64 = 1_122
        var generator = SeededGenerator(seed: seed)
        let parts = [
            ("xl/workbook.xml", XLSXHandBuiltTests.workbook()),
            ("xl/_rels/workbook.xml.rels", XLSXHandBuiltTests.workbookRels),
            ("xl/sharedStrings.xml", XLSXHandBuiltTests.sharedStrings),
            ("xl/styles.xml", XLSXHandBuiltTests.styles),
            ("xl/worksheets/data.xml", XLSXHandBuiltTests.dataSheet),
            ("xl/worksheets/empty.xml", "<worksheet><sheetData/></worksheet>"),
        ]
        let alphabet = Array("<>/=\"'&;# \n\0x_:19AZrcvst".utf8)
        for round in 0..<400 {
            var mutated = parts
            let target = Int.random(in: 0..<parts.count, using: &generator)
            var bytes = Array(parts[target].1.utf8)
            for _ in 0..<(1 + round % 4) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = alphabet.randomElement(using: &generator)!
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                }
            }
            mutated[target].1 = String(decoding: bytes, as: UTF8.self)
            expectOnlyFormatErrors(try zip(mutated), "seed \(seed), round \(round), \(parts[target].0)")
        }
    }

    @Test func randomBytesAsCSV() throws {
        let seed: UInt64 = 99
        var generator = SeededGenerator(seed: seed)
        let alphabet = Array("\";,\t\r\n aЖ".utf8) + [0xC8, 0xD0, 0x98, 0xFF, 0xEF, 0xBB, 0xBF]
        for round in 0..<500 {
            let bytes = (0..<Int.random(in: 0...200, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            do {
                let document = try CSVReader.read(Data(bytes))
                #expect(document.rows.allSatisfy { $0.line >= 1 && !$0.cells.isEmpty }, "seed \(seed), round \(round)")
            } catch is FormatError {
            } catch {
                Issue.record("seed \(seed), round \(round): \(error)")
            }
        }
    }
}
