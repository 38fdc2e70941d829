import SyncModel

/// Why a delivery to the parents' diary portal (or to `--out` files) stopped; the CLI
/// decides the exit code from the kind (docs/operations.md).
public struct DiaryPortalError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// No answer, 5xx after retries: 69.
        case unavailable
        /// The portal asked to come back later than the run waits: 75.
        case retryLater
        /// A batch the portal called malformed, or an answer that breaks formats/diary-feed.md: 65.
        case badData
        /// The school's token refused twice: 77.
        case credentialsRefused
        /// `--out` names a file, or a directory that cannot be created: 64.
        case outputDirectory
        /// A batch file cannot be written: 1.
        case cannotWrite
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
    public var description: String { message }
}
