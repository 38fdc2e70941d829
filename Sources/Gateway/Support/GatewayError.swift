/// A failure a command reports to the administrator, with the exit code it maps to.
///
/// Exit codes follow sysexits: 64 usage, 65 bad input data, 69 counterpart unavailable,
/// 73 cannot create or write (the store, its lock, an output file), 75 temporary failure
/// (retry later), 1 anything else. `CLI.outcome(of:storePath:)` decides them for every error.
public struct GatewayError: Error, CustomStringConvertible, Sendable {
    public let exitCode: Int32
    public let message: String
    /// Every problem found, one a line (`FILE:LINE: message`), when there are several.
    public let details: [String]

    public init(_ exitCode: Int32, _ message: String, details: [String] = []) {
        self.exitCode = exitCode; self.message = message; self.details = details
    }

    public static func usage(_ m: String) -> GatewayError { GatewayError(ExitCode.usage, m) }
    public static func badInput(_ m: String, details: [String] = []) -> GatewayError { GatewayError(ExitCode.dataError, m, details: details) }

    public var description: String { ([message] + details).joined(separator: "\n") }
}

public enum ExitCode {
    public static let ok: Int32 = 0
    public static let failure: Int32 = 1
    public static let usage: Int32 = 64
    public static let dataError: Int32 = 65
    public static let unavailable: Int32 = 69
    /// EX_CANTCREAT: the store (or its lock, or an output file) cannot be created or written.
    public static let cannotCreate: Int32 = 73
    public static let tempFailure: Int32 = 75
    /// Credentials or a session refused by a counterpart: a person must act.
    public static let credentialsRefused: Int32 = 77
}
