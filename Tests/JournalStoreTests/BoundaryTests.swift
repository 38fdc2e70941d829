import Foundation
import Testing

/// The store's API is the boundary (docs/architecture.md): no SQLite and no SQL text
/// outside `Sources/JournalStore`, so that a second backend implements that API alone.
/// The benchmark's own `sqlite3` reference loop (`gateway-bench/Stages.swift`) is the one
/// exception: it measures SQLite itself.
struct BoundaryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let exempt = ["Sources/JournalStore/", "Sources/gateway-bench/Stages.swift"]

    /// An SQL statement's opening words. DELETE, UPDATE and INSERT need their SQL
    /// continuation, so that an HTTP method named in a message (`"DELETE /homeworks/7"`) is not one.
    static let statement = try! NSRegularExpression(pattern: #"^\s*(SELECT\s|INSERT\s+(OR\s+\w+\s+)?INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|(CREATE|DROP|ALTER)\s+(TABLE|INDEX|UNIQUE|VIEW|TRIGGER|TEMP)|PRAGMA\s|SAVEPOINT\s|RELEASE\s|ROLLBACK(\s|$)|BEGIN(\s+(IMMEDIATE|EXCLUSIVE|DEFERRED|TRANSACTION))?\s*$|COMMIT\s*$|VACUUM(\s|$)|WITH\s+\w+\s+AS\s*\()"#)

    /// The string literals of a Swift source, line by line (a multi-line literal's lines one by one).
    static func literals(_ source: String) -> [(line: Int, text: String)] {
        var out: [(line: Int, text: String)] = []
        var inBlock = false
        for (n, line) in source.components(separatedBy: "\n").enumerated() {
            if inBlock {
                if line.trimmingCharacters(in: .whitespaces).hasPrefix("\"\"\"") { inBlock = false } else { out.append((n + 1, line)) }
                continue
            }
            let code = line.trimmingCharacters(in: .whitespaces)
            if code.hasPrefix("//") { continue }
            if line.hasSuffix("\"\"\"") && line.components(separatedBy: "\"\"\"").count == 2 { inBlock = true; continue }
            // Single-line literals: the text between pairs of unescaped quotes.
            var current: String?
            var escaped = false
            for ch in line {
                if var c = current {
                    if escaped { escaped = false; c.append(ch); current = c; continue }
                    if ch == "\\" { escaped = true; c.append(ch); current = c; continue }
                    if ch == "\"" { out.append((n + 1, c)); current = nil; continue }
                    c.append(ch); current = c
                } else if ch == "\"" {
                    current = ""
                }
            }
        }
        return out
    }

    static func violations(in relative: String, _ source: String) -> [String] {
        var out: [String] = []
        for (n, line) in source.components(separatedBy: "\n").enumerated()
        where line.trimmingCharacters(in: .whitespaces).range(of: #"^(@testable\s+)?import\s+CSQLite\b"#, options: .regularExpression) != nil {
            out.append("\(relative):\(n + 1): imports CSQLite")
        }
        for l in literals(source) where statement.firstMatch(in: l.text, range: NSRange(l.text.startIndex..., in: l.text)) != nil {
            out.append("\(relative):\(l.line): SQL in a string literal: \(l.text.trimmingCharacters(in: .whitespaces).prefix(80))")
        }
        return out
    }

    @Test func noSQLiteAndNoSQLOutsideTheStore() throws {
        let sources = Self.root.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        var checked = 0
        var found: [String] = []
        for file in files.sorted() {
            let relative = "Sources/" + file
            if Self.exempt.contains(where: { relative.hasPrefix($0) }) { continue }
            found += Self.violations(in: relative, try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8))
            checked += 1
        }
        #expect(checked > 100, "the sources were found at \(sources.path)")
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    /// The checker itself: it sees SQL in both kinds of literal and a CSQLite import, and
    /// leaves HTTP methods and prose alone.
    @Test func theCheckerSeesWhatItLooksFor() {
        let bad = """
            import CSQLite
            let a = try db.scalar("SELECT count(*) FROM mark")
            try db.run("DELETE FROM diary_event WHERE event_id = ?", [])
            try db.exec("PRAGMA defer_foreign_keys = ON")
            try db.run("SAVEPOINT item")
            try db.forEach(\"\"\"
                INSERT INTO sync_run (id) VALUES (?)
                \"\"\")
            """
        #expect(Self.violations(in: "x.swift", bad).count == 6)
        let fine = """
            let r = try await session.request("DELETE", "\\(base)/\\(ext)")
            return .rejected(message: refusal(r, "DELETE \\(base)/\\(ext)"))
            let s = "select a class with --class"
            // try db.run("SAVEPOINT item") in a comment
            """
        #expect(Self.violations(in: "y.swift", fine).isEmpty, "\(Self.violations(in: "y.swift", fine))")
    }
}
