import SyncModel

/// A file or folder the gateway could not create or write (an output: an archive, an
/// extract, the metrics file, an installed file — not the store, whose errors are its own).
/// Exit 73 (`CLI.outcome`).
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public enum Action: Sendable, Equatable {
        /// The folder `path` could not be created.
        case createDirectory
        /// The file `path` could not be created or written.
        case write
        /// `path` could not be renamed to `to` (the last step of an atomic write).
        case rename(to: String)
        /// `path` already holds an archive (a manifest), which is never overwritten.
        case alreadyArchived
    }

    public let path: String
    public let action: Action
    /// The system's reason (`strerror`), when known.
    public let reason: String?
    public init(_ action: Action, path: String, reason: String? = nil) {
        self.action = action; self.path = path; self.reason = reason
    }

    public var description: String { ErrorText.output(self, .english) }
}

/// A portal's emulator (rehearsals, tests, the demo) that would not start. Exit 1.
public struct EmulatorStartFailure: Error, CustomStringConvertible, Sendable {
    public let portal: String
    public let reason: String
    /// Started by `demo` (the message says so).
    public var forDemo = false
    public init(portal: String, reason: String, forDemo: Bool = false) { self.portal = portal; self.reason = reason; self.forDemo = forDemo }
    public var description: String { ErrorText.emulator(self, .english) }
}

/// A portal that stopped a command (`mappings check`) as it would stop a sync: which portal,
/// why (unreachable, come back later, bad data, credentials refused), and its own words.
/// Exit 69 / 75 / 65 / 77 by ``reason``.
public struct PortalStop: Error, CustomStringConvertible, Sendable {
    public let portal: String
    public let reason: StopReason
    public let detail: String
    public init(portal: String, reason: StopReason, detail: String) { self.portal = portal; self.reason = reason; self.detail = detail }
    public var description: String { "\(portal): \(detail)" }
}

/// A step of `demo` that did not end as expected: the step, and the exit code it ended with
/// (the demo exits with it; 1 when the step succeeded where it should have failed), or an
/// expectation about the sample data that did not hold.
public struct DemoFailure: Error, CustomStringConvertible, Sendable {
    public let step: String
    public let stepExit: Int32?
    public init(step: String, stepExit: Int32?) { self.step = step; self.stepExit = stepExit }
    public var description: String { ErrorText.demo(self, .english) }
}
