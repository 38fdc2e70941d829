import Foundation
import JournalModel
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
    func write(_ document: JSON) throws(EmulatorError) {
        let temp = file + ".tmp"
        let bytes = Data(document.serialized().utf8)
        guard FileManager.default.createFile(atPath: temp, contents: bytes), rename(temp, file) == 0 else {
            throw EmulatorError("--state \(directory): cannot write state.json (disk full or read-only?)")
        }
    }
}
