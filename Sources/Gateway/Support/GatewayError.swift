/// A mistake in what a person asked for (a usage error: a flag missing or malformed, a
/// command unknown) or in the data given (bad input: a file's line, a record refused).
///
/// The error says what is wrong, with its context, and nothing about exit codes:
/// `CLI.outcome(of:storePath:language:)` decides every exit code from the error's type and
/// kind, in one place. Its words come from the message catalogue when they have an entry
/// there (``Says/phrase(_:)``), else they are English (the fallback).
public struct GatewayError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The command line is wrong: nothing was done (exit 64).
        case usage
        /// The data given is wrong: nothing of it was written (exit 65).
        case badInput
    }

    public let kind: Kind
    let says: Says
    /// Every problem found, one a line (`FILE:LINE: message`), when there are several.
    public let details: [String]

    init(kind: Kind, says: Says, details: [String] = []) { self.kind = kind; self.says = says; self.details = details }

    public static func usage(_ m: String) -> GatewayError { GatewayError(kind: .usage, says: .english(m)) }
    static func usage(_ m: UsageText, _ args: [String: String] = [:]) -> GatewayError { GatewayError(kind: .usage, says: m.says(args)) }
    public static func badInput(_ m: String, details: [String] = []) -> GatewayError { GatewayError(kind: .badInput, says: .english(m), details: details) }

    /// The message in English (what logs and tests read).
    public var message: String { says.text(.english) }

    public var description: String { ([message] + details).joined(separator: "\n") }
}

/// The exit codes (sysexits): 64 usage, 65 bad input data, 69 counterpart unavailable,
/// 73 cannot create or write (the store, its lock, an output file), 75 temporary failure
/// (retry later), 77 credentials refused, 1 anything else. `CLI.outcome` maps errors to them.
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
