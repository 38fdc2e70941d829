import Foundation
import Testing
@testable import Gateway
import JournalModel
import TestSupport

/// Issue 19, "done when": a generated school's period archived with a throwaway RSA key;
/// every PDF passes qpdf, gives back its pupils through pdftotext, has its fonts embedded as
/// subsets; every signature verifies with `openssl cms`; verify catches a changed byte, a
/// mark changed in the store after archiving, and a deleted copy.
@Suite(.serialized) struct ArchiveE2ETests {
    struct School {
        let dir: TempDir
        let store: String
        let school: String
        var key: String { dir.path("key.pem") }
        var cert: String { dir.path("cert.pem") }
    }

    /// 24 pupils, school year 2025/2026 (every period closed by now), one movement added.
    static func school(students: Int = 24) throws -> School {
        let dir = try TempDir(prefix: "archive")
        let out = dir.path("school")
        #expect(cli(["generate", "school", "--students", "\(students)", "--year", "2025", "--seed", "5", "--out", out], store: dir.path("unused.sqlite")).code == 0)
        let store = dir.path("journal.sqlite")
        #expect(cli(["init", "--school", "МБОУ «Школа № 122»", "--timezone", "Europe/Samara"], store: store).code == 0)
        #expect(cli(["journal", "import", out + "/pupils.jsonl"], store: store).code == 0)
        #expect(cli(["journal", "import", out + "/journal.jsonl"], store: store).code == 0)
        let key = dir.path("key.pem"), cert = dir.path("cert.pem")
        let made = try #require(try runTool("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                                        "-days", "30", "-subj", "/CN=Archive test", "-utf8"]), "openssl not installed")
        #expect(made.status == 0, "\(made.err)")
        return School(dir: dir, store: store, school: out)
    }

