/// The store's tables as this build defines them (``Migrations``, latest version), with their
/// columns in order and their primary keys: what `store copy` copies and checksums, table by
/// table, on either backend.
///
/// Read once from an SQLite database in memory brought to the latest schema, so a table added
/// by a later migration is copied without anyone remembering to list it. Two tables read in
/// insertion order (`subject`, `outbox`: SQLite's `rowid`, PostgreSQL's `rowid` identity
/// column, ``PGMigrations``) carry `rowid` as their first column, so their order is copied and
/// verified too.
struct StoreSchema: Sendable {
    struct Table: Sendable {
        let name: String
        /// Every column copied, in order (`rowid` first where the table keeps insertion order).
        let columns: [String]
        /// The primary key's columns, in key order: the order rows are read, copied and hashed in.
        let primaryKey: [String]
        /// Positions (in ``columns``) of columns whose text is hashed as bytes (``StoreChecksum``).
        let bytesColumns: Set<Int>
        /// The column whose high-water mark is kept (`change_log.seq`, `conflict.id`), if any.
        let generatedKey: String?
        /// Whether the table has a `rowid` column of its own on PostgreSQL (insertion order).
        var keepsRowID: Bool { columns.first == "rowid" }
    }

    let tables: [Table]

    /// The tables read in insertion order (`ORDER BY rowid`), which PostgreSQL gives a column.
    static let insertionOrdered: Set<String> = ["subject", "outbox"]

    /// This build's tables, by name.
    static let current: StoreSchema = {
        do { return try read() } catch { fatalError("the store's own schema cannot be read in memory: \(error)") }
    }()

    private static func read() throws -> StoreSchema {
        let db = try Database(path: ":memory:")
        for step in Migrations.steps { try db.exec(step) }
        var tables: [Table] = []
        for row in try db.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name") {
            let name = row[0].text ?? ""
            var columns: [String] = [], key: [(Int, String)] = []
            for c in try db.rows("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", [.text(name)]) {
                let column = c[0].text ?? ""
                columns.append(column)
                if let pk = c[1].int, pk > 0 { key.append((pk, column)) }
            }
            if insertionOrdered.contains(name) { columns.insert("rowid", at: 0) }
            let bytes = name == "change_log" ? Set(columns.indices.filter { columns[$0] == "changes" }) : []
            tables.append(Table(name: name, columns: columns, primaryKey: key.sorted { $0.0 < $1.0 }.map(\.1),
                                bytesColumns: bytes, generatedKey: SQLDialect.generatedKeys[name]))
        }
        return StoreSchema(tables: tables)
    }
}
