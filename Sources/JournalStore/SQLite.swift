import CSQLite
import Foundation

/// A value bound to or read from SQLite.
enum SQLValue: Sendable, Hashable {
    case null, int(Int64), double(Double), text(String), blob([UInt8])

    var text: String? { if case .text(let s) = self { return s }; if case .int(let i) = self { return String(i) }; return nil }
    var int: Int? { if case .int(let i) = self { return Int(i) }; return nil }
}

private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One SQLite connection with a statement cache. Not thread-safe: owned by one executor.
final class Database {
    private var handle: OpaquePointer?
    private var cache: [String: OpaquePointer] = [:]
    let path: String

    /// Opens (creating when absent, mode 0600) the database at `path`.
    ///
    /// `readOnly` opens with SQLITE_OPEN_READONLY and never creates the file. `immutable`
    /// (read-only media: a WAL database whose directory cannot hold the `-shm` index) opens
    /// it with the `immutable=1` URI parameter: SQLite then takes no lock and creates no file,
    /// trusting that nobody changes the database while it is open.
    init(path: String, readOnly: Bool = false, immutable: Bool = false) throws {
        self.path = path
        if !readOnly && path != ":memory:" && !FileManager.default.fileExists(atPath: path) {
            // Create the file ourselves so that it is 0600 from the first byte (personal data).
            let fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0o600)
            if fd >= 0 { close(fd) }
        }
        var flags = (readOnly || immutable ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        var name = path
        if immutable {
            flags |= SQLITE_OPEN_URI
            name = "file:" + Database.uriEscaped(path) + "?immutable=1"
        }
        let rc = sqlite3_open_v2(name, &handle, flags, nil)
        guard rc == SQLITE_OK else {
            let msg = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(handle)
            throw StoreFailure(code: rc, message: "\(path): \(msg)", sql: nil, path: path)
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 5000)
    }

    /// A path as the path part of a `file:` URI: every byte but unreserved ones and `/` escaped.
    static func uriEscaped(_ path: String) -> String {
        var out = ""
        for b in path.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let h = String(b, radix: 16, uppercase: true)
                out += "%" + (h.count == 1 ? "0" + h : h)
            }
        }
        return out
    }

    deinit {
        for (_, stmt) in cache { sqlite3_finalize(stmt) }
        sqlite3_close_v2(handle)
    }

    private func error(_ rc: Int32, _ sql: String?) -> StoreFailure {
        StoreFailure(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql, path: path)
    }

    /// Runs one or more statements without results.
    func exec(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let msg = err.map { String(cString: $0) } ?? "error"
            sqlite3_free(err)
            throw StoreFailure(code: rc, message: msg, sql: sql, path: path)
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let s = cache[sql] {
            sqlite3_reset(s)
            return s
        }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, sql) }
        cache[sql] = stmt
        return stmt
    }

    private func bind(_ stmt: OpaquePointer, _ args: [SQLValue], _ sql: String) throws {
        // A reused statement keeps its last values: cleared only when not all are bound again
        // (clearing always freed and reallocated every text's copy: 2.5% of a journal import).
        if Int(sqlite3_bind_parameter_count(stmt)) != args.count { sqlite3_clear_bindings(stmt) }
        for (i, v) in args.enumerated() {
            let idx = Int32(i + 1)
            let rc: Int32
            switch v {
            case .null: rc = sqlite3_bind_null(stmt, idx)
            case .int(let n): rc = sqlite3_bind_int64(stmt, idx, n)
            case .double(let d): rc = sqlite3_bind_double(stmt, idx, d)
            case .text(let s):
                // With its byte length: a U+0000 inside the text is kept, not the end of it.
                if s.isEmpty {
                    rc = sqlite3_bind_text(stmt, idx, "", 0, SQLITE_TRANSIENT)
                } else {
                    var s = s
                    rc = s.withUTF8 { u in
                        u.withMemoryRebound(to: CChar.self) { sqlite3_bind_text(stmt, idx, $0.baseAddress, Int32(u.count), SQLITE_TRANSIENT) }
                    }
                }
            case .blob(let b): rc = b.withUnsafeBytes { sqlite3_bind_blob(stmt, idx, $0.baseAddress, Int32(b.count), SQLITE_TRANSIENT) }
            }
            guard rc == SQLITE_OK else { throw error(rc, sql) }
        }
    }

    private func column(_ stmt: OpaquePointer, _ i: Int32) -> SQLValue {
        switch sqlite3_column_type(stmt, i) {
        case SQLITE_INTEGER: return .int(sqlite3_column_int64(stmt, i))
        case SQLITE_FLOAT: return .double(sqlite3_column_double(stmt, i))
        case SQLITE_TEXT:
            // By its byte count (asked after the text, as SQLite wants): a U+0000 inside is kept.
            guard let p = sqlite3_column_text(stmt, i) else { return .text("") }
            let n = Int(sqlite3_column_bytes(stmt, i))
            return .text(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(stmt, i))
            guard n > 0, let p = sqlite3_column_blob(stmt, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
        default: return .null
        }
    }

    /// Runs a statement that returns no rows (after opening the deferred savepoints).
    func run(_ sql: String, _ args: [SQLValue] = []) throws {
        while deferredSavepoints > 0 {
            deferredSavepoints -= 1
            try run("SAVEPOINT step")
        }
        let stmt = try prepared(sql)
        defer { sqlite3_reset(stmt) }
        try bind(stmt, args, sql)
        let rc = sqlite3_step(stmt)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw error(rc, sql) }
    }

    /// Calls `body` with each row's columns.
    func forEach(_ sql: String, _ args: [SQLValue] = [], _ body: ([SQLValue]) throws -> Void) throws {
        let stmt = try prepared(sql)
        defer { sqlite3_reset(stmt) }
        try bind(stmt, args, sql)
        let n = sqlite3_column_count(stmt)
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error(rc, sql) }
            var row: [SQLValue] = []
            row.reserveCapacity(Int(n))
            for i in 0..<n { row.append(column(stmt, i)) }
            try body(row)
        }
    }

    /// The first column of the first row, or nil.
    func scalar(_ sql: String, _ args: [SQLValue] = []) throws -> SQLValue? {
        var out: SQLValue?
        let stmt = try prepared(sql)
        defer { sqlite3_reset(stmt) }
        try bind(stmt, args, sql)
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { out = column(stmt, 0) } else if rc != SQLITE_DONE { throw error(rc, sql) }
        return out
    }

    var deferredSavepoints = 0
    var changes: Int { Int(sqlite3_changes(handle)) }
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try begin()
        do {
            let v = try body()
            try commit()
            return v
        } catch {
            rollback()
            throw error
        }
    }

    func begin() throws { try exec("BEGIN IMMEDIATE") }
    func commit() throws { try exec("COMMIT") }
    func rollback() { try? exec("ROLLBACK") }
}
