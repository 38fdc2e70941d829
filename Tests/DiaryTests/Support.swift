import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let samples = packageRoot.appendingPathComponent("samples").path

/// A temporary directory (on tmpfs when there is one) removed when the test ends.
final class TempDir: @unchecked Sendable {
    let url: URL
    init() throws {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
        url = base.appendingPathComponent("jg-diary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

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

/// A store holding the sample contingent and week.
func sampleStore(_ dir: TempDir, name: String = "journal.sqlite") throws -> String {
    let store = dir.path(name)
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

/// The built `journal-gateway` executable, next to the test bundle.
func gatewayBinary() throws -> URL {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("journal-gateway")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    for scratch in [".build-diary", ".build"] {
        let fallback = packageRoot.appendingPathComponent("\(scratch)/debug/journal-gateway")
        if FileManager.default.isExecutableFile(atPath: fallback.path) { return fallback }
    }
    throw GatewayError(1, "journal-gateway binary not found near \(CommandLine.arguments[0])")
}

/// How a child process ended.
struct ProcessEnd: Sendable {
    let status: Int32
    let killed: Bool
    let out: String
    let err: String
}

/// Starts the real binary with stdout and stderr going to files; returns its pid.
///
/// `posix_spawn` and `waitpid` directly: Foundation's `Process` on Linux spins while it
/// waits and was flaky under load here.
func spawnBinary(_ args: [String], environment: [String: String] = [:], out: String, err: String) throws -> pid_t {
    let binary = try gatewayBinary().path
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv = ([binary] + args).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, binary, &actions, nil, argv, envp)
    guard rc == 0 else { throw GatewayError(1, "posix_spawn \(binary): \(String(cString: strerror(rc)))") }
    return pid
}

/// Waits for a child on a thread of its own: (exit status or signal, killed by a signal).
func waitChild(_ pid: pid_t) async -> (status: Int32, killed: Bool) {
    await withCheckedContinuation { cont in
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let signal = status & 0x7f
            let killed = signal != 0 && signal != 0x7f
            cont.resume(returning: (killed ? signal : (status >> 8) & 0xff, killed))
        }
    }
}

/// Runs the real binary to its end.
func runBinary(_ args: [String], environment: [String: String] = [:]) async throws -> ProcessEnd {
    let dir = try TempDir()
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
