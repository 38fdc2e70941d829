import Foundation
import JournalModel
import JournalStore

extension CLI {
    static let reportCommands: [Command] = [
        Command(words: ["report"],
                summary: CommandText.report.says(),
                usage: "report NAME [--class 5А | --grade 5 | --all] [--period NAME | --year] [--date YYYY-MM-DD] [--from D --to D] "
                    + "[--by pupils|marks] [--format xlsx|html|csv|json] [--out FILE] [--dry-run]",
                options: ["--class", "--grade", "--period", "--date", "--from", "--to", "--by", "--format", "--out"],
                flags: ["--all", "--year", "--dry-run"]) { a, ctx in
            let request = try reportRequest(a)
            let format = try reportFormat(a)
            let out = a.option("--out")
            if format == .xlsx && out == nil { throw GatewayError.usage(.xlsxNeedsOut) }
            let store = try ctx.openStore()
            let started = Date()
            let showProgress = request.scope == .all && ctx.console.isTerminal
            let report = try ReportRunner.run(request, store: store, calendarDirectory: Resources.mappings(ctx.environment) + "/calendar",
                                              progress: { if showProgress { ctx.console.progress($0) } })
            if showProgress { ctx.console.progressDone() }
            let data = try report.rendered(format)
            guard let out else {
                ctx.console.out(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines))
                return ExitCode.ok
            }
            let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
            if a.flag("--dry-run") {
                ctx.console.err("Would write \(request.name.rawValue) (\(format.rawValue), \(data.count) bytes) to \(out); computed in \(seconds) s.")
                return ExitCode.ok
            }
            try ReportFile.write(data, to: out)
            ctx.console.err("Wrote \(request.name.rawValue) (\(format.rawValue), \(data.count) bytes) to \(out) in \(seconds) s.")
            return ExitCode.ok
        },
    ]

    static func reportRequest(_ a: Arguments) throws -> ReportRequest {
        guard a.positionals.count == 1 else {
            throw GatewayError.usage(.reportOne, ["reports": ReportName.allCases.map(\.rawValue).joined(separator: ", ")])
        }
        guard let name = ReportName(rawValue: a.positionals[0]) else {
            throw GatewayError.usage(.unknownReport, ["name": a.positionals[0], "reports": ReportName.allCases.map(\.rawValue).joined(separator: ", ")])
        }
        var r = ReportRequest(name: name)
        let scopes = [a.option("--class") != nil, a.option("--grade") != nil, a.flag("--all")].filter { $0 }.count
        guard scopes <= 1 else { throw GatewayError.usage(.reportScope) }
        if let c = a.option("--class") { r.scope = .classNamed(c) }
        if let g = try a.int("--grade") {
            guard (1...11).contains(g) else { throw GatewayError.usage(.grade, ["value": "\(g)"]) }
            r.scope = .grade(g)
        }
        guard !(a.option("--period") != nil && a.flag("--year")) else { throw GatewayError.usage(.periodOrYear) }
        if let p = a.option("--period") { r.period = .named(p) }
        if a.flag("--year") { r.period = .year }
        func date(_ opt: String) throws -> CivilDate? {
            guard let s = a.option(opt) else { return nil }
            guard let d = CivilDate(iso: s) ?? CivilDate(russian: s) else { throw GatewayError.usage(.takesDate, ["option": opt, "value": s]) }
            return d
        }
        r.date = try date("--date")
        r.from = try date("--from")
        r.to = try date("--to")
        guard (r.from == nil) == (r.to == nil) else { throw GatewayError.usage(.fromTo) }
        if let f = r.from, let t = r.to {
            guard f <= t else { throw GatewayError.usage(.fromAfterTo, ["from": "\(f)", "to": "\(t)"]) }
            guard a.option("--period") == nil && !a.flag("--year") else { throw GatewayError.usage(.datesOrPeriod) }
            guard name != .summaryMarks && name != .quality else {
                throw GatewayError.usage(.finalsNeedPeriod, ["name": name.rawValue])
            }
        }
        if let by = a.option("--by") {
            guard let b = QualityReport.Basis(rawValue: by) else { throw GatewayError.usage(.by, ["value": by]) }
            guard name == .quality else { throw GatewayError.usage(.byQuality) }
            r.basis = b
        }
        return r
    }

    /// `--format`, else the extension of `--out`, else json.
    static func reportFormat(_ a: Arguments) throws -> ReportFormat {
        if let f = a.option("--format") {
            guard let v = ReportFormat(rawValue: f.lowercased()) else { throw GatewayError.usage(.format, ["value": f]) }
            return v
        }
        if let out = a.option("--out"), let v = ReportFormat(rawValue: (out as NSString).pathExtension.lowercased()) { return v }
        if let out = a.option("--out"), (out as NSString).pathExtension.lowercased() == "htm" { return .html }
        return .json
    }
}

/// Writes a report file whole or not at all: a temporary name beside it (0600: reports name
/// pupils), fsync, rename, fsync of the directory.
enum ReportFile {
    static func write(_ data: Data, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let tmp = path + ".part-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw OutputError(.write, path: tmp, reason: String(cString: strerror(errno)))
        }
        var ok = data.withUnsafeBytes { buf -> Bool in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { return false }
                off += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        let err = errno
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            let e = ok ? errno : err
            unlink(tmp)
            throw OutputError(.write, path: path, reason: String(cString: strerror(e)))
        }
        let dfd = open(dir, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }
}
