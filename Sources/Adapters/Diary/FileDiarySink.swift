import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `--out DIR`: each batch as `batch-<number>.json` (`batch-000001.json`, …), written whole
/// (temporary file, then rename) and readable by the owner only. A batch written again
/// after an interruption has the same number, so it replaces the file it had begun; the
/// portal drops repeated event ids in any case.
public struct FileDiarySink: DiarySink {
    public let directory: String

    public init(directory: String) throws {
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch { throw DiaryPortalError(.outputDirectory, "--out \(directory): cannot create the directory: \(error.localizedDescription)") }
        } else if !isDir.boolValue {
            throw DiaryPortalError(.outputDirectory, "--out \(directory) is a file, not a directory")
        }
        self.directory = directory
    }

    public var target: String { directory }

    public func send(_ batch: DiaryBatch) throws -> DiaryBatchAnswer {
        let name = "batch-" + String(format: "%06d", batch.number) + ".json"
        let path = directory + "/" + name
        let tmp = path + ".part"
        guard FileManager.default.createFile(atPath: tmp, contents: batch.body, attributes: [.posixPermissions: 0o600]) else {
            throw DiaryPortalError(.cannotWrite, "cannot write \(tmp)")
        }
        guard rename(tmp, path) == 0 else {
            throw DiaryPortalError(.cannotWrite, "cannot move \(tmp) to \(path): \(String(cString: strerror(errno)))")
        }
        return DiaryBatchAnswer(accepted: batch.events.map(\.id))
    }
}
