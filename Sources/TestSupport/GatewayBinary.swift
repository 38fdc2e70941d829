import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What test support could not do (the binary is missing, a spawn failed).
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The package root, found from this file's path (Sources/TestSupport/…).
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The built `journal-gateway` executable, next to the test bundle (else under the package's
/// `.build-diary` or `.build` scratch directory).
public func gatewayBinary() throws -> URL {
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
    throw TestSupportError("journal-gateway binary not found near \(CommandLine.arguments[0])")
}

/// How a child process ended.
public struct ProcessEnd: Sendable {
    public let status: Int32
    public let killed: Bool
    public let out: String
    public let err: String

    public init(status: Int32, killed: Bool, out: String, err: String) {
        self.status = status; self.killed = killed; self.out = out; self.err = err
    }
}

/// Starts the real binary with stdout and stderr going to files; returns its pid.
///
/// `posix_spawn` and `waitpid` directly: Foundation's `Process` on Linux spins while it
/// waits and was flaky under load here.
public func spawnBinary(_ args: [String], environment: [String: String] = [:], out: String, err: String) throws -> pid_t {
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
    guard rc == 0 else { throw TestSupportError("posix_spawn \(binary): \(String(cString: strerror(rc)))") }
    return pid
}

/// Waits for a child on a thread of its own: (exit status or signal, killed by a signal).
public func waitChild(_ pid: pid_t) async -> (status: Int32, killed: Bool) {
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
