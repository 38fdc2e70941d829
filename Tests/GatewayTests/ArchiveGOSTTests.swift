import Foundation
import Testing
import JournalModel
import TestSupport

/// ГОСТ Р 34.10-2012 signatures and Стрибог-256 hashes when Debian's gost engine is
/// installed (`libengine-gost-openssl`, which .ci/run installs): the engine is configured by an
/// OpenSSL config file, so the real binary runs in a process of its own with OPENSSL_CONF.
@Suite(.serialized) struct ArchiveGOSTTests {
    static let engine = ["/usr/lib/x86_64-linux-gnu/engines-3/gost.so", "/usr/lib/aarch64-linux-gnu/engines-3/gost.so"]
        .first { FileManager.default.fileExists(atPath: $0) }

    @Test(.enabled(if: engine != nil, "libengine-gost-openssl is not installed"))
    func gostKeySignsAndStreebogIsListed() async throws {
        let s = try ArchiveE2ETests.school()
        let conf = s.dir.path("gost.cnf")
        try """
        openssl_conf = openssl_def
        [openssl_def]
        engines = engine_section
        [engine_section]
        gost = gost_section
        [gost_section]
        engine_id = gost
        dynamic_path = \(Self.engine!)
        default_algorithms = ALL
        """.write(toFile: conf, atomically: true, encoding: .utf8)
        let env = ["OPENSSL_CONF": conf]
        let key = s.dir.path("gost-key.pem"), cert = s.dir.path("gost-cert.pem")
        setenv("OPENSSL_CONF", conf, 1)   // for the openssl tool below (the test process never loads its config again)
        defer { unsetenv("OPENSSL_CONF") }
        let gen = try #require(try runTool("openssl", ["genpkey", "-algorithm", "gost2012_256", "-pkeyopt", "paramset:A", "-out", key]))
        #expect(gen.status == 0, "\(gen.err)")
        let req = try #require(try runTool("openssl", ["req", "-x509", "-new", "-key", key, "-out", cert, "-days", "30",
                                                       "-subj", "/CN=GOST archive test", "-md_gost12_256"]))
        #expect(req.status == 0, "\(req.err)")

        let out = s.dir.path("A")
        let pid = try spawnBinary(["--store", s.store, "archive", "build", "--period", "1 четверть", "--out", out,
                                   "--sign-key", key, "--sign-cert", cert], environment: env,
                                  out: s.dir.path("out.txt"), err: s.dir.path("err.txt"))
        let end = await waitChild(pid)
        #expect(end.status == 0, "\((try? String(contentsOfFile: s.dir.path("err.txt"), encoding: .utf8)) ?? "")")
        let dir = out + "/2025-2026_1-четверть"
        let manifest = try JSON.parse(String(contentsOfFile: dir + "/manifest.json", encoding: .utf8))
        #expect(manifest["hashes"]?.array?.compactMap(\.string) == ["sha256", "streebog256"])
        for f in manifest["files"]?.array ?? [] {
            let path = dir + "/" + f["name"]!.string!
            let dgst = try #require(try runTool("openssl", ["dgst", "-md_gost12_256", "-r", path]))
            #expect(f["streebog256"]?.string == String(dgst.out.prefix(64)), "\(path)")
            let v = try #require(try runTool("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", path + ".sig",
                                                         "-content", path, "-CAfile", cert, "-out", "/dev/null"]))
            #expect(v.status == 0, "\(path).sig: \(v.err)")
            let printed = try #require(try runTool("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", path + ".sig"]))
            #expect(printed.out.contains("1.2.643.7.1.1.1.1"), "a ГОСТ Р 34.10-2012 signature")
        }
        let vpid = try spawnBinary(["--store", s.store, "archive", "verify", out], environment: env,
                                   out: s.dir.path("vout.txt"), err: s.dir.path("verr.txt"))
        #expect(await waitChild(vpid).status == 0, "\((try? String(contentsOfFile: s.dir.path("verr.txt"), encoding: .utf8)) ?? "")")
    }
}
