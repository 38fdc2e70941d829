import Foundation

/// Where a PostgreSQL store is: the server (a libpq connection URI) and the school whose
/// schema the connection works in (docs/region.md).
///
/// Accepted: `postgresql://host[:port]/db?school=63-0002` (also `postgres://`), a Unix
/// socket as the host (`postgresql://%2Fvar%2Frun%2Fpostgresql/db?school=…`) or as the
/// `host` parameter (`postgresql:///db?host=/var/run/postgresql&school=…`). Every parameter
/// but `school` is libpq's own and passed to it unchanged; `school` is ours, so libpq never
/// sees it.
struct PGLocation: Sendable, Equatable {
    /// The URI handed to libpq (without `school`).
    let conninfo: String
    /// The school's code, or nil for a connection to the region's shared objects.
    let school: String?

    /// Whether `text` names a PostgreSQL store rather than an SQLite file.
    static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    init(conninfo: String, school: String?) {
        self.conninfo = conninfo; self.school = school
    }

    /// Parses a store location; throws `StoreError(.invalid)` naming what is wrong.
    init(parsing text: String) throws {
        guard PGLocation.isPostgres(text) else {
            throw StoreError(.invalid, "\(text): not a PostgreSQL location (postgresql://host/db?school=CODE)")
        }
        var base = text
        var query: [String] = []
        if let q = text.firstIndex(of: "?") {
            base = String(text[..<q])
            query = text[text.index(after: q)...].split(separator: "&", omittingEmptySubsequences: true).map(String.init)
        }
        var school: String?
        var kept: [String] = []
        for item in query {
            if item.hasPrefix("school=") {
                let raw = String(item.dropFirst("school=".count))
                guard let code = raw.removingPercentEncoding, !code.isEmpty else {
                    throw StoreError(.invalid, "\(PGLocation.redacted(text)): the school parameter is empty or badly escaped")
                }
                guard school == nil else {
                    throw StoreError(.invalid, "\(PGLocation.redacted(text)): school is given twice")
                }
                try PGLocation.checkSchool(code)
                school = code
            } else {
                kept.append(item)
            }
        }
        conninfo = kept.isEmpty ? base : base + "?" + kept.joined(separator: "&")
        self.school = school
    }

    /// A school code must be usable inside an identifier: letters, digits, `-` and `_`,
    /// at most 40 characters (the schema and role names add a prefix; PostgreSQL's limit is 63 bytes).
    static func checkSchool(_ code: String) throws {
        let ok = !code.isEmpty && code.count <= 40 && code.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
        guard ok else {
            throw StoreError(.invalid, "school code «\(code)»: only Latin letters, digits, - and _ (at most 40)")
        }
    }

    /// The school's schema: every table of its store lives there.
    var schema: String? { school.map { "school_" + $0 } }
    /// The school's role: owns the schema; a connection for the school acts as it.
    var role: String? { school.map { "jg_school_" + $0 } }

    /// The location for messages and `StoreFailure.path`: a password in it replaced by `***`.
    var redacted: String {
        PGLocation.redacted(school.map { conninfo + (conninfo.contains("?") ? "&" : "?") + "school=" + $0 } ?? conninfo)
    }

    /// `text` with the password of `user:password@` and of every `password=` parameter hidden
    /// (`sslpassword=` too: the key ends in `password`).
    static func redacted(_ text: String) -> String {
        var out = text
        if let scheme = out.range(of: "://") {
            // The authority ends at the path or the query; its userinfo ends at its last `@`.
            let authorityEnd = out[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? out.endIndex
            if let at = out[scheme.upperBound..<authorityEnd].lastIndex(of: "@"),
               let colon = out[scheme.upperBound..<at].firstIndex(of: ":") {
                out.replaceSubrange(out.index(after: colon)..<at, with: "***")
            }
        }
        guard let query = out.firstIndex(of: "?") else { return out }
        let items = out[out.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
            guard let eq = item.firstIndex(of: "="), item[..<eq].lowercased().hasSuffix("password") else { return String(item) }
            return item[...eq] + "***"
        }
        return out[...query] + items.joined(separator: "&")
    }
}

/// An SQL identifier quoted for PostgreSQL: `"…"`, a `"` inside doubled.
func pgIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
