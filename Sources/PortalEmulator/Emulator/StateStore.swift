import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `--state DIR` directory: `state.json`, rewritten after every change.
struct StateStore: Sendable {
    let directory: String
    var file: String { directory + "/state.json" }

    /// Creates the directory if needed.
    init(directory: String) throws(EmulatorError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw EmulatorError("--state \(directory): cannot create the directory: \(error.localizedDescription)")
        }
    }

    /// The saved state, or nil when none was saved yet.
    func load() throws(EmulatorError) -> PortalState? {
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        return try PortalState.load(stateFile: file)
    }

    /// Writes a temporary file and renames it over `state.json`, so a reader (or a
    /// restarted emulator) sees the old state or the new one, never half of one.
    func save(_ state: PortalState) throws(EmulatorError) {
        let temp = file + ".tmp"
        let bytes = Data(state.document(full: true).serialized().utf8)
        guard FileManager.default.createFile(atPath: temp, contents: bytes), rename(temp, file) == 0 else {
            throw EmulatorError("--state \(directory): cannot write state.json (disk full or read-only?)")
        }
    }
}
