import Foundation
import Testing
@testable import Formats

/// A fresh directory for one test, removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("FormatsTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// Writes `data` to `name` inside the directory and reads it back, as a caller would.
    func roundTrip(_ data: Data, name: String) throws -> Data {
        let file = url.appendingPathComponent(name)
        try data.write(to: file)
        return try Data(contentsOf: file)
    }
}

/// A small seeded generator (SplitMix64) so failures can be replayed from their seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Windows-1251 bytes of a string (Foundation's encoder; pinned by a test).
func cp1251(_ text: String) throws -> Data {
    try #require(text.data(using: .windowsCP1251))
}

/// The error a closure throws, as a `FormatError`, failing the test otherwise.
func formatError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> FormatError? {
    do {
        try body()
        Issue.record("expected a FormatError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as FormatError {
        return error
    } catch {
        Issue.record("expected a FormatError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// The texts of a row's cells, `""` for empty ones: compact expectations for CSV rows.
func texts(_ row: TableRow) -> [String] {
    row.cells.map { cell in
        switch cell {
        case .empty: return ""
        case .text(let text): return text
        case .number(let number): return "#\(number)"
        case .date(let date): return "@\(date)"
        }
    }
}

/// Builds a ZIP from (name, content) pairs, deflated.
func zip(_ entries: [(String, String)], compress: Bool = true) throws -> Data {
    var writer = ZipWriter()
    for (name, content) in entries {
        try writer.add(name, Data(content.utf8), compress: compress)
    }
    return writer.finish()
}

func date(_ year: Int, _ month: Int, _ day: Int) throws -> CivilDate {
    try #require(CivilDate(year: year, month: month, day: day))
}
