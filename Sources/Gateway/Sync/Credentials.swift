import Foundation
import Adapters

/// Secrets for counterparts: from a file only its owner can read, or the environment;
/// never from the command line, never logged.
enum Credentials {
    /// The first line of `path`, refusing a file that group or others can read.
    static func readSecretFile(_ path: String, what: String) throws -> String {
        let line = try readPrivateText(path, what: what).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !line.isEmpty else { throw GatewayError.usage(.secretEmpty, what: what, ["path": path]) }
        return line
    }

    /// The text of a file only its owner can read.
    private static func readPrivateText(_ path: String, what: String) throws -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { throw GatewayError.usage(.secretOpen, what: what, ["path": path, "reason": String(cString: strerror(errno))]) }
        guard st.st_mode & 0o077 == 0 else {
            throw GatewayError.usage(.secretUnreadable, what: what, ["path": path, "mode": String(st.st_mode & 0o777, radix: 8)])
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw GatewayError.usage(.secretNotUTF8, what: what, ["path": path]) }
        return text
    }

    /// A session saved from a browser (`--session-file`): `name=value` lines, `#` comments,
    /// blank lines; `required` names must be there. The values are never printed.
    static func browserSession(_ path: String, required: [String]) throws -> BrowserSession {
        var values: [String: String] = [:]
        for (n, raw) in try readPrivateText(path, what: "session").split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "="), eq != line.startIndex else {
                throw GatewayError.usage(.sessionLine, ["path": path, "line": "\(n + 1)", "names": required.map { $0 + "=…" }.joined(separator: ", ")])
            }
            let name = line[..<eq].trimmingCharacters(in: .whitespaces)
            values[name] = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        }
        for name in required where (values[name] ?? "").isEmpty {
            throw GatewayError.usage(.sessionMissing, ["path": path, "name": name])
        }
        return BrowserSession(values: values, source: path)
    }

    /// `--password-file`, else the environment variable `env`.
    static func secret(file: String?, env: String, environment: [String: String], what: String) throws -> String {
        if let file { return try readSecretFile(file, what: what) }
        if let v = environment[env], !v.isEmpty { return v }
        throw GatewayError.usage(.noSecret, what: what, ["flag": what, "env": env])
    }
}

extension GatewayError {
    /// A usage error about a credential (`what`: password, token, session), named in the reader's language.
    static func usage(_ m: UsageText, what: String, _ args: [String: String]) -> GatewayError {
        GatewayError(kind: .usage, says: .phrase { l in m.text(l, args.merging(["name": UsageText.secretName(what, l)]) { a, _ in a }) })
    }
}
