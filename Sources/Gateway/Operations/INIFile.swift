import Foundation

/// An INI-style file as `school.conf` is written: `[section]` headers, `key = value` lines,
/// `#` or `;` comments on lines of their own, blank lines. Each value remembers its line, so
/// a later check can say `school.conf:LINE: …`. A key given twice in a section, a line
/// outside any section, or a line that is neither is refused with its line number.
public struct INIFile: Sendable {
    public struct Entry: Sendable {
        public let key: String
        public let value: String
        public let line: Int
    }
    public struct Section: Sendable {
        public let name: String
        public let line: Int
        public var entries: [Entry] = []
        public func entry(_ key: String) -> Entry? { entries.first { $0.key == key } }
    }

    /// The file's name as messages show it (`school.conf`, or the path given).
    public let name: String
    public private(set) var sections: [Section] = []

    public func section(_ name: String) -> Section? { sections.first { $0.name == name } }

    public init(text: String, name: String) throws {
        self.name = name
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let n = i + 1
            let line = raw.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else { throw ConfigError(name, n, "a section header is «[name]», not «\(line)»") }
                let s = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                guard !s.isEmpty else { throw ConfigError(name, n, "a section header is «[name]», not «\(line)»") }
                if let first = sections.first(where: { $0.name == s }) {
                    throw ConfigError(name, n, "section [\(s)] again (first at line \(first.line)): put its keys in one place")
                }
                sections.append(Section(name: s, line: n))
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw ConfigError(name, n, "expected «key = value», a «[section]» or a # comment, not «\(line)»")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw ConfigError(name, n, "a key is missing before «=»") }
            guard !sections.isEmpty else { throw ConfigError(name, n, "«\(key)» comes before any [section]") }
            if let first = sections[sections.count - 1].entry(key) {
                throw ConfigError(name, n, "\(key) is set twice in [\(sections[sections.count - 1].name)] (first at line \(first.line))")
            }
            sections[sections.count - 1].entries.append(Entry(key: key, value: value, line: n))
        }
    }
}
