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

    /// Where in a file, when the mistake is in one: `FILE`, `FILE:LINE` or `FILE:LINE:COLUMN`.
    public struct Place: Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let line: Int?
        public let column: Int?
        public init(_ path: String, line: Int? = nil, column: Int? = nil) { self.path = path; self.line = line; self.column = column }
        public var description: String { path + (line.map { ":\($0)" } ?? "") + (column.map { ":\($0)" } ?? "") }
    }

    public let kind: Kind
    /// The file (and line, column) the mistake is in, when it is in one.
    public let place: Place?
    let says: Says
    /// Every problem found, one a line (`FILE:LINE: message`), when there are several.
    public let details: [String]

    init(kind: Kind, says: Says, place: Place? = nil, details: [String] = []) {
        self.kind = kind; self.place = place; self.details = details
        // The place leads the words in every language.
        self.says = place.map { p in Says.phrase { l in "\(p): " + says.text(l) } } ?? says
    }

    public static func usage(_ m: String) -> GatewayError { GatewayError(kind: .usage, says: .english(m)) }
    static func usage(_ m: UsageText, _ args: [String: String] = [:]) -> GatewayError { GatewayError(kind: .usage, says: m.says(args)) }
    public static func badInput(_ m: String, details: [String] = []) -> GatewayError { GatewayError(kind: .badInput, says: .english(m), details: details) }
    static func badInput(_ m: InputText, _ args: [String: String] = [:], at place: Place? = nil, details: [String] = []) -> GatewayError {
        GatewayError(kind: .badInput, says: m.says(args), place: place, details: details)
    }

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
