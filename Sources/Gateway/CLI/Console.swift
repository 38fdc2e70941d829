import Foundation
import Synchronization

/// Where a command writes: standard output (results), standard error (messages,
/// progress). Tests capture both.
public final class Console: Sendable {
    private let outSink: @Sendable (String) -> Void
    private let errSink: @Sendable (String) -> Void
    /// Whether standard output is a terminal (progress lines are shown only then).
    public let isTerminal: Bool

    public init(isTerminal: Bool, out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        self.isTerminal = isTerminal; self.outSink = out; self.errSink = err
    }

    public static let standard = Console(isTerminal: isatty(STDOUT_FILENO) == 1,
                                         out: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) },
                                         err: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })

    /// A console that keeps what is written, for tests.
    public static func capturing() -> (Console, @Sendable () -> (out: String, err: String)) {
        let buf = Mutex<(String, String)>(("", ""))
        let c = Console(isTerminal: false, out: { s in buf.withLock { $0.0 += s + "\n" } }, err: { s in buf.withLock { $0.1 += s + "\n" } })
        return (c, { buf.withLock { ($0.0, $0.1) } })
    }

    public func out(_ s: String) { outSink(s) }
    public func err(_ s: String) { errSink(s) }

    /// A progress line on a terminal (overwritten in place); nothing otherwise.
    public func progress(_ s: String) {
        guard isTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(s)".utf8))
    }

    public func progressDone() {
        guard isTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
