import CPostgreSQL

extension PGConnection {
    /// Loads `rows` into `table` (its `columns`, in order) with `COPY … FROM STDIN` in the text
    /// format: one round trip for the whole load instead of one per row. Returns the number of
    /// rows copied. Inside a transaction the load is part of it; a bad row fails the whole COPY
    /// (nothing of it is kept).
    @discardableResult
    func copy(into table: String, columns: [String], rows: some Sequence<[SQLValue]>) throws -> Int {
        try copy(into: table, columns: columns) { put in for row in rows { try put(row) } }
    }

    /// The same load, with the rows pushed by `produce` (which calls its argument once per row,
    /// e.g. from another database's `forEach`): nothing is held in memory but a 256 KB chunk.
    /// When `produce` throws, the COPY is ended with an error (the server keeps none of it)
    /// and its error is rethrown.
    @discardableResult
    func copy(into table: String, columns: [String], produce: (_ put: ([SQLValue]) throws -> Void) throws -> Void) throws -> Int {
        let sql = "COPY " + pgIdentifier(table) + " (" + columns.map(pgIdentifier).joined(separator: ", ") + ") FROM STDIN"
        let start = PQexec(conn, sql)
        let status = PQresultStatus(start)
        guard start != nil, status == PGRES_COPY_IN else {
            defer { PQclear(start) }
            throw failure(start, sql)
        }
        PQclear(start)

        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 18)
        var sendError: String?
        func flush() {
            guard !buffer.isEmpty, sendError == nil else { buffer.removeAll(keepingCapacity: true); return }
            let rc = buffer.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { PQputCopyData(conn, $0.baseAddress, Int32($0.count)) }
            }
            if rc != 1 { sendError = String(cString: PQerrorMessage(conn)) }
            buffer.removeAll(keepingCapacity: true)
        }
        /// Stops the producer once the COPY cannot go on.
        struct Stop: Error {}
        var count = 0
        var producerError: (any Error)?
        do {
            try produce { row in
                if row.count != columns.count {
                    sendError = "row \(count + 1) has \(row.count) values for \(columns.count) columns"
                }
                for case .text(let t) in row where t.utf8.contains(0) {
                    sendError = "row \(count + 1) of \(table) holds U+0000 in a text value, which PostgreSQL cannot store"
                }
                if sendError != nil { throw Stop() }
                for (i, v) in row.enumerated() {
                    if i > 0 { buffer.append(9) }
                    PGConnection.appendCopyText(v, to: &buffer)
                }
                buffer.append(10)
                count += 1
                if buffer.count >= 1 << 18 { flush() }
                if sendError != nil { throw Stop() }
            }
        } catch is Stop {
        } catch {
            producerError = error
            if sendError == nil { sendError = "the rows could not be read: \(error)" }
        }
        flush()
        // Ending the COPY with an error message makes the server refuse (and undo) all of it.
        let endRC = sendError.map { PQputCopyEnd(conn, $0) } ?? PQputCopyEnd(conn, nil)
        var failureSeen: StoreFailure?
        while let result = PQgetResult(conn) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, failureSeen == nil { failureSeen = failure(result, sql) }
            PQclear(result)
        }
        if let producerError { throw producerError }
        if let failureSeen {
            if let sendError { throw StoreFailure.postgres(sqlstate: "22P04", message: sendError, sql: sql, location: location.redacted) }
            throw failureSeen
        }
        guard endRC == 1 else { throw failure(nil, sql) }
        return count
    }

    /// A value in COPY's text format: `\N` for NULL; backslash, tab, newline and carriage
    /// return escaped; a blob as `bytea`'s hex form (`\\x…` once escaped).
    static func appendCopyText(_ value: SQLValue, to out: inout [UInt8]) {
        switch value {
        case .null:
            out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "N"))
        case .int(let n):
            out.append(contentsOf: String(n).utf8)
        case .double(let d):
            out.append(contentsOf: text(d).utf8)
        case .text(let s):
            for b in s.utf8 {
                switch b {
                case UInt8(ascii: "\\"): out.append(b); out.append(b)
                case 9: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
                case 10: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case 13: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
                default: out.append(b)
                }
            }
        case .blob(let bytes):
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "x"))
            for b in bytes { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
        }
    }
}
