import Foundation

/// `journal-gateway store copy`: a school's whole store — every table of ``StoreSchema``, the
/// change log, sync state, conflicts, outbox, runs, settings — from one location to another
/// (an SQLite file onto a school's schema on PostgreSQL, or back), verified table by table.
///
/// The source is read in one snapshot under its run lock (no writer changes it meanwhile). The
/// target is written in one transaction under its own run lock: PostgreSQL's tables with `COPY`,
/// every `seq` and identity kept and the sequences set past them; before the commit the target's
/// rows are read back inside the transaction and their counts and checksums (``StoreChecksum``)
/// compared with the source's. Any failure, a difference, or the process being killed leaves
/// the target as it was. docs/region.md ("Moving a school onto the region's store") says more.
public enum StoreCopy {
    public struct Options: Sendable {
        public var mode: StoreCopyReport.Mode = .copy
        /// Replace a target school that already holds rows (PostgreSQL only; in the same transaction).
        public var replace = false
        public init(mode: StoreCopyReport.Mode = .copy, replace: Bool = false) { self.mode = mode; self.replace = replace }
    }

    /// Rows read per query (keyset pages in primary-key order: libpq holds a page in memory).
    static let page = 5_000

    /// Copies (or counts, or compares) `from` → `to`; `progress` hears a line now and then.
    /// Returns the report; a copy whose verification failed was rolled back (`committed` false).
    public static func run(from: String, to: String, options: Options = Options(),
                           progress: (String) -> Void = { _ in }) throws -> StoreCopyReport {
        let started = Date()
        let printableFrom = printable(from), printableTo = printable(to)
        guard printableFrom != printableTo else {
            throw StoreError(.invalid, "store copy: --from and --to are the same store (\(printableTo))")
        }
        if options.replace && !PGLocation.isPostgres(to) {
            throw StoreError(.invalid, "store copy: --replace is for a PostgreSQL target; an SQLite target is always a new file (move the old one away)")
        }
        let source = try JournalStore.open(at: from, readOnly: true)
        var locks: [RunLock] = []
        defer { locks.forEach { $0.release() } }
        if options.mode == .copy {
            locks.append(try RunLock(storePath: from, command: "store copy"))
            locks.append(try RunLock(storePath: to, command: "store copy"))
        }
        let schema = StoreSchema.current
        let (tables, marks, committed) = try source.readSnapshot { () throws -> ([StoreCopyReport.Table], [StoreCopyReport.Mark], Bool) in
            switch options.mode {
            case .dryRun: return (try dryRun(source, to: to, schema: schema, options: options), [], false)
            case .verify:
                let t = try openForVerify(to)
                return (try compare(source.db, t, schema: schema, progress: progress), try keptMarks(source.db, t, schema: schema), false)
            case .copy:
                return try copy(source, to: to, schema: schema, options: options, progress: progress)
            }
        }
        return StoreCopyReport(mode: options.mode, source: printableFrom, target: printableTo, school: source.school.name,
                               tables: tables, marks: marks, committed: committed, seconds: Date().timeIntervalSince(started))
    }

    /// A location for messages: a PostgreSQL URL without its password.
    static func printable(_ location: String) -> String { JournalStore.printable(location) }

    // MARK: Copy

    private static func copy(_ source: JournalStore, to: String, schema: StoreSchema, options: Options,
                             progress: (String) -> Void) throws -> ([StoreCopyReport.Table], [StoreCopyReport.Mark], Bool) {
        if PGLocation.isPostgres(to) {
            let location = try PGLocation(parsing: to)
            guard location.school != nil else { throw StoreError(.invalid, "\(location.redacted): no school given (add ?school=CODE)") }
            // The school's role, schema and empty tables (as `init` makes them; committed on their
            // own: an interrupted copy leaves a school without a store, which a new copy fills).
            let target = PGCopyTarget(try PGSchool.open(location, create: true))
            return try copy(source.db, into: target, printable: location.redacted, schema: schema, options: options, progress: progress)
        }
        return try copyToNewFile(source, path: to, schema: schema, options: options, progress: progress)
    }

