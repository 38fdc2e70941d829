import Foundation
import JournalModel
import JournalStore

/// The inbox: each list the secretary dropped there is imported (`import contingent`), then
/// moved to `done/`, or to `failed/` with `NAME.error.txt` beside it saying why.
enum InboxStep {
    static let run: @Sendable (NightContext) -> NightStepResult = { n in
        guard let inbox = n.config.inbox else { return NightStepResult(exitCode: 0, summary: .object([])) }
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: inbox, isDirectory: &isDir), isDir.boolValue else {
            return NightStepResult(exitCode: ExitCode.usage, summary: .object([("error", .string("the inbox \(inbox) is not a folder: create it (the secretary drops class lists there)"))]))
        }
        // Lists only: hidden files and files still being copied (`.part`, `.tmp`) wait.
        let names = ((try? fm.contentsOfDirectory(atPath: inbox)) ?? []).filter { name in
            var d: ObjCBool = false
            return !name.hasPrefix(".") && !name.hasSuffix(".part") && !name.hasSuffix(".tmp")
                && fm.fileExists(atPath: inbox + "/" + name, isDirectory: &d) && !d.boolValue
        }.sorted()
        var files: [JSON] = []
        var codes: [Int32] = []
        for name in names {
            let path = inbox + "/" + name
            let r = n.runCommand(["import", "contingent"], positionals: [path], step: "import inbox")
            codes.append(r.code)
            let target = r.code == 0 ? "done" : "failed"
            if n.dryRun {
                files.append(.object([("file", .string(name)), ("exit_code", .int(Int(r.code))), ("would_move_to", .string(target)), ("result", r.summary)]))
                continue
            }
            var moved: String? = inbox + "/" + target + "/" + name
            do {
                try fm.createDirectory(atPath: inbox + "/" + target, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                if fm.fileExists(atPath: moved!) {
                    moved = inbox + "/" + target + "/" + stamped(name, n.now)
                }
                try fm.moveItem(atPath: path, toPath: moved!)
                if r.code != 0 {
                    let why = (r.errors.isEmpty ? ["exit \(r.code)"] : r.errors).joined(separator: "\n") + "\n"
                    _ = fm.createFile(atPath: moved! + ".error.txt", contents: Data(why.utf8), attributes: [.posixPermissions: 0o600])
                }
            } catch {
                n.log.event("error", step: "import inbox", "cannot move \(name) to \(target)/: \(error)")
                codes.append(ExitCode.cannotCreate)
                moved = nil
            }
            files.append(.object([("file", .string(name)), ("exit_code", .int(Int(r.code))),
                                  ("moved_to", moved.map(JSON.string) ?? .null), ("result", r.summary)]))
        }
        return NightStepResult(exitCode: Urgency.worst(codes), summary: .object([
            ("files", .array(files)), ("imported", .int(codes.filter { $0 == 0 }.count)), ("failed", .int(codes.filter { $0 != 0 }.count))]))
    }

    /// `list.csv` → `list-20261203T013000.csv`, so a list of the same name never overwrites one kept.
    static func stamped(_ name: String, _ now: Date) -> String {
        let stamp = JournalStore.timestamp(now).filter { $0.isNumber || $0 == "T" }.prefix(15)
        let ext = (name as NSString).pathExtension
        let base = (name as NSString).deletingPathExtension
        return ext.isEmpty ? "\(base)-\(stamp)" : "\(base)-\(stamp).\(ext)"
    }
}
