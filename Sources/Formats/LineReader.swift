import Foundation

/// Reads a file line by line in bounded memory, counting lines from 1.
///
/// Accepts LF and CRLF line ends; a UTF-8 byte order mark on the first line is dropped.
public struct LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    public private(set) var lineNumber = 0

    public init(path: String) throws {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw UnreadableFile(path: path)
        }
        handle = h
    }

    /// The next line's bytes (without its line end), or nil at the end of the file.
    public mutating func next() throws -> [UInt8]? {
        while true {
            let from = start
            let found = buffer.withUnsafeBufferPointer { b -> Int? in
                guard from < b.count, let base = b.baseAddress, let hit = memchr(base + from, 0x0A, b.count - from) else { return nil }
                return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            }
            if let nl = found {
                var end = nl
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let line = Array(buffer[start..<end])
                start = nl + 1
                return finish(line)
            }
            if eof {
                guard start < buffer.count else { return nil }
                var line = Array(buffer[start...])
                if line.last == 0x0D { line.removeLast() }
                start = buffer.count
                return finish(line)
            }
            buffer.removeFirst(start)
            start = 0
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { eof = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    /// How many lines the file has (its line ends, plus a last line without one), read in
    /// bounded memory without building any line: for sizing what a pass over it will keep.
    public static func count(path: String) throws -> Int {
        guard let h = FileHandle(forReadingAtPath: path) else { throw UnreadableFile(path: path) }
        defer { try? h.close() }
        var lines = 0
        var last: UInt8 = 0x0A
        while let chunk = try h.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { (b: UnsafeRawBufferPointer) in
                guard let base = b.baseAddress else { return }
                var p = base, left = b.count
                while left > 0, let hit = memchr(p, 0x0A, left) {
                    lines += 1
                    let next = UnsafeRawPointer(hit) + 1
                    left -= next - p
                    p = next
                }
            }
            last = chunk.last ?? last
        }
        return last == 0x0A ? lines : lines + 1
    }

    private mutating func finish(_ line: [UInt8]) -> [UInt8] {
        lineNumber += 1
        if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(line.dropFirst(3)) }
        return line
    }
}

/// A file that cannot be opened for reading (`PATH: cannot open for reading`).
public struct UnreadableFile: Error, CustomStringConvertible, Sendable {
    public let path: String
    public init(path: String) { self.path = path }
    public var description: String { "\(path): cannot open for reading" }
}
