import Foundation

/// What a Debian tool (qpdf, poppler-utils, openssl) printed.
public struct ToolResult: Sendable {
    public let status: Int32
    public let out: String
    public let err: String
}

/// Runs a tool from /usr/bin (or /usr/local/bin); nil when it is not installed.
public func runTool(_ name: String, _ args: [String], cwd: String? = nil) throws -> ToolResult? {
    let candidates = ["/usr/bin/" + name, "/usr/local/bin/" + name]
    guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out; p.standardError = err
    try p.run()
    // Read both pipes concurrently-enough: stderr is small for these tools.
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return ToolResult(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
}
