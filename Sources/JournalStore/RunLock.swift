import Foundation
import JournalModel
#if canImport(Glibc)
import Glibc
#endif

/// The exclusive lock a writing command holds on a store for its whole run.
///
/// A second writer is refused at once with the holder's pid, command and start time.
/// The lock is an `flock` on `<store>.lock`, so the kernel drops it when the holder
/// dies: a lock file left by a dead process is simply taken over.
///
/// On PostgreSQL (`postgresql://…?school=CODE`) it is a session-level advisory lock per school
/// on a connection of its own (`PGRunLock`): the server drops it when the holder's session
/// ends, however it ends; the holder is named by the session's `application_name`.
public final class RunLock {
    public struct Holder: Sendable, CustomStringConvertible {
        public let pid: Int32
        public let command: String
        public let since: String
        public var description: String { "pid \(pid) (\(command)), since \(since)" }
    }

    public let path: String
    private var fd: Int32
    private var server: PGRunLock?
    /// The holder recorded in the file when we took it over from a dead process.
    public let tookOverFrom: Holder?

    /// Takes the lock for `command`, or throws ``StoreError`` naming the holder.
    public init(storePath: String, command: String) throws {
        if PGLocation.isPostgres(storePath) {
            let lock = try PGRunLock(location: try PGLocation(parsing: storePath), command: command)
            path = lock.key
            fd = -1
            server = lock
            tookOverFrom = nil
            return
        }
        path = storePath + ".lock"
        fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            // Not "busy, try later": the directory is read-only, on read-only media, or full.
            throw StoreError(.cannotWrite, "cannot create the run lock \(path) (\(String(cString: strerror(errno)))): a writing command needs the store's directory writable by this user, on a file system mounted read-write and not full")
        }
        let previous = RunLock.readHolder(fd)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let err = errno
            Glibc.close(fd)
            if err == EWOULDBLOCK, let holder = previous {
                throw StoreError(.locked, "the store \(storePath) is in use by \(holder); try again when it finishes")
            }
            throw StoreError(.locked, "the store \(storePath) is locked by another process (\(String(cString: strerror(err))))")
        }
        // A holder still recorded although nobody holds the flock died without releasing.
        tookOverFrom = previous
        let stamp = ISO8601DateFormatter().string(from: Date())
        let text = "{\"pid\": \(getpid()), \"command\": \(RunLock.quote(command)), \"since\": \"\(stamp)\"}\n"
        ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    private static func quote(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func readHolder(_ fd: Int32) -> Holder? {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = pread(fd, &buf, buf.count, 0)
        guard n > 0, let obj = try? JSON.parse(bytes: Array(buf[0..<n])), let pid = obj["pid"]?.int else { return nil }
        return Holder(pid: Int32(pid), command: obj["command"]?.string ?? "?", since: obj["since"]?.string ?? "?")
    }

    /// Releases the lock (also done when the object goes away or the process dies).
    public func release() {
        server?.release()
        server = nil
        guard fd >= 0 else { return }
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        Glibc.close(fd)
        fd = -1
    }

    deinit { release() }
}