    /// An SQLite target: a new store under a temporary name in the target's directory, renamed
    /// to `path` only when committed and verified; removed otherwise.
    private static func copyToNewFile(_ source: JournalStore, path: String, schema: StoreSchema, options: Options,
                                      progress: (String) -> Void) throws -> ([StoreCopyReport.Table], [StoreCopyReport.Mark], Bool) {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.alreadyInitialized, "\(path) exists: store copy writes a new SQLite file (move the old one away first)")
        }
        let temporary = path + ".copy-\(getpid())"
        func removeTemporary() { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + s) } }
        removeTemporary()
        let result: ([StoreCopyReport.Table], [StoreCopyReport.Mark], Bool)
        do {
            let store = try JournalStore.create(at: temporary, school: source.school.name, timeZone: source.school.timeZoneID)
            guard let db = store.db as? Database else { throw StoreError(.invalid, "\(temporary): not an SQLite store") }
            result = try copy(source.db, into: SQLiteCopyTarget(db), printable: path, schema: schema, options: options, progress: progress)
            if result.2 { try db.exec("PRAGMA wal_checkpoint(TRUNCATE)") }
        } catch {
            removeTemporary()
            throw error
        }
        guard result.2 else { removeTemporary(); return result }
        // The connection is closed (its store is gone): only the file itself remains to move.
        for s in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + s) }
        guard link(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            removeTemporary()
            throw StoreError(.cannotWrite, "cannot put the copy at \(path) (\(reason)); nothing was written there")
        }
        removeTemporary()
        return result
    }

    /// The copy proper, on one open target transaction: refuse or empty a target that holds
    /// rows, load every table, keep the marks, read the target back, commit only when it agrees.
    private static func copy(_ source: any StoreConnection, into target: any StoreCopyTarget, printable: String, schema: StoreSchema,
                             options: Options, progress: (String) -> Void) throws -> ([StoreCopyReport.Table], [StoreCopyReport.Mark], Bool) {
        try target.begin()
        do {
            var held: [(String, Int)] = []
            for t in schema.tables {
                let n = try count(target.reader, t)
                if n > 0 { held.append((t.name, n)) }
            }
            if !held.isEmpty {
                guard options.replace else {
                    let rows = held.reduce(0) { $0 + $1.1 }
                    throw StoreError(.alreadyInitialized, "\(printable) already holds a school's store (\(rows) rows: \(held.prefix(4).map { "\($0.0) \($0.1)" }.joined(separator: ", "))\(held.count > 4 ? ", …" : "")); nothing was copied. Pass --replace to replace it with the copy (in one transaction: if the copy fails, what is there stays)")
                }
                try target.empty(schema.tables)
            }
            let totals = try schema.tables.map { try count(source, $0) }
            let all = totals.reduce(0, +)
            var done = 0
            var sourceSums: [(rows: Int, sum: String)] = []
            for (i, t) in schema.tables.enumerated() {
                var sum = StoreChecksum(bytesColumns: t.bytesColumns)
                do {
                    _ = try target.load(t) { put in
                        try forEachRow(source, t) { row in
                            sum.add(row)
                            try put(row)
                            done += 1
                            if done % 20_000 == 0 { progress("store copy: \(t.name) (\(i + 1)/\(schema.tables.count)), \(done) of \(all) rows") }
                        }
                    }
                } catch let f as StoreFailure where f.refusesData {
                    // A row the target cannot hold (U+0000 in a text for PostgreSQL, a broken key):
                    // bad input data, not a failing server.
                    throw StoreError(.invalid, "store copy: table \(t.name) cannot be copied onto \(printable): \(f.message); nothing was written")
                }
                sourceSums.append((sum.rows, sum.finish()))
            }
            for t in schema.tables {
                guard let column = t.generatedKey ?? (t.keepsRowID ? "rowid" : nil) else { continue }
                try target.keepMark(t, column: column, mark: try mark(source, t, column: column))
            }
            progress("store copy: verifying \(all) rows on the target")
            var tables: [StoreCopyReport.Table] = []
            for (i, t) in schema.tables.enumerated() {
                let (rows, sum) = try checksum(target.reader, t)
                tables.append(.init(name: t.name, sourceRows: sourceSums[i].rows, sourceChecksum: sourceSums[i].sum, targetRows: rows,
                                    targetChecksum: sum, matches: rows == sourceSums[i].rows && sum == sourceSums[i].sum))
            }
            let kept = try keptMarks(source, target.reader, schema: schema)
            guard tables.allSatisfy(\.matches), kept.allSatisfy(\.kept) else {
                target.rollback()
                return (tables, kept, false)
            }
            try target.commit()
            return (tables, kept, true)
        } catch {
            target.rollback()
            throw error
        }
    }

    // MARK: Dry run and verify

    private static func dryRun(_ source: JournalStore, to: String, schema: StoreSchema, options: Options) throws -> [StoreCopyReport.Table] {
        let target = try openIfPresent(to)
        var tables: [StoreCopyReport.Table] = []
        for t in schema.tables {
            tables.append(.init(name: t.name, sourceRows: try count(source.db, t), sourceChecksum: nil,
                                targetRows: try target.map { try count($0, t) }, targetChecksum: nil, matches: true))
        }
        let held = tables.reduce(0) { $0 + ($1.targetRows ?? 0) }
        if held > 0 && !options.replace {
            throw StoreError(.alreadyInitialized, "\(printable(to)) already holds a school's store (\(held) rows): a copy would be refused; pass --replace to replace it")
        }
        return tables
    }

    /// The target's store when there is one (a dry run reads what it holds; nothing is created).
    private static func openIfPresent(_ location: String) throws -> (any StoreConnection)? {
        if PGLocation.isPostgres(location) {
            let parsed = try PGLocation(parsing: location)
            guard let school = parsed.school else { throw StoreError(.invalid, "\(parsed.redacted): no school given (add ?school=CODE)") }
            let pg = try PGConnection(parsed)
            guard try PGSchool.exists(on: pg, school: school) else { return nil }
            try PGSchool.enter(pg)
            guard try PGSchool.version(pg) == PGMigrations.latest else { return nil }
            return PGStoreConnection(pg)
        }
        guard FileManager.default.fileExists(atPath: location) else { return nil }
        return try JournalStore.open(at: location, readOnly: true).db
    }

    /// The target of `--verify`: its store, read-only, at this build's schema version.
    private static func openForVerify(_ location: String) throws -> any StoreConnection {
        try JournalStore.open(at: location, readOnly: true).db
    }

    /// Counts and checksums on both sides (`--verify`: an earlier copy against its source).
    private static func compare(_ source: any StoreConnection, _ target: any StoreConnection, schema: StoreSchema,
                                progress: (String) -> Void) throws -> [StoreCopyReport.Table] {
        try snapshot(target) {
            try schema.tables.enumerated().map { i, t in
                progress("store copy --verify: \(t.name) (\(i + 1)/\(schema.tables.count))")
                let s = try checksum(source, t), d = try checksum(target, t)
                return .init(name: t.name, sourceRows: s.rows, sourceChecksum: s.sum, targetRows: d.rows, targetChecksum: d.sum,
                             matches: s.rows == d.rows && s.sum == d.sum)
            }
        }
    }

    /// `body` inside one read transaction of `db`.
    private static func snapshot<T>(_ db: any StoreConnection, _ body: () throws -> T) throws -> T {
        try db.exec("BEGIN DEFERRED")
        do { let v = try body(); try db.exec("COMMIT"); return v } catch { try? db.exec("ROLLBACK"); throw error }
    }

    // MARK: Reading

    static func count(_ db: any StoreConnection, _ t: StoreSchema.Table) throws -> Int {
        try db.scalar("SELECT count(*) FROM " + quotedColumn(t.name))?.int ?? 0
    }

    /// The table's rows and checksum as `db` holds them.
    static func checksum(_ db: any StoreConnection, _ t: StoreSchema.Table) throws -> (rows: Int, sum: String) {
        var sum = StoreChecksum(bytesColumns: t.bytesColumns)
        try forEachRow(db, t) { sum.add($0) }
        return (sum.rows, sum.finish())
    }

    /// Every row of `t` in primary-key order, a page at a time (keyset: `WHERE (key) > (last)`),
    /// so that neither backend holds more than a page.
    static func forEachRow(_ db: any StoreConnection, _ t: StoreSchema.Table, _ body: ([SQLValue]) throws -> Void) throws {
        let columns = t.columns.map(quotedColumn).joined(separator: ", ")
        let key = t.primaryKey.map(quotedColumn).joined(separator: ", ")
        let keyPositions = t.primaryKey.map { t.columns.firstIndex(of: $0)! }
        let first = "SELECT \(columns) FROM \(quotedColumn(t.name)) ORDER BY \(key) LIMIT \(page)"
        let next = "SELECT \(columns) FROM \(quotedColumn(t.name)) WHERE (\(key)) > (\(Array(repeating: "?", count: keyPositions.count).joined(separator: ", "))) ORDER BY \(key) LIMIT \(page)"
        var after: [SQLValue]?
        while true {
            var n = 0
            var last: [SQLValue] = []
            try db.forEach(after == nil ? first : next, after ?? []) { row in
                n += 1
                try body(row)
                last = row
            }
            if n < page { return }
            after = keyPositions.map { last[$0] }
        }
    }

    /// A generated key's high-water mark: the larger of its sequence's and the column's largest value.
    static func mark(_ db: any StoreConnection, _ t: StoreSchema.Table, column: String) throws -> Int64 {
        let largest = Int64(try db.scalar("SELECT max(\(quotedColumn(column))) FROM \(quotedColumn(t.name))")?.int ?? 0)
        let sequence: Int64
        switch db.backend {
        case .sqlite:
            guard t.generatedKey == column else { return largest }
            sequence = Int64(try db.scalar("SELECT seq FROM sqlite_sequence WHERE name = ?", [.text(t.name)])?.int ?? 0)
        case .postgresql:
            sequence = Int64(try db.scalar("SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence(?, ?)::regclass), 0)",
                                           [.text(pgIdentifier(t.name)), .text(column)])?.int ?? 0)
        }
        return max(largest, sequence)
    }

    /// The generated keys' marks on both sides (`change_log.seq`, `conflict.id`).
    private static func keptMarks(_ source: any StoreConnection, _ target: any StoreConnection, schema: StoreSchema) throws -> [StoreCopyReport.Mark] {
        try schema.tables.compactMap { t in
            guard let column = t.generatedKey else { return nil }
            return .init(table: t.name, column: column, source: try mark(source, t, column: column), target: try mark(target, t, column: column))
        }
    }
}
