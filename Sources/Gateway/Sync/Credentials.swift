import Foundation

/// Secrets for counterparts: from a file only its owner can read, or the environment;
/// never from the command line, never logged.
enum Credentials {
    /// The first line of `path`, refusing a file that group or others can read.
    static func readSecretFile(_ path: String, what: String) throws -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { throw GatewayError.usage("\(what) file \(path): \(String(cString: strerror(errno)))") }
        guard st.st_mode & 0o077 == 0 else {
            throw GatewayError.usage("\(what) file \(path) can be read by others (mode \(String(st.st_mode & 0o777, radix: 8))): run `chmod 600 \(path)`")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw GatewayError.usage("\(what) file \(path) is not UTF-8 text") }
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !line.isEmpty else { throw GatewayError.usage("\(what) file \(path) is empty") }
        return line
    }

    /// `--password-file`, else the environment variable `env`.
    static func secret(file: String?, env: String, environment: [String: String], what: String) throws -> String {
        if let file { return try readSecretFile(file, what: what) }
        if let v = environment[env], !v.isEmpty { return v }
        throw GatewayError.usage("no \(what): pass --\(what)-file FILE (mode 600) or set \(env); it is never taken from the command line")
    }
}
