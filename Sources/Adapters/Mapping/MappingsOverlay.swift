import Foundation
import Synchronization

/// A school's own code-table lines laid over the shipped tables, line by line.
///
/// The school's folder (`/etc/journal-gateway/mappings`) mirrors the shipped one
/// (`asu-rso/work_types.tsv`, …) and holds only the lines the school adds or changes; an
/// upgrade replaces the shipped tables and never touches it. For each table, a school line
/// whose *key* is a shipped line's key replaces that line; any other school line is added.
/// The key is the table's first column (the portal's code or name), except:
/// `policy.tsv` (entity, field), `asu-rso/attendance.tsv` (code, reason),
/// `asu-rso/work_types.tsv` (abbreviation, name) and `contingent/columns.tsv` (the header
/// synonym, second column). A header line and `#` comments in the school's file are skipped;
/// a table the shipped set lacks is taken whole. The merged set is written to a private
/// temporary folder for this process (removed at exit); each school line in it follows a
/// `# school: FILE:LINE` comment, so a message about it leads back to the school's file.
public enum MappingsOverlay {
    static let keyColumns: [String: [Int]] = [
        "policy.tsv": [0, 1], "asu-rso/attendance.tsv": [0, 1], "asu-rso/work_types.tsv": [0, 1], "contingent/columns.tsv": [1],
    ]

    public static func hasTables(_ dir: String) -> Bool { !tables(in: dir).isEmpty }

    /// The `.tsv` files under `dir`, as paths relative to it.
    public static func tables(in dir: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
        return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".tsv") }.sorted()
    }

    private static let cache = Mutex<[String: String]>([:])
    nonisolated(unsafe) private static var made: [String] = []

    /// The merged folder (made once per process and pair of folders).
    public static func merged(shipped: String, overrides: String) throws -> String {
        try cache.withLock { cache in
            let key = shipped + "\u{0}" + overrides
            if let dir = cache[key] { return dir }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-gateway-mappings-\(getpid())-\(cache.count)").path
            try? FileManager.default.removeItem(atPath: dir)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if made.isEmpty { atexit { for d in MappingsOverlay.made { try? FileManager.default.removeItem(atPath: d) } } }
            made.append(dir)
            let own = Set(tables(in: overrides))
            for rel in Set(tables(in: shipped)).union(own).sorted() {
                let base = (try? String(contentsOfFile: shipped + "/" + rel, encoding: .utf8))
                let text: String
                if own.contains(rel) {
                    guard let school = try? String(contentsOfFile: overrides + "/" + rel, encoding: .utf8) else {
                        throw CodeTableError(message: "\(overrides)/\(rel): cannot read it as UTF-8 text")
                    }
                    text = base.map { merge(shipped: $0, school: school, schoolPath: overrides + "/" + rel, key: keyColumns[rel] ?? [0]) } ?? school
                } else {
                    text = base ?? ""
                }
                let path = dir + "/" + rel
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            }
            cache[key] = dir
            return dir
        }
    }

    /// One table: `shipped` with `school`'s lines laid over it.
    public static func merge(shipped: String, school: String, schoolPath: String, key columns: [Int]) -> String {
        func lines(_ t: String) -> [String] {
            t.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        }
        func isData(_ l: String) -> Bool { !l.trimmingCharacters(in: .whitespaces).isEmpty && !l.hasPrefix("#") }
        func key(_ l: String) -> [String] {
            let f = l.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            return columns.map { $0 < f.count ? f[$0] : "" }
        }
        var out = lines(shipped)
        while out.last == "" { out.removeLast() }
        let header = out.first(where: isData)
        var position: [[String]: Int] = [:]
        for (i, l) in out.enumerated() where isData(l) && l != header { position[key(l)] = position[key(l)] ?? i }
        var added: [String] = []
        for (n, l) in lines(school).enumerated() where isData(l) && l != header {
            let note = "# school: \(schoolPath):\(n + 1)"
            if let i = position[key(l)] { out[i] = note + "\n" + l } else { added += [note, l] }
        }
        return (out + added).joined(separator: "\n") + "\n"
    }
}
