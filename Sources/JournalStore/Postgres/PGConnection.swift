import CPostgreSQL
import Foundation

/// One libpq connection with a prepared-statement cache: the PostgreSQL counterpart of
/// ``Database``. Not thread-safe: owned by one executor.
///
/// Statements take `$1, $2, …` placeholders; values go as ``SQLValue`` — text, integers and
/// doubles in the text protocol, blobs as binary `bytea` parameters (no escaping) — and come
/// back as ``SQLValue`` by the column's type: integers (`int2/4/8`, and `bool` as 0/1) as
/// `.int`, `float4/8` and `numeric` as `.double` (an integral `numeric` as `.int`), `bytea` as `.blob`, everything else as
/// `.text`, SQL NULL as `.null`. Every failure is a ``StoreFailure`` (SQLSTATE mapped onto the
/// store's categories, `StoreFailure+Postgres.swift`).
final class PGConnection {
    /// The libpq connection (`PGconn *`); internal for the COPY extension.
    private(set) var conn: OpaquePointer?
    private var statements: [String: String] = [:]
    private var savepointDepth = 0
    /// Where the connection goes (for messages: ``PGLocation/redacted``).
    let location: PGLocation

    /// Rows changed by the last statement run through ``run(_:_:)`` (`INSERT`, `UPDATE`, `DELETE`, `COPY`).
    private(set) var changes = 0

