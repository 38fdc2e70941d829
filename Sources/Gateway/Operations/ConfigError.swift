/// A mistake in the configuration file: `school.conf:LINE: message` (line 0: the file as a whole).
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    public let message: String

    public init(_ file: String, _ line: Int, _ message: String) { self.file = file; self.line = line; self.message = message }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