    static func lines(_ path: String) throws -> [JSON] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSON.parse(String($0)) }
    }

    @Test func buildSignVerifyAndCatchEveryChange() throws {
        let s = try Self.school()
        // A movement in the period, added to the journal.
        let pupils = try Self.lines(s.school + "/pupils.jsonl").filter { $0["type"]?.string == "student" }
        let mover = try #require(pupils.first { $0["class"]?.string == "cls-5А" } ?? pupils.first)
        let movement = s.dir.path("movement.jsonl")
        try #"{"type":"movement","id":"mv-1","student":"\#(mover["id"]!.string!)","kind":"arrival","date":"2025-09-15","to_class":"5А","details":"приказ № 17"}"#
            .write(toFile: movement, atomically: true, encoding: .utf8)
        #expect(cli(["journal", "import", movement], store: s.store).code == 0)

        let a = s.dir.path("A"), b = s.dir.path("B")
        let built = cli(["archive", "build", "--period", "1 четверть", "--out", a, "--copy-to", b,
                         "--sign-key", s.key, "--sign-cert", s.cert, "--json"], store: s.store)
        #expect(built.code == 0, "\(built.err)")
        let dir = a + "/2025-2026_1-четверть"
        let manifest = try JSON.parse(String(contentsOfFile: dir + "/manifest.json", encoding: .utf8))
        let allFiles = try #require(manifest["files"]?.array)
        let files = allFiles.filter { $0["kind"]?.string == "journal" }
        let classes = Set(pupils.compactMap { $0["class"]?.string })
        #expect(files.count == classes.count, "one file per class with pupils")
        #expect(allFiles.count == 2 * classes.count, "and one summary sheet per class")

        // Independent figures: the marks of 1 четверть per class, counted from journal.jsonl.
        let journal = try Self.lines(s.school + "/journal.jsonl")
        let period = try #require(journal.first { $0["type"]?.string == "period" && $0["name"]?.string == "1 четверть" })
        let (start, end) = (period["start_date"]!.string!, period["end_date"]!.string!)
        var lessonClass: [String: String] = [:]
        for l in journal where l["type"]?.string == "lesson" {
            if let d = l["date"]?.string, d >= start, d <= end { lessonClass[l["id"]!.string!] = l["class"]!.string! }
        }
        var marksPerClass: [String: Int] = [:]
        for m in journal where m["type"]?.string == "mark" {   // a point without a value shows as «.»
            if let c = lessonClass[m["lesson"]?.string ?? ""] { marksPerClass[c, default: 0] += 1 }
        }

        for f in files {
            let name = try #require(f["name"]?.string)
            let path = dir + "/" + name
            let className = try #require(f["class"]?.string)
            #expect(name == "2025-2026_1-четверть_\(className).pdf")
            #expect(f["records"]?["marks"]?.int == marksPerClass["cls-" + className, default: 0], "\(name)")
            let check = try #require(try runTool("qpdf", ["--check", path]), "qpdf not installed")
            #expect(check.status == 0, "\(name): \(check.out)")
            let sig = try #require(try runTool("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", path + ".sig",
                                                           "-content", path, "-CAfile", s.cert, "-out", "/dev/null"]))
            #expect(sig.status == 0, "\(name).sig: \(sig.err)")
            let fonts = try #require(try runTool("pdffonts", [path]))
            for line in fonts.out.split(separator: "\n").dropFirst(2) {
                #expect(line.contains("CID TrueType") && line.contains(" yes yes yes "), "\(name): \(line)")
            }
            // The pupils of the class, by full name, as the list gave them.
            let text = try #require(try runTool("pdftotext", ["-layout", "-enc", "UTF-8", path, "-"])).out
            for p in pupils where p["class"]?.string == "cls-" + className {
                let full = [p["surname"]?.string, p["name"]?.string, p["patronymic"]?.string].compactMap { $0 }.joined(separator: " ")
                #expect(text.contains(full), "\(name) lacks \(full)")
            }
            #expect(text.contains("стр. 1 из "))
        }
        let msig = try #require(try runTool("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", dir + "/manifest.json.sig",
                                                        "-content", dir + "/manifest.json", "-noverify", "-out", "/dev/null"]))
        #expect(msig.status == 0, "\(msig.err)")
        let moverClass = String(mover["class"]!.string!.dropFirst(4))
        let moverText = try #require(try runTool("pdftotext", ["-layout", dir + "/2025-2026_1-четверть_\(moverClass).pdf", "-"])).out
        #expect(moverText.contains("приказ № 17") && moverText.contains("прибыл(а)"))

        // Byte-stable: a second build of the same journal gives the same PDFs.
        let again = s.dir.path("again")
        #expect(cli(["archive", "build", "--period", "1 четверть", "--out", again], store: s.store).code == 0)
        for f in allFiles {
            let n = f["name"]!.string!
            #expect(FileManager.default.contents(atPath: dir + "/" + n) == FileManager.default.contents(atPath: again + "/2025-2026_1-четверть/" + n))
        }
        // Files hold personal data: 0600.
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/" + files[0]["name"]!.string!)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        #expect(cli(["archive", "verify", a, b], store: s.store).code == 0)

        // The chain: 2 четверть names 1 четверть's manifest by its hash.
        #expect(cli(["archive", "build", "--period", "2 четверть", "--out", a, "--copy-to", b, "--sign-key", s.key, "--sign-cert", s.cert], store: s.store).code == 0)
        let second = try JSON.parse(String(contentsOfFile: a + "/2025-2026_2-четверть/manifest.json", encoding: .utf8))
        let firstBytes = try #require(FileManager.default.contents(atPath: dir + "/manifest.json"))
        let digest = try #require(try runTool("sha256sum", [dir + "/manifest.json"])).out.prefix(64)
        #expect(second["previousManifest"]?["sha256"]?.string == String(digest))
        #expect(firstBytes.count > 0)
        #expect(cli(["archive", "verify", a, b], store: s.store).code == 0)

        // A one-byte change to a PDF in the copy.
        let victim = b + "/2025-2026_1-четверть/" + files[0]["name"]!.string!
        var bytes = try #require(FileManager.default.contents(atPath: victim))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: victim))
        let flipped = cli(["archive", "verify", b], store: s.store)
        #expect(flipped.code == 65)
        #expect(flipped.err.contains(files[0]["name"]!.string! + ": SHA-256 differs"), "\(flipped.err)")
        #expect(flipped.err.contains(files[0]["name"]!.string! + ".sig: the signature does not match"), "\(flipped.err)")
        let twins = cli(["archive", "verify", a, b], store: s.store)
        #expect(twins.code == 65 && twins.err.contains("differs from"), "\(twins.err)")

        // A deleted copy.
        try FileManager.default.removeItem(atPath: victim)
        let deleted = cli(["archive", "verify", a, b], store: s.store)
        #expect(deleted.code == 65 && deleted.err.contains("missing from the copy"), "\(deleted.err)")

        // A mark changed in the store after archiving.
        let target = try #require(journal.first { m in
            m["type"]?.string == "mark" && m["value"]?.string == "5" && lessonClass[m["lesson"]?.string ?? ""] != nil
        })
        var changed = target.serialized()
        changed = changed.replacingOccurrences(of: #""value":"5""#, with: #""value":"2""#)
        let edit = s.dir.path("edit.jsonl")
        try changed.write(toFile: edit, atomically: true, encoding: .utf8)
        #expect(cli(["journal", "import", edit], store: s.store).code == 0)
        let cls = String(lessonClass[target["lesson"]!.string!]!.dropFirst(4))
        let report = cli(["archive", "verify", a], store: s.store)
        #expect(report.code == 65)
        #expect(report.err.contains("2025-2026_1-четверть_\(cls).pdf: ") && report.err.contains("changed in the journal after archiving"), "\(report.err)")

        // Retention: journals are kept 5 years from the end of the school year.
        let yearEnd = try #require(journal.first { $0["type"]?.string == "year" }?["end_date"]?.string)
        let keptUntil = "\(Int(yearEnd.prefix(4))! + 5)" + yearEnd.dropFirst(4)
        let none = cli(["archive", "retention", a, "--today", keptUntil], store: s.store)
        #expect(none.code == 0 && none.out.isEmpty, "\(none.out)")
        let dayAfter = "\(Int(yearEnd.prefix(4))! + 5)-12-31"
        let expired = cli(["archive", "retention", a, "--today", String(dayAfter)], store: s.store)
        #expect(expired.code == 0)
        #expect(expired.out.split(separator: "\n").filter { $0.hasSuffix(".pdf") }.count == files.count * 2)
        #expect(FileManager.default.fileExists(atPath: dir + "/" + files[0]["name"]!.string!), "retention never deletes")

        // The chain: without the first manifest, the second's link is broken.
        try FileManager.default.removeItem(atPath: dir + "/manifest.json")
        let broken = cli(["archive", "verify", a], store: s.store)
        #expect(broken.code == 65 && broken.err.contains("2025-2026_1-четверть/manifest.json is missing (chain broken)"), "\(broken.err)")
    }

    @Test func nothingIsWrittenWhenTheCopyCannotBeMadeAndDryRunWritesNothing() throws {
        let s = try Self.school()
        let a = s.dir.path("A"), blocked = s.dir.path("blocked")
        try Data("a file, not a directory".utf8).write(to: URL(fileURLWithPath: blocked))
        let r = cli(["archive", "build", "--period", "1 четверть", "--out", a, "--copy-to", blocked], store: s.store)
        #expect(r.code == 73, "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: a + "/2025-2026_1-четверть/manifest.json"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: a + "/2025-2026_1-четверть")) ?? []).isEmpty)

        let dry = cli(["archive", "build", "--period", "1 четверть", "--out", s.dir.path("D"), "--dry-run", "--json"], store: s.store)
        #expect(dry.code == 0, "\(dry.err)")
        let listed = try JSON.parse(dry.out)["files"]?.array ?? []
        #expect(!listed.isEmpty && listed.allSatisfy { ($0["size"]?.int ?? 0) > 10_000 })
        #expect(!FileManager.default.fileExists(atPath: s.dir.path("D")))
    }

    @Test func anOpenPeriodIsRefused() throws {
        let s = try Self.school()
        let r = cli(["archive", "build", "--period", "1 четверть", "--out", s.dir.path("A"), "--today", "2025-10-01"], store: s.store)
        #expect(r.code == 65 && r.err.contains("not closed"), "\(r.err)")
        let unknown = cli(["archive", "build", "--period", "5 четверть", "--out", s.dir.path("A")], store: s.store)
        #expect(unknown.code == 64, "\(unknown.err)")
    }
}
