/// Why a school could not be generated. The CLI decides the exit code (`CLI.outcome`):
/// `badInput` is data a person must look at, `failure` anything else.
public struct GenerationError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case failure, badInput }

    public let kind: Kind
    public let message: String
    /// Every problem found, one a line, when there are several.
    public let details: [String]

    public init(_ kind: Kind, _ message: String, details: [String] = []) {
        self.kind = kind; self.message = message; self.details = details
    }

    public static func failure(_ m: String) -> GenerationError { GenerationError(.failure, m) }
    public static func badInput(_ m: String, details: [String] = []) -> GenerationError { GenerationError(.badInput, m, details: details) }

    public var description: String { ([message] + details).joined(separator: "\n") }
}