    /// Connects to `location`'s server (its school's schema is not entered: see ``PGSchool``).
    init(_ location: PGLocation) throws {
        self.location = location
        conn = PQconnectdb(location.conninfo)
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let msg = conn.map { PGConnection.trimmed(String(cString: PQerrorMessage($0))) } ?? "out of memory"
            PQfinish(conn)
            self.conn = nil
            throw StoreFailure.postgresUnavailable("cannot connect to \(location.redacted): \(msg)", location: location.redacted)
        }
        guard PQsetClientEncoding(conn, "UTF8") == 0 else {
            throw StoreFailure.postgresUnavailable("the server refuses the UTF8 client encoding", location: location.redacted)
        }
        // Notices (`IF NOT EXISTS` skipped, an advisory lock not held) are not printed on stderr.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        try exec("SET TIME ZONE 'UTC'; SET standard_conforming_strings = on")
    }

    deinit { PQfinish(conn) }

    /// The server's version, e.g. 150014 for 15.14.
    var serverVersion: Int { Int(PQserverVersion(conn)) }

    private static func trimmed(_ s: String) -> String {
        s.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The failure `result` reports (or the connection's, when there is no result).
    func failure(_ result: OpaquePointer?, _ sql: String?) -> StoreFailure {
        if PQstatus(conn) != CONNECTION_OK {
            return .postgresUnavailable("the connection to \(location.redacted) was lost: \(PGConnection.trimmed(String(cString: PQerrorMessage(conn))))",
                                        location: location.redacted)
        }
        guard let result else {
            return .postgres(sqlstate: "XX000", message: PGConnection.trimmed(String(cString: PQerrorMessage(conn))), sql: sql, location: location.redacted)
        }
        let state = PQresultErrorField(result, PGConnection.diagSQLState).map { String(cString: $0) } ?? "XX000"
        let primary = PQresultErrorField(result, PGConnection.diagPrimary).map { String(cString: $0) }
            ?? PGConnection.trimmed(String(cString: PQresultErrorMessage(result)))
        let detail = PQresultErrorField(result, PGConnection.diagDetail).map { " (" + String(cString: $0) + ")" } ?? ""
        return .postgres(sqlstate: state, message: primary + detail, sql: sql, location: location.redacted)
    }

    // PG_DIAG_SQLSTATE, PG_DIAG_MESSAGE_PRIMARY, PG_DIAG_MESSAGE_DETAIL (character macros Swift does not import).
    private static let diagSQLState = Int32(UInt8(ascii: "C")), diagPrimary = Int32(UInt8(ascii: "M")), diagDetail = Int32(UInt8(ascii: "D"))

    /// Runs one or more statements without parameters or results (DDL, `SET`, `BEGIN`).
    func exec(_ sql: String) throws {
        let result = PQexec(conn, sql)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard result != nil, status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(result, sql) }
    }

    /// The cached prepared statement for `sql` (prepared on first use; parameter types inferred by the server).
    private func prepared(_ sql: String) throws -> String {
        if let name = statements[sql] { return name }
        let name = "jg\(statements.count + 1)"
        let result = PQprepare(conn, name, sql, 0, nil)
        defer { PQclear(result) }
        guard result != nil, PQresultStatus(result) == PGRES_COMMAND_OK else { throw failure(result, sql) }
        statements[sql] = name
        return name
    }

    /// How many statements are prepared on this connection.
    var preparedCount: Int { statements.count }

    /// Executes `sql` with `args` and returns the result (the caller clears it).
    private func execute(_ sql: String, _ args: [SQLValue]) throws -> OpaquePointer {
        // PostgreSQL's text cannot hold U+0000 (SQLite's can); a text parameter would end at it.
        for case .text(let t) in args where t.utf8.contains(0) {
            throw StoreFailure.postgres(sqlstate: "22021", message: "a text value holds U+0000, which PostgreSQL cannot store", sql: sql, location: location.redacted)
        }
        let name = try prepared(sql)
        // One buffer holds every parameter's bytes (text NUL-terminated); pointers into it follow.
        var bytes: [UInt8] = []
        var offsets: [Int?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for v in args {
            switch v {
            case .null:
                offsets.append(nil); lengths.append(0); formats.append(0)
            case .int(let n): append(String(n).utf8, text: true)
            case .double(let d): append(PGConnection.text(d).utf8, text: true)
            case .text(let s): append(s.utf8, text: true)
            case .blob(let b):
                offsets.append(bytes.count); bytes.append(contentsOf: b); lengths.append(Int32(b.count)); formats.append(1)
            }
        }
        func append(_ utf8: String.UTF8View, text: Bool) {
            offsets.append(bytes.count)
            bytes.append(contentsOf: utf8)
            lengths.append(Int32(utf8.count))
            bytes.append(0)
            formats.append(0)
        }
        if bytes.isEmpty { bytes.append(0) }
        let result: OpaquePointer? = bytes.withUnsafeBufferPointer { buf in
            let base = UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self)
            let values: [UnsafePointer<CChar>?] = offsets.map { $0.map { base + $0 } }
            return values.withUnsafeBufferPointer { vp in
                PQexecPrepared(conn, name, Int32(args.count), vp.baseAddress, lengths, formats, 0)
            }
        }
        let status = PQresultStatus(result)
        guard let result, status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            defer { PQclear(result) }
            throw failure(result, sql)
        }
        return result
    }

    /// A double as PostgreSQL's `float8` input reads it back exactly (shortest round trip).
    static func text(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        return "\(d)"
    }

    /// Runs a statement; its rows, if any, are dropped.
    func run(_ sql: String, _ args: [SQLValue] = []) throws {
        let result = try execute(sql, args)
        defer { PQclear(result) }
        changes = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// Calls `body` with each row's columns.
    func forEach(_ sql: String, _ args: [SQLValue] = [], _ body: ([SQLValue]) throws -> Void) throws {
        let result = try execute(sql, args)
        defer { PQclear(result) }
        let rows = PQntuples(result), columns = PQnfields(result)
        let types = (0..<columns).map { PQftype(result, $0) }
        var row: [SQLValue] = []
        row.reserveCapacity(Int(columns))
        for r in 0..<rows {
            row.removeAll(keepingCapacity: true)
            for c in 0..<columns { row.append(PGConnection.value(result, r, c, types[Int(c)])) }
            try body(row)
        }
    }

    /// All rows.
    func rows(_ sql: String, _ args: [SQLValue] = []) throws -> [[SQLValue]] {
        var out: [[SQLValue]] = []
        try forEach(sql, args) { out.append($0) }
        return out
    }

    /// The first column of the first row, or nil when there is no row.
    func scalar(_ sql: String, _ args: [SQLValue] = []) throws -> SQLValue? {
        let result = try execute(sql, args)
        defer { PQclear(result) }
        guard PQntuples(result) > 0, PQnfields(result) > 0 else { return nil }
        return PGConnection.value(result, 0, 0, PQftype(result, 0))
    }

    // Type OIDs (pg_type.h).
    private static let boolOID: Oid = 16, byteaOID: Oid = 17, int8OID: Oid = 20, int2OID: Oid = 21, int4OID: Oid = 23,
                       oidOID: Oid = 26, float4OID: Oid = 700, float8OID: Oid = 701, numericOID: Oid = 1700

    /// One cell of a text-format result as an ``SQLValue``, by the column's type.
    private static func value(_ result: OpaquePointer, _ row: Int32, _ column: Int32, _ type: Oid) -> SQLValue {
        if PQgetisnull(result, row, column) != 0 { return .null }
        let n = Int(PQgetlength(result, row, column))
        let p = UnsafeRawPointer(PQgetvalue(result, row, column)!).assumingMemoryBound(to: UInt8.self)
        let bytes = UnsafeBufferPointer(start: p, count: n)
        switch type {
        case int8OID, int4OID, int2OID, oidOID:
            return Int64(String(decoding: bytes, as: UTF8.self)).map(SQLValue.int) ?? .text(String(decoding: bytes, as: UTF8.self))
        case boolOID:
            return .int(n > 0 && bytes[0] == UInt8(ascii: "t") ? 1 : 0)
        case numericOID:
            // An integral numeric (`sum` of bigint) as an integer, as SQLite's sum gives one.
            let s = String(decoding: bytes, as: UTF8.self)
            if let i = Int64(s) { return .int(i) }
            return Double(s).map(SQLValue.double) ?? .text(s)
        case float8OID, float4OID:
            let s = String(decoding: bytes, as: UTF8.self)
            return Double(s).map(SQLValue.double) ?? .text(s)
        case byteaOID:
            return .blob(hexBytea(bytes))
        default:
            return .text(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// `bytea` in its text output form (`\x` then two hex digits a byte) back to bytes.
    private static func hexBytea(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x") else { return Array(text) }
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default: return c - UInt8(ascii: "A") + 10
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity((text.count - 2) / 2)
        var i = 2
        while i + 1 < text.count { out.append(nibble(text[i]) << 4 | nibble(text[i + 1])); i += 2 }
        return out
    }

    // MARK: Transactions

    /// The isolation level of a transaction. The store's writers hold the school's run lock
    /// (an advisory lock), so `readCommitted` suffices for them; `serializable` is for
    /// transactions that rely on nobody else writing in between without such a lock.
    enum Isolation: String { case readCommitted = "READ COMMITTED", repeatableRead = "REPEATABLE READ", serializable = "SERIALIZABLE" }

    /// Runs `body` inside `BEGIN … COMMIT`, rolling back when it throws.
    func transaction<T>(_ isolation: Isolation = .readCommitted, _ body: () throws -> T) throws -> T {
        try exec("BEGIN ISOLATION LEVEL " + isolation.rawValue)
        do {
            let v = try body()
            try exec("COMMIT")
            return v
        } catch {
            try? exec("ROLLBACK")
            throw error
        }
    }

    /// ``transaction(_:_:)`` run again (up to `attempts` times in all) while it fails with a
    /// retryable failure (serialization failure, deadlock).
    func retryingTransaction<T>(_ isolation: Isolation = .serializable, attempts: Int = 5, _ body: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            do { return try transaction(isolation, body) } catch let f as StoreFailure where f.isRetryable && attempt < attempts {
                attempt += 1
            }
        }
    }

    /// Runs `body` inside a savepoint (inside a transaction): when it throws, only its work is
    /// undone and the transaction goes on (in PostgreSQL a failed statement aborts the whole
    /// transaction unless it is rolled back to a savepoint).
    func savepoint<T>(_ body: () throws -> T) throws -> T {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "jg_sp\(savepointDepth)"
        try exec("SAVEPOINT " + name)
        do {
            let v = try body()
            try exec("RELEASE SAVEPOINT " + name)
            return v
        } catch {
            try? exec("ROLLBACK TO SAVEPOINT " + name + "; RELEASE SAVEPOINT " + name)
            throw error
        }
    }

    /// Whether a transaction is open (and whether it is aborted, waiting for a rollback).
    var inTransaction: Bool { PQtransactionStatus(conn) != PQTRANS_IDLE }

    // MARK: Advisory locks (the run lock's PostgreSQL form)

    /// Takes the session-level advisory lock named `key` without waiting; false when another
    /// session holds it.
    func tryAdvisoryLock(_ key: String) throws -> Bool {
        try scalar("SELECT pg_try_advisory_lock(hashtextextended($1::text, 0))", [.text(key)])?.int == 1
    }

    /// Releases the session-level advisory lock named `key`; false when this session did not hold it.
    @discardableResult
    func advisoryUnlock(_ key: String) throws -> Bool {
        try scalar("SELECT pg_advisory_unlock(hashtextextended($1::text, 0))", [.text(key)])?.int == 1
    }
}
