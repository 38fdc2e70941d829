import Foundation

/// Runs a tool from Debian (qpdf, poppler-utils, openssl); nil when it is not installed.
struct ToolResult { let status: Int32; let out: String; let err: String }

func runTool(_ name: String, _ args: [String]) throws -> ToolResult? {
    let candidates = ["/usr/bin/" + name, "/usr/local/bin/" + name]
    guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out; p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return ToolResult(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
}
