import Foundation

/// `archive build` of the first period for the whole school (issue 19): every class's journal
/// as PDF/A, signed with a throwaway RSA key (made by `openssl req`, untimed) when openssl is
/// installed. Reports the files' total size and the largest class file on stderr.
struct ArchivePeriodStage: Benchmark {
    let name = "archive"

    func setUp(_ ctx: BenchContext) throws {
        _ = try importedStore(ctx)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ctx.work + "/key.pem",
                       "-out", ctx.work + "/cert.pem", "-days", "30", "-subj", "/CN=gateway-bench archive"]
        p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") { try p.run(); p.waitUntilExit() }
    }

    func run(_ ctx: BenchContext) throws -> Int {
        let out = ctx.work + "/archive"
        var args = ["--store", ctx.work + "/store.sqlite", "archive", "build", "--period", "1 четверть", "--out", out]
        if FileManager.default.fileExists(atPath: ctx.work + "/cert.pem") {
            args += ["--sign-key", ctx.work + "/key.pem", "--sign-cert", ctx.work + "/cert.pem"]
        }
        try gateway(args)
        let fm = FileManager.default
        let dirs = try fm.contentsOfDirectory(atPath: out)
        guard let dir = dirs.first.map({ out + "/" + $0 }) else { throw BenchError("archive: nothing written") }
        let pdfs = try fm.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".pdf") }
        guard !pdfs.isEmpty else { throw BenchError("archive: no PDF written") }
        var total = 0, largest = (name: "", size: 0)
        for f in pdfs {
            let size = (try fm.attributesOfItem(atPath: dir + "/" + f)[.size] as? Int) ?? 0
            total += size
            if size > largest.size { largest = (f, size) }
        }
        FileHandle.standardError.write(Data("archive: \(pdfs.count) class files, \(total) bytes in all, largest \(largest.name) \(largest.size) bytes, mean \(total / pdfs.count)\n".utf8))
        return pdfs.count
    }
}
