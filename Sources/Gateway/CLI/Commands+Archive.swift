import Foundation
import JournalModel
import JournalStore
import PDF

extension CLI {
    static let archiveCommands: [Command] = [archiveBuildCommand, archiveVerifyCommand, archiveRetentionCommand]

    static let archiveBuildCommand = Command(
        words: ["archive", "build"],
        summary: CommandText.archiveBuild.says(),
        usage: "archive build (--period NAME | --year) --out DIR [--copy-to DIR2] [--sign-key KEY --sign-cert CERT] [--sign-pass-file F] [--font FILE.ttf] [--today DATE] [--dry-run] [--json]",
        options: ["--period", "--out", "--copy-to", "--sign-key", "--sign-cert", "--sign-pass-file", "--font", "--today"],
        flags: ["--year", "--dry-run", "--json"]
    ) { a, ctx in
        let scope: ArchiveScope
        switch (a.option("--period"), a.flag("--year")) {
        case (let p?, false): scope = .period(p)
        case (nil, true): scope = .year
        default: throw GatewayError.usage(.giveEither, ["first": "--period NAME", "second": "--year"])
        }
        let out = try a.required("--out")
        let password = try a.option("--sign-pass-file").map { f -> String in
            guard let s = try? String(contentsOfFile: f, encoding: .utf8) else { throw GatewayError.usage(.signPass, ["path": f]) }
            return s.trimmingCharacters(in: .newlines)
        }
        var signer: CMSSigner?
        switch (a.option("--sign-key"), a.option("--sign-cert")) {
        case (nil, nil): signer = nil
        case (let k?, let c):
            do { signer = try CMSSigner(keyPath: k, certPath: c, password: password) } catch let e as ArchiveCryptoError {
                throw GatewayError.usage(e.message)
            }
        case (nil, _?): throw GatewayError.usage(.signCertNeedsKey)
        }
        let fonts: [TrueTypeFont]
        do { fonts = try FontLocator.load(override: a.option("--font")) } catch let e as PDFError {
            throw e
        }
        let store = try ctx.openStore()
        let today = try a.option("--today").map { d -> String in
            guard CivilDate(iso: d) != nil else { throw GatewayError.usage(.takesDate, ["option": "--today", "value": d]) }
            return d
        } ?? store.today.description
        let builder = ArchiveBuilder(store: store, fonts: fonts, signer: signer, today: today)
        let period = try builder.resolve(scope)
        if a.flag("--dry-run") {
            let documents = try builder.documents(for: period)
            let lines = documents.map { "would write \(out)/\(ArchiveBuilder.stem(period))/\($0.name) (\($0.pdf.count) bytes)" }
            if a.flag("--json") {
                ctx.console.out(JSON.object([("directory", .string(out + "/" + ArchiveBuilder.stem(period))),
                                             ("files", .array(documents.map { .object([("name", .string($0.name)), ("size", .int($0.pdf.count))]) }))]).pretty())
            } else { lines.forEach(ctx.console.out) }
            return ExitCode.ok
        }
        let result = try builder.build(period, out: out, copyTo: a.option("--copy-to")) { ctx.console.progress($0) }
        ctx.console.progressDone()
        let total = result.files.reduce(0) { $0 + $1.size }
        let sheets = result.files.filter { $0.name.hasSuffix(ArchiveSummarySheets.suffix) }.count
        if a.flag("--json") {
            ctx.console.out(JSON.object([
                ("directory", .string(result.directory)), ("period", .string(period.name)), ("year", .string(period.yearName)),
                ("files", .array(result.files.map { .object([("name", .string($0.name)), ("size", .int($0.size))]) })),
                ("totalBytes", .int(total)), ("signed", .bool(signer != nil)), ("manifestSHA256", .string(result.manifestSHA256)),
            ]).pretty())
        } else {
            ctx.console.out(ResultText.archived.text(ctx.language, ["period": period.name, "year": period.yearName, "journals": "\(result.files.count - sheets)",
                                                                    "sheets": "\(sheets)", "bytes": "\(total)", "directory": result.directory])
                            + (signer == nil ? ResultText.unsigned : ResultText.signed).text(ctx.language))
        }
        return ExitCode.ok
    }

    static let archiveVerifyCommand = Command(
        words: ["archive", "verify"],
        summary: CommandText.archiveVerify.says(),
        usage: "archive verify DIR [DIR2] [--json]",
        options: [], flags: ["--json"]
    ) { a, ctx in
        guard (1...2).contains(a.positionals.count) else { throw GatewayError.usage(.verifyDirs) }
        let store = JournalStore.mayExist(at: ctx.storePath) ? try ctx.openStore() : nil
        let report = try ArchiveVerifier(store: store).verify(a.positionals[0], copy: a.positionals.count == 2 ? a.positionals[1] : nil)
        if a.flag("--json") {
            ctx.console.out(JSON.object([("ok", .bool(report.problems.isEmpty)), ("manifests", .int(report.manifests)), ("files", .int(report.files)),
                                         ("problems", .array(report.problems.map(JSON.string))), ("notes", .array(report.notes.map(JSON.string)))]).pretty())
        } else {
            report.notes.forEach { ctx.console.err("note: " + $0) }
        }
        guard report.problems.isEmpty else {
            throw GatewayError.badInput(.archiveDiscrepancies, ["n": "\(report.problems.count)"],
                                        details: report.problems)
        }
        if !a.flag("--json") { ctx.console.out(ResultText.verified.text(ctx.language, ["manifests": "\(report.manifests)", "files": "\(report.files)"])) }
        return ExitCode.ok
    }

    static let archiveRetentionCommand = Command(
        words: ["archive", "retention"],
        summary: CommandText.archiveRetention.says(),
        usage: "archive retention DIR [--today DATE] [--json]",
        options: ["--today"], flags: ["--json"]
    ) { a, ctx in
        guard a.positionals.count == 1 else { throw GatewayError.usage(.takesOne, ["command": "archive retention", "what": "DIR"]) }
        let today = try a.option("--today").map { d -> String in
            guard CivilDate(iso: d) != nil else { throw GatewayError.usage(.takesDate, ["option": "--today", "value": d]) }
            return d
        } ?? ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        let paths = try ArchiveRetention.expired(a.positionals[0], today: today)
        if a.flag("--json") { ctx.console.out(JSON.array(paths.map(JSON.string)).pretty()) } else { paths.forEach(ctx.console.out) }
        return ExitCode.ok
    }
}
