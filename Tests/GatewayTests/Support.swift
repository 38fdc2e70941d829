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

/// A store with the sample contingent list, the sample week and `extraLines` (journal
/// JSON Lines only this side has) in the school's `timezone`, prepared once per suite and
/// copied per test; the WAL is folded in so that a byte copy is the whole store.
func preparedSyncStore(name: String, timezone: String, extraLines: [String]) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jg-\(name)-\(getpid())-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let store = dir.appendingPathComponent("prepared.sqlite").path
    let extra = dir.appendingPathComponent("extra.jsonl").path
    try! (extraLines.joined(separator: "\n") + "\n").write(toFile: extra, atomically: false, encoding: .utf8)
    for args in [["init", "--school", "Школа № 122", "--timezone", timezone],
                 ["import", "contingent", samples + "/contingent/list-2026-09-01.csv"],
                 ["journal", "import", samples + "/journal/week.jsonl"],
                 ["journal", "import", extra]] {
        precondition(cli(args, store: store).code == 0, "preparing \(args)")
    }
    _ = try? JournalStore.open(at: store).checkpoint()
    return store
}

/// A copy of a prepared store in `dir`.
func copyOfStore(_ prepared: String, in dir: TempDir) throws -> String {
    let path = dir.path("journal.sqlite")
    try FileManager.default.copyItem(atPath: prepared, toPath: path)
    return path
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
