import Foundation
import Testing
import Adapters
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let samples = packageRoot.appendingPathComponent("samples").path

struct CLIResult: Sendable { let code: Int32; let out: String; let err: String }

/// Runs the CLI in-process with a captured console.
@discardableResult
func cli(_ args: [String], store: String, environment: [String: String] = [:]) -> CLIResult {
    let (console, read) = Console.capturing()
    let code = CLI.run(["--store", store] + args, console: console, environment: environment)
    let (o, e) = read()
    return CLIResult(code: code, out: o, err: e)
}

/// The same on a thread of its own: commands that wait for network work block their
/// thread, which must not be one of the few the test runner's tasks share.
func cliOffPool(_ args: [String], store: String, environment: [String: String] = [:]) async -> CLIResult {
    await withCheckedContinuation { cont in
        Thread.detachNewThread { cont.resume(returning: cli(args, store: store, environment: environment)) }
    }
}

/// A store holding the sample contingent and week, on `backend` (the diary's tests run on both).
func sampleStore(_ dir: TempDir, _ backend: StoreBackend, name: String = "journal.sqlite") throws -> String {
    let store = try testStoreLocation(backend, dir, name)
    try #require(cli(["init", "--school", "МБОУ «Школа № 122» г. о. Самара", "--timezone", "Europe/Samara"], store: store).code == 0)
    try #require(cli(["journal", "import", samples + "/journal/contingent.jsonl"], store: store).code == 0)
    try #require(cli(["journal", "import", samples + "/journal/week.jsonl"], store: store).code == 0)
    return store
}

/// Imports JSON Lines records into a store (as the school's journal software would send them).
func importLines(_ lines: [String], store: String, dir: TempDir) throws {
    let file = dir.path("change-\(UUID().uuidString).jsonl")
    try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
    let r = cli(["journal", "import", file], store: store)
    try #require(r.code == 0, "import failed: \(r.err)")
}

/// A token file (mode 600) holding the emulator's token.
func tokenFile(_ dir: TempDir, _ token: String) throws -> String {
    let path = dir.path("diary-\(UUID().uuidString).token")
    try #require(FileManager.default.createFile(atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600]))
    return path
}

/// `feed diary --url …` arguments for an emulator.
func feedArgs(_ emulator: RunningDiaryEmulator, token: String, batchSize: Int? = nil) -> [String] {
    var a = ["feed", "diary", "--url", emulator.url.absoluteString, "--token-file", token, "--school-id", emulator.schoolID, "--json"]
    if let batchSize { a += ["--batch-size", String(batchSize)] }
    return a
}

/// Accepted event ids of an emulator, in acceptance order.
func acceptedIDs(_ emulator: RunningDiaryEmulator) -> [String] {
    emulator.acceptedEvents().compactMap { $0["eventId"]?.string }
}

/// Runs the real binary to its end.
func runBinary(_ args: [String], environment: [String: String] = [:]) async throws -> ProcessEnd {
    let dir = try TempDir(prefix: "jg-diary", tmpfs: true)
    let pid = try spawnBinary(args, environment: environment, out: dir.path("out"), err: dir.path("err"))
    let end = await waitChild(pid)
    return ProcessEnd(status: end.status, killed: end.killed,
                      out: (try? String(contentsOfFile: dir.path("out"), encoding: .utf8)) ?? "",
                      err: (try? String(contentsOfFile: dir.path("err"), encoding: .utf8)) ?? "")
}

/// Every event a sink received, in order: for tests that look at what planning produced.
final class CapturingSink: DiarySink, @unchecked Sendable {
    private(set) var events: [JSON] = []
    private(set) var batches = 0
    var target: String { "memory" }

    func send(_ batch: DiaryBatch) throws -> DiaryBatchAnswer {
        batches += 1
        let doc = try JSON.parse(bytes: Array(batch.body))
        events += doc["events"]?.array ?? []
        return DiaryBatchAnswer(accepted: batch.events.map(\.id))
    }
}

/// A JSON value's object pairs.
func pairs(_ j: JSON?) -> [(String, JSON)] { if case .object(let p)? = j { return p }; return [] }
