/// The store's SQL is written for SQLite; this is the one place it becomes PostgreSQL's.
///
/// The differences the store's statements meet (docs/region.md lists how they were found):
/// - placeholders: `?` (in order) → `$1, $2, …` (not inside `'…'` literals or `"…"` names);
/// - `ifnull(a, b)` → `coalesce(a, b)`;
/// - index hints (`INDEXED BY name`, `NOT INDEXED`) dropped;
/// - `INSERT INTO change_log …` / `INSERT INTO conflict …`: SQLite's last insert rowid is
///   PostgreSQL's `RETURNING seq` / `RETURNING id`;
/// - whole statements SQLite spells as PRAGMAs or its own commands: `PRAGMA defer_foreign_keys
///   = ON` → `SET CONSTRAINTS ALL DEFERRED` (the foreign keys are `DEFERRABLE`),
///   `PRAGMA wal_checkpoint(…)` → nothing (PostgreSQL checkpoints by itself),
///   `BEGIN DEFERRED` (a reader's snapshot) → `BEGIN ISOLATION LEVEL REPEATABLE READ`,
///   `PRAGMA user_version` → the school's `store_version`;
/// - `ORDER BY rowid`: the PostgreSQL tables read in insertion order (`subject`, `outbox`)
///   carry a `rowid` identity column of their own (``PGMigrations``).
enum SQLDialect {
    /// A statement for PostgreSQL: its text (nil: nothing to run) and the column an
    /// `INSERT` returns as the last insert rowid.
    struct Translated {
        let sql: String?
        let returning: String?
    }

    /// Tables whose generated key the store reads back as the last insert rowid.
    static let generatedKeys: [String: String] = ["change_log": "seq", "conflict": "id"]

    static func postgres(_ sql: String) -> Translated {
        let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        switch trimmed.uppercased() {
        case "PRAGMA DEFER_FOREIGN_KEYS = ON": return Translated(sql: "SET CONSTRAINTS ALL DEFERRED", returning: nil)
        case "PRAGMA WAL_CHECKPOINT(TRUNCATE)", "PRAGMA WAL_CHECKPOINT": return Translated(sql: nil, returning: nil)
        case "BEGIN DEFERRED": return Translated(sql: "BEGIN ISOLATION LEVEL REPEATABLE READ", returning: nil)
        case "BEGIN IMMEDIATE": return Translated(sql: "BEGIN ISOLATION LEVEL READ COMMITTED", returning: nil)
        case "PRAGMA USER_VERSION": return Translated(sql: "SELECT version FROM store_version", returning: nil)
        default: break
        }
        var out = placeholders(trimmed)
        // SQLite's index hints: PostgreSQL's planner chooses by itself.
        while let r = out.range(of: #" (INDEXED BY [A-Za-z_][A-Za-z0-9_]*|NOT INDEXED)"#, options: .regularExpression) {
            out.removeSubrange(r)
        }
        out = replacingFunction("ifnull", with: "coalesce", in: out)
        var returning: String?
        if out.hasPrefix("INSERT INTO ") {
            let table = out.dropFirst("INSERT INTO ".count).prefix { $0 != " " && $0 != "(" }
            if let column = generatedKeys[String(table)], !out.uppercased().contains(" RETURNING ") {
                out += " RETURNING " + column
                returning = column
            }
        }
        return Translated(sql: out, returning: returning)
    }

    /// `?` → `$n` outside quoted literals and identifiers.
    static func placeholders(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        var quote: Character?
        for c in sql {
            if let q = quote {
                out.append(c)
                if c == q { quote = nil }   // a doubled quote closes and reopens: same result
                continue
            }
            switch c {
            case "'", "\"": quote = c; out.append(c)
            case "?": n += 1; out += "$\(n)"
            default: out.append(c)
            }
        }
        return out
    }

    /// Calls of function `name(` (any case, as a whole word, outside literals) renamed to `replacement(`.
    static func replacingFunction(_ name: String, with replacement: String, in sql: String) -> String {
        guard sql.range(of: name + "(", options: .caseInsensitive) != nil else { return sql }
        var out = ""
        var quote: Character?
        var i = sql.startIndex
        while i < sql.endIndex {
            let c = sql[i]
            if let q = quote {
                out.append(c); if c == q { quote = nil }; i = sql.index(after: i); continue
            }
            if c == "'" || c == "\"" { quote = c; out.append(c); i = sql.index(after: i); continue }
            let wordStart = i == sql.startIndex || !(sql[sql.index(before: i)].isLetter || sql[sql.index(before: i)].isNumber || sql[sql.index(before: i)] == "_")
            if wordStart, sql[i...].prefix(name.count + 1).lowercased() == name + "(" {
                out += replacement + "("
                i = sql.index(i, offsetBy: name.count + 1)
                continue
            }
            out.append(c)
            i = sql.index(after: i)
        }
        return out
    }
}
