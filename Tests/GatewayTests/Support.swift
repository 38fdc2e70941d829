import Foundation
import Testing
@testable import Gateway
import JournalStore
import TestSupport

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let samples = packageRoot.appendingPathComponent("samples").path

/// Runs the CLI in-process with a captured console.
struct CLIResult { let code: Int32; let out: String; let err: String }

@discardableResult
func cli(_ args: [String], store: String) -> CLIResult {
    let (console, read) = Console.capturing()
    let code = CLI.run(["--store", store] + args, console: console, environment: [:])
    let (o, e) = read()
    return CLIResult(code: code, out: o, err: e)
}

/// A store with the sample contingent and week imported.
func sampleStore(_ dir: TempDir, week: Bool = true) throws -> String {
    let store = try testStoreLocation(dir)
    #expect(cli(["init", "--school", "Школа № 122", "--timezone", "Europe/Samara"], store: store).code == 0)
    #expect(cli(["journal", "import", samples + "/journal/contingent.jsonl"], store: store).code == 0)
    if week { #expect(cli(["journal", "import", samples + "/journal/week.jsonl"], store: store).code == 0) }
    return store
}

/// Runs the real binary (or `binary`, an installed copy) as a child process, in `cwd` when
/// given; `launcher` (e.g. `setpriv --reuid=…`) runs it through another program, the binary's
/// path then its arguments following.
func runBinary(_ args: [String], environment: [String: String] = [:], launcher: [String] = [],
               binary: String? = nil, cwd: String? = nil) throws -> CLIResult {
    let p = Process()
    let path = try binary ?? gatewayBinary().path
    if let first = launcher.first {
        p.executableURL = URL(fileURLWithPath: first)
        p.arguments = Array(launcher.dropFirst()) + [path] + args
    } else {
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
    }
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    p.environment = environment
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return CLIResult(code: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
}
