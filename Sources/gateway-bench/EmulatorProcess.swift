import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Gateway
import JournalModel

/// A portal emulator in a process of its own (this executable run as `--emulator KIND …`,
/// which is `journal-gateway emulator KIND …`), so that a stage's peak RSS and CPU time are
/// the gateway's alone, not the portal's it talks to (issue 16, item 5).
final class EmulatorProcess: @unchecked Sendable {
    let process: Process
    let url: URL
    /// The ready line's `key=value` pairs (`school-id`, `login`, `password`, `token`, …).
    let ready: [String: String]

    nonisolated(unsafe) static var current: EmulatorProcess?

    /// Starts `journal-gateway emulator KIND ARGS` and waits for its ready line.
    init(_ kind: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        p.arguments = ["--emulator", kind] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BenchError("emulator \(kind) ended before its ready line") }
            line.append(chunk)
        }
        var pairs: [String: String] = [:]
        for part in String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            guard let eq = part.firstIndex(of: "=") else { continue }
            pairs[String(part[..<eq])] = String(part[part.index(after: eq)...])
        }
        guard let u = pairs["url"].flatMap(URL.init(string:)) else { throw BenchError("emulator \(kind): no url in its ready line") }
        process = p; url = u; ready = pairs
    }

    var schoolID: String { ready["school-id"] ?? "" }
    var login: String { ready["login"] ?? "" }
    var password: String { ready["password"] ?? "" }
    var token: String { ready["token"] ?? "" }

    /// `GET` or `POST` a control path (`/_emulator/…`); the answer's JSON.
    func control(_ path: String, body: JSON? = nil) throws -> JSON {
        var req = URLRequest(url: url.appendingPathComponent(String(path.dropFirst())))
        req.timeoutInterval = 600
        if let body {
            req.httpMethod = "POST"
            req.httpBody = Data(body.serialized().utf8)
            req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<Data, Error> = .failure(BenchError("no answer from \(path)"))
        URLSession.shared.dataTask(with: req) { data, _, error in
            result = data.map { .success($0) } ?? .failure(error ?? BenchError("no answer from \(path)"))
            done.signal()
        }.resume()
        done.wait()
        return try JSON.parse(bytes: Array(try result.get()))
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// `--emulator KIND ARGS`: this process is the emulator (what `EmulatorProcess` starts).
@MainActor func runEmulatorMode(_ args: [String]) -> Never {
    exit(CLI.run(["emulator"] + args))
}
