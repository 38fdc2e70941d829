import Foundation

/// A temporary directory removed when the test ends.
///
/// `tmpfs`: on `/dev/shm` when there is one (tests that write many small stores).
public final class TempDir: Sendable {
    public let url: URL

    public init(prefix: String = "jg-test", tmpfs: Bool = false) throws {
        let shm = tmpfs && FileManager.default.fileExists(atPath: "/dev/shm")
        let base = shm ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
        url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The directory's own path.
    public var path: String { url.path }

    /// The path of `name` inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
