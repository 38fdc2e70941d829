import Foundation
import Testing
@testable import PortalEmulator
#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// F10: `--state` holds pupils' personal data: its files are 0600 whatever the umask, an
/// older 0644 file or a stale temporary file left by a crash.
struct StateFileModeTests {
    static func mode(_ path: String) -> mode_t? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return st.st_mode & 0o7777
    }

    @Test func asuRSOStateFileIsPrivate() throws {
        let dir = try TempDir()
        let e = try startEmulator { $0.stateDir = dir.path }
        defer { e.stop() }
        let c = PortalClient(e)
        _ = try c.batch([obj(["op": "upsertAttendance", "key": "a", "classmeetingId": 777068, "studentId": 9011,
                              "code": "ОП", "baseVer": nil])], key: "mode-1")
        #expect(Self.mode(dir.path + "/state.json") == 0o600)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/state.json.tmp"))
    }

    @Test func eposStateFileIsPrivate() throws {
        let dir = try TempDir()
        let e = try startEPOS { $0.stateDir = dir.path }
        defer { e.stop() }
        #expect(Self.mode(dir.path + "/state.json") == 0o600)
    }

    @Test func aNewStateDirectoryIsPrivateToo() throws {
        let parent = try TempDir()
        let dir = parent.path + "/state"
        let e = try startEPOS { $0.stateDir = dir }
        defer { e.stop() }
        #expect(Self.mode(dir) == 0o700)
        #expect(Self.mode(dir + "/state.json") == 0o600)
    }

    @Test func anOlderWorldReadableFileAndAStaleTemporaryFileDoNotLeakTheirMode() throws {
        let dir = try TempDir()
        let store = try StateStore(directory: dir.path)
        try store.write(.object([("v", .int(1))]))
        chmod(store.file, 0o644)
        // A temporary file left by a crash, world-readable, even a symlink to elsewhere.
        let elsewhere = dir.path + "/elsewhere"
        FileManager.default.createFile(atPath: elsewhere, contents: Data("keep".utf8), attributes: [.posixPermissions: 0o644])
        symlink(elsewhere, store.file + ".tmp")

        try store.write(.object([("v", .int(2))]))
        #expect(Self.mode(store.file) == 0o600)
        #expect(try String(contentsOfFile: store.file, encoding: .utf8) == #"{"v":2}"#)
        #expect(try String(contentsOfFile: elsewhere, encoding: .utf8) == "keep", "the symlink was not written through")
    }
}
