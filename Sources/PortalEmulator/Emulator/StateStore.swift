import Foundation
import JournalModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `--state DIR` directory: `state.json`, rewritten after every change. It holds
/// pupils' personal data: the file is 0600 and a directory created here 0700.
struct StateStore: Sendable {
    let directory: String
    var file: String { directory + "/state.json" }

    /// Creates the directory (0700) if needed; an existing one keeps its mode.
    init(directory: String) throws(EmulatorError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw EmulatorError("--state \(directory): cannot create the directory: \(error.localizedDescription)")
        }
    }

    /// Whether a state was saved here (`state.json` exists).
    var hasState: Bool { FileManager.default.fileExists(atPath: file) }

    /// The saved АСУ РСО state, or nil when none was saved yet.
    func load() throws(EmulatorError) -> PortalState? {
        guard hasState else { return nil }
        return try PortalState.load(stateFile: file)
    }

    /// Saves the АСУ РСО state (see `write(_:)`).
    func save(_ state: PortalState) throws(EmulatorError) {
        try write(state.document(full: true))
    }

    /// Writes a temporary file and renames it over `state.json`, so a reader (or a
    /// restarted emulator) sees the old state or the new one, never half of one.
    /// Any emulator's state document goes through here.
    ///
    /// The temporary file is created afresh with mode 0600 (`O_EXCL`, after removing any
    /// left by a crash: neither its mode nor a symlink in its place is inherited), so
    /// `state.json` is 0600 from its first byte whatever the umask.
    func write(_ document: JSON) throws(EmulatorError) {
        let temp = file + ".tmp"
        let bytes = Array(document.serialized().utf8)
        unlink(temp)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw failure("cannot create state.json.tmp") }
        var written = 0
        let complete: Bool = bytes.withUnsafeBytes { p in
            guard fchmod(fd, 0o600) == 0 else { return false }
            while written < p.count {
                #if canImport(Glibc)
                let n = Glibc.write(fd, p.baseAddress! + written, p.count - written)
                #else
                let n = Darwin.write(fd, p.baseAddress! + written, p.count - written)
                #endif
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                written += n
            }
            return true
        }
        let closed = close(fd) == 0
        guard complete, closed, rename(temp, file) == 0 else {
            let error = failure("cannot write state.json")
            unlink(temp)
            throw error
        }
    }

    private func failure(_ what: String) -> EmulatorError {
        EmulatorError("--state \(directory): \(what): \(String(cString: strerror(errno))) (disk full or read-only?)")
    }
}
