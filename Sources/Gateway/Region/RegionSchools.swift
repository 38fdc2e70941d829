import Foundation
import JournalStore

/// The schools a night is enqueued for (`region enqueue --schools FILE`): a TSV table, or a
/// directory of `school.conf` files. Either gives one ``RegionJobSpec`` per school and step;
/// credentials are paths of files on the workers, never their contents.
enum RegionSchools {
    static let header = ["school", "counterpart", "url", "school_id", "login", "password_file", "session_file"]

    /// Reads `path`: a directory of configurations, else a TSV table.
    static func load(_ path: String) throws -> [RegionJobSpec] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw GatewayError.usage("--schools \(path): no such file or directory")
        }
        return isDir.boolValue ? try configurations(path) : try table(path)
    }

    /// The TSV table: the header line exactly, then one line per school and counterpart
    /// (`asu-rso`, `epos`, `diary`, whose `password_file` is its token file); empty cells
    /// allowed, `#` comments and blank lines skipped. A relative file path is taken from the
    /// table's folder. Every bad line is reported, with its number.
    static func table(_ path: String) throws -> [RegionJobSpec] {
        guard let data = FileManager.default.contents(atPath: path) else { throw GatewayError.usage("--schools \(path): cannot read it") }
        guard let text = String(data: data, encoding: .utf8) else { throw GatewayError.badInput("\(path): not UTF-8 text") }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let first = lines.first, first.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) == header else {
            throw GatewayError.badInput("\(path):1: the header must be «\(header.joined(separator: "\\t"))» (tab-separated)")
        }
        var out: [RegionJobSpec] = []
        var problems: [String] = []
        var seen: [String: Int] = [:]
        for (i, line) in lines.enumerated().dropFirst() {
            let n = i + 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == header.count else {
                problems.append("\(path):\(n): \(f.count) cells, expected \(header.count) separated by tabs"); continue
            }
            func cell(_ k: Int) -> String? { f[k].isEmpty ? nil : f[k] }
            func file(_ k: Int) -> String? { cell(k).map { $0.hasPrefix("/") ? $0 : dir + "/" + $0 } }
            guard let step = RegionStep(counterpart: f[1]) else {
                problems.append("\(path):\(n): counterpart «\(f[1])» is not asu-rso, epos or diary"); continue
            }
            if let first = seen[f[0] + "\t" + f[1]] {
                problems.append("\(path):\(n): school \(f[0]) and \(f[1]) are given twice (first at line \(first))"); continue
            }
            seen[f[0] + "\t" + f[1]] = n
            let spec = RegionJobSpec(school: f[0], step: step.rawValue, order: step.order, host: RegionStep.host(of: cell(2)), url: cell(2),
                                     schoolID: cell(3), login: cell(4), passwordFile: file(5), sessionFile: file(6))
            if let problem = check(spec) { problems.append("\(path):\(n): \(problem)") } else { out.append(spec) }
        }
        guard problems.isEmpty else {
            throw GatewayError.badInput("\(path): \(problems.count) bad line(s); nothing was enqueued", details: problems)
        }
        return out
    }

    /// A directory of configurations: each `*.conf` in it, and each `*/school.conf` one level
    /// down. The school's code is the `school=` of its PostgreSQL `store`, else the file's
    /// name without `.conf` (its folder's name for a `school.conf`).
    static func configurations(_ dir: String) throws -> [RegionJobSpec] {
        let fm = FileManager.default
        var files: [(path: String, code: String)] = []
        for name in try fm.contentsOfDirectory(atPath: dir).sorted() {
            let p = dir + "/" + name
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: p, isDirectory: &isDir)
            if isDir.boolValue {
                if fm.fileExists(atPath: p + "/school.conf") { files.append((p + "/school.conf", name)) }
            } else if name.hasSuffix(".conf") {
                files.append((p, String(name.dropLast(".conf".count))))
            }
        }
        guard !files.isEmpty else { throw GatewayError.usage("--schools \(dir): no *.conf and no */school.conf in it") }
        var out: [RegionJobSpec] = []
        var problems: [String] = []
        var codes: [String: String] = [:]
        for (path, fallback) in files {
            let config: SchoolConfig
            do { config = try SchoolConfig.load(path: path) } catch let e as ConfigError { problems.append("\(path):\(e.line): \(e.message)"); continue }
            let code = config.store.flatMap(RegionQueue.school(of:)) ?? fallback
            if let other = codes[code] { problems.append("\(path): school \(code) is configured again (first in \(other))"); continue }
            codes[code] = path
            var specs: [RegionJobSpec] = []
            for p in config.platforms {
                guard let step = RegionStep(counterpart: p.name) else { continue }
                specs.append(RegionJobSpec(school: code, step: step.rawValue, order: step.order, host: RegionStep.host(of: p.url), url: p.url,
                                           schoolID: p.options["--school-id"]?.value, login: p.options["--login"]?.value,
                                           passwordFile: p.options["--password-file"]?.value, sessionFile: p.options["--session-file"]?.value))
            }
            if let d = config.diary {
                specs.append(RegionJobSpec(school: code, step: RegionStep.feedDiary.rawValue, order: RegionStep.feedDiary.order,
                                           host: RegionStep.host(of: d.url), url: d.url, schoolID: d.options["--school-id"]?.value,
                                           passwordFile: d.options["--token-file"]?.value, outDir: d.options["--out"]?.value))
            }
            if specs.isEmpty { problems.append("\(path): no [asu-rso], [epos] or [diary] section: nothing to run"); continue }
            for s in specs { if let problem = check(s) { problems.append("\(path): \(problem)") } else { out.append(s) } }
        }
        guard problems.isEmpty else {
            throw GatewayError.badInput("\(dir): \(problems.count) problem(s); nothing was enqueued", details: problems)
        }
        return out
    }

    /// What is wrong with a job's spec, if anything: the school code, the URL, what a step needs.
    static func check(_ s: RegionJobSpec) -> String? {
        do { try RegionQueue.checkSchool(s.school) } catch let e as StoreError { return e.message } catch { return "\(error)" }
        if let u = s.url {
            guard let url = URL(string: u), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                return "url must be an http(s) address, not «\(u)»"
            }
        }
        if s.step == RegionStep.feedDiary.rawValue {
            if s.url == nil && s.outDir == nil { return "the diary needs url (with its token file in password_file)" }
            if s.url != nil && s.passwordFile == nil { return "the diary at \(s.url!) needs its token file (password_file)" }
        } else {
            if s.url == nil { return "\(s.step) needs url" }
            if s.schoolID == nil { return "\(s.step) needs school_id" }
            if s.login == nil && s.sessionFile == nil { return "\(s.step) needs login (with password_file) or session_file" }
        }
        return nil
    }
}
