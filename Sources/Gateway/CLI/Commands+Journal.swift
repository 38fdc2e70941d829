import Foundation
import JournalModel
import JournalStore

extension CLI {
    static let journalCommands: [Command] = [
        Command(words: ["journal", "import"], summary: CommandText.journalImport.says(),
                usage: "journal import FILE [--dry-run] [--json]", flags: ["--dry-run", "--json"]) { a, ctx in
            guard a.positionals.count == 1 else { throw GatewayError.usage(.takesOne, ["command": "journal import", "what": "FILE"]) }
            let dry = a.flag("--dry-run")
            return try ctx.withLockedStore("journal import") { store in
                let run = RunRecord(counterpart: "journal", command: "journal import")
                let result = try JournalImporter(store: store, origin: Origin(source: "journal-import", runID: run.id))
                    .run(path: a.positionals[0], dryRun: dry)
                if !dry { try run.save(store, status: "ok", summary: result.json(boundLimit: 100)) }
                for w in result.warnings { ctx.console.err("warning: " + w) }
                if a.flag("--json") {
                    var j = result.json()
                    if case .object(var p) = j { p.insert(("dry_run", .bool(dry)), at: 0); j = .object(p) }
                    ctx.console.out(j.pretty())
                } else {
                    let t = result.total
                    ctx.console.out((dry ? ResultText.wouldImport : ResultText.imported).text(ctx.language, [
                        "n": "\(result.lines)", "file": a.positionals[0], "created": "\(t.created)", "updated": "\(t.updated)",
                        "unchanged": "\(t.unchanged)", "deleted": "\(t.deleted)"]))
                    if let line = result.boundLine(dryRun: dry) { ctx.console.out(line) }
                }
                return ExitCode.ok
            }
        },
        Command(words: ["journal", "export"], summary: CommandText.journalExport.says(),
                usage: "journal export [--since SEQ] [--out FILE]", options: ["--since", "--out"]) { a, ctx in
            let store = try ctx.openStore()
            let since = try a.int("--since")
            if let out = a.option("--out") {
                let tmp = out + ".part"
                FileManager.default.createFile(atPath: tmp, contents: nil, attributes: [.posixPermissions: 0o600])
                guard let h = FileHandle(forWritingAtPath: tmp) else {
                    throw OutputError(.write, path: tmp)
                }
                var buffer = Data()
                let n = try JournalExporter(store: store).run(since: since) { line in
                    buffer.append(contentsOf: line.utf8); buffer.append(0x0A)
                    if buffer.count > 1 << 20 { h.write(buffer); buffer.removeAll(keepingCapacity: true) }
                }
                h.write(buffer)
                try h.close()
                guard rename(tmp, out) == 0 else { throw OutputError(.rename(to: out), path: tmp, reason: String(cString: strerror(errno))) }
                ctx.console.err("Wrote \(n) records to \(out).")
            } else {
                _ = try JournalExporter(store: store).run(since: since) { ctx.console.out($0) }
            }
            return ExitCode.ok
        },
    ]
}
