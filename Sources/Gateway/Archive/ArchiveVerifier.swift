import Foundation
import JournalModel
import JournalStore

/// `archive verify`: every signature and hash, the manifest chain, the copies identical, and
/// the archived figures against the store. Each problem is one line naming the file.
struct ArchiveVerifier {
    /// The store to compare the figures with (nil: that part is skipped and said so).
    let store: JournalStore?

    struct Report {
        var problems: [String] = []
        var manifests = 0
        var files = 0
        var notes: [String] = []
    }

    /// The archive directories under `root`: `root` itself when it holds a manifest, else
    /// its subdirectories that do.
    static func directories(_ root: String) -> [String] {
        let fm = FileManager.default
        if fm.fileExists(atPath: root + "/manifest.json") { return [root] }
        let subs = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).sorted()
        return subs.map { root + "/" + $0 }.filter { fm.fileExists(atPath: $0 + "/manifest.json") }
    }

    static func readManifest(_ dir: String) throws -> (JSON, Data) {
        let path = dir + "/manifest.json"
        guard let data = FileManager.default.contents(atPath: path) else { throw GatewayError.badInput(.cannotRead, at: .init(path)) }
        do { return (try JSON.parse(bytes: [UInt8](data)), data) } catch {
            throw GatewayError.badInput("\(path):1:\(error.column): \(error.message)")
        }
    }

    func verify(_ root: String, copy: String?) throws -> Report {
        var r = Report()
        let dirs = Self.directories(root)
        if dirs.isEmpty { r.problems.append("\(root): no manifest.json here or in its subdirectories") }
        var manifestsByYear: [String: [(start: String, dir: String, sha: String, previous: JSON?)]] = [:]
        for dir in dirs {
            let (m, bytes) = try Self.readManifest(dir)
            r.manifests += 1
            let signed = !(m["signer"]?.isNull ?? true)
            checkSignature(dir + "/manifest.json", bytes, required: signed, &r)
            var listed: Set<String> = ["manifest.json", "manifest.json.sig"]
            var sheets: [String: ArchiveSummarySheets]?   // computed once per manifest, when needed
            for f in m["files"]?.array ?? [] {
                guard let name = f["name"]?.string else { continue }
                r.files += 1
                listed.insert(name)
                let path = dir + "/" + name
                guard let data = FileManager.default.contents(atPath: path) else {
                    r.problems.append("\(path): missing"); continue
                }
                if data.count != f["size"]?.int { r.problems.append("\(path): size \(data.count), the manifest says \(f["size"]?.int ?? -1)") }
                if ArchiveHash.sha256(data) != f["sha256"]?.string { r.problems.append("\(path): SHA-256 differs from the manifest") }
                if let g = f["streebog256"]?.string {
                    if let now = ArchiveHash.streebog256(data) {
                        if now != g { r.problems.append("\(path): Стрибог-256 differs from the manifest") }
                    } else { r.notes.append("\(path): Стрибог-256 not checked (no gost engine configured)") }
                }
                if let sig = f["signature"]?.string {
                    listed.insert(sig)
                    checkSignature(path, data, required: true, &r)
                }
                if let store {
                    if f["kind"]?.string == "summary" { compareSheets(store, manifest: m, file: f, path: path, &sheets, &r) }
                    else { compareWithStore(store, manifest: m, file: f, path: path, &r) }
                }
            }
            let present = Set(((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") })
            for extra in present.subtracting(listed).sorted() { r.problems.append("\(dir)/\(extra): not listed in the manifest") }
            if let copy {
                let twin = copy + String(dir.dropFirst(root.count))
                for name in present.union(listed).sorted() {
                    let a = FileManager.default.contents(atPath: dir + "/" + name)
                    let b = FileManager.default.contents(atPath: twin + "/" + name)
                    if a != nil, b == nil { r.problems.append("\(twin)/\(name): missing from the copy") }
                    else if a == nil, b != nil { r.problems.append("\(dir)/\(name): missing (present in the copy)") }
                    else if a != b { r.problems.append("\(twin)/\(name): differs from \(dir)/\(name)") }
                }
            }
            manifestsByYear[m["year"]?.string ?? "", default: []].append(
                (m["periodStart"]?.string ?? "", dir, ArchiveHash.sha256(bytes), m["previousManifest"]))
        }
        // The chain: each manifest names the hash of the one before it in the same year.
        for (_, list) in manifestsByYear {
            let ordered = list.sorted { $0.start < $1.start || ($0.start == $1.start && $0.dir > $1.dir) }
            let base = (root as NSString).standardizingPath
            for (i, m) in ordered.enumerated() {
                guard let prev = m.previous, !prev.isNull else {
                    if i > 0 { r.problems.append("\(m.dir)/manifest.json: names no previous manifest, but \(ordered[i - 1].dir) precedes it (chain broken)") }
                    continue
                }
                let file = prev["file"]?.string ?? ""
                let candidates = [base + "/" + file, (m.dir as NSString).deletingLastPathComponent + "/" + file]
                guard let data = candidates.lazy.compactMap({ FileManager.default.contents(atPath: $0) }).first else {
                    r.problems.append("\(m.dir)/manifest.json: the previous manifest \(file) is missing (chain broken)"); continue
                }
                if ArchiveHash.sha256(data) != prev["sha256"]?.string {
                    r.problems.append("\(m.dir)/manifest.json: the previous manifest \(file) changed since (chain broken)")
                }
            }
        }
        if store == nil { r.notes.append("no store: the archived figures were not compared with the journal") }
        return r
    }

    private func checkSignature(_ path: String, _ data: Data, required: Bool, _ r: inout Report) {
        guard let sig = FileManager.default.contents(atPath: path + ".sig") else {
            if required { r.problems.append("\(path).sig: missing") }
            return
        }
        if !CMSSigner.verify(sig, of: data) { r.problems.append("\(path).sig: the signature does not match the file") }
    }

    /// The period a manifest archived, as the store holds it (or from the manifest's dates).
    static func period(of m: JSON, store: JournalStore) throws -> ArchivePeriod? {
        let year = m["year"]?.string ?? "", periodName = m["period"]?.string ?? ""
        if periodName != "год", let p = try store.archivePeriods().first(where: { $0.yearName == year && $0.name == periodName }) {
            return p
        }
        guard let start = m["periodStart"]?.string, let end = m["periodEnd"]?.string else { return nil }
        return ArchivePeriod(id: "", yearName: year, yearStart: start, yearEnd: m["yearEnd"]?.string ?? end,
                             name: periodName, start: start, end: end)
    }

    /// A summary-sheet file: the sheets computed again from the store must print the same
    /// figures (the digest of every cell) and the same record counts.
    private func compareSheets(_ store: JournalStore, manifest m: JSON, file f: JSON, path: String,
                               _ cache: inout [String: ArchiveSummarySheets]?, _ r: inout Report) {
        guard let className = f["class"]?.string else { return }
        do {
            guard let period = try Self.period(of: m, store: store) else { return }
            if cache == nil {
                let names = (m["files"]?.array ?? []).filter { $0["kind"]?.string == "summary" }.compactMap { $0["class"]?.string }
                cache = try ArchiveSummarySheets.compute(store: store, period: period, classes: names)
            }
            guard let now = cache?[className] else {
                r.problems.append("\(path): the class \(className) is no longer in the journal"); return
            }
            var counts: [String] = []
            for key in ["pupils", "finalMarks", "missedLessons"] {
                let a = f["records"]?[key]?.int ?? -1, b = now.records[key]?.int ?? -1
                if a != b { counts.append("\(key) \(a) archived, \(b) in the journal now") }
            }
            if now.digest != f["digest"]?.string {
                r.problems.append("\(path): the summary sheets changed in the journal after archiving"
                                  + (counts.isEmpty ? "" : " (" + counts.joined(separator: "; ") + ")"))
            }
        } catch {
            r.problems.append("\(path): cannot compare with the journal: \(error)")
        }
    }

    private func compareWithStore(_ store: JournalStore, manifest m: JSON, file f: JSON, path: String, _ r: inout Report) {
        guard f["kind"]?.string == "journal", let className = f["class"]?.string else { return }
        do {
            guard let period = try Self.period(of: m, store: store) else { return }
            guard let c = try store.archiveClasses().first(where: { $0.name == className }) else {
                r.problems.append("\(path): the class \(className) is no longer in the journal"); return
            }
            let j = try store.archiveClassJournal(c, period: period)
            let now = ArchiveManifest.counts(j)
            for key in ["students", "lessons", "marks", "absences", "finalMarks", "movements"] {
                let a = f["records"]?[key]?.int ?? -1, b = now[key]?.int ?? -1
                if a != b { r.problems.append("\(path): \(key) \(a) archived, \(b) in the journal now") }
            }
            var current: [String: JSON] = [:]
            for c in j.courses { current[c.subject + "\u{1F}" + (c.group ?? "")] = ArchiveManifest.course(c) }
            for c in f["courses"]?.array ?? [] {
                let label = (c["subject"]?.string ?? "") + ((c["group"]?.string).map { " (\($0))" } ?? "")
                let key = (c["subject"]?.string ?? "") + "\u{1F}" + (c["group"]?.string ?? "")
                guard let now = current.removeValue(forKey: key) else {
                    r.problems.append("\(path): \(label): no longer in the journal"); continue
                }
                if now["digest"]?.string != c["digest"]?.string {
                    r.problems.append("\(path): \(label): changed in the journal after archiving "
                                      + "(marks \(c["marks"]?.int ?? 0) → \(now["marks"]?.int ?? 0), absences \(c["absences"]?.int ?? 0) → \(now["absences"]?.int ?? 0), lessons \(c["lessons"]?.int ?? 0) → \(now["lessons"]?.int ?? 0))")
                }
            }
            for key in current.keys.sorted() { r.problems.append("\(path): \(key.replacingOccurrences(of: "\u{1F}", with: " ")): added to the journal after archiving") }
        } catch {
            r.problems.append("\(path): cannot compare with the journal: \(error)")
        }
    }
}
