import CCrypto

/// A table's row count and checksum, computed the same way on every backend from the values
/// as the store reads them back (docs/region.md, "Moving a school onto the region's store").
///
/// The checksum is SHA-256 (the system's libcrypto) over the table's rows in primary-key order,
/// each row the concatenation of its columns' canonical encodings, in the order ``StoreSchema``
/// lists them:
/// - NULL: the byte `0x00`;
/// - an integer: `0x01`, then its 8 bytes, two's complement, big-endian;
/// - a real: `0x02`, then the 8 bytes of its IEEE 754 binary64 form, big-endian;
/// - a text: `0x03`, its UTF-8 byte count as 8 bytes big-endian, then those bytes;
/// - a blob: `0x04`, its byte count as 8 bytes big-endian, then the bytes.
/// One normalisation: `change_log.changes` written before schema 4 may be JSON text on SQLite,
/// and PostgreSQL keeps that column as `bytea`; a text there counts as the blob of its UTF-8 bytes.
struct StoreChecksum {
    private var context: OpaquePointer?
    private(set) var rows = 0
    private var buffer: [UInt8] = []
    /// Columns whose text counts as a blob (by position in the row).
    private let bytesColumns: Set<Int>

    init(bytesColumns: Set<Int> = []) {
        self.bytesColumns = bytesColumns
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
        buffer.reserveCapacity(1 << 16)
    }

    /// Adds one row.
    mutating func add(_ row: [SQLValue]) {
        for (i, value) in row.enumerated() {
            switch value {
            case .null:
                buffer.append(0)
            case .int(let n):
                buffer.append(1); appendBigEndian(UInt64(bitPattern: n))
            case .double(let d):
                buffer.append(2); appendBigEndian(d.bitPattern)
            case .text(let s):
                buffer.append(bytesColumns.contains(i) ? 4 : 3)
                appendBigEndian(UInt64(s.utf8.count)); buffer.append(contentsOf: s.utf8)
            case .blob(let b):
                buffer.append(4); appendBigEndian(UInt64(b.count)); buffer.append(contentsOf: b)
            }
        }
        rows += 1
        if buffer.count >= 1 << 16 { flush() }
    }

    private mutating func appendBigEndian(_ v: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { buffer.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    private mutating func flush() {
        guard !buffer.isEmpty else { return }
        let ctx = context
        buffer.withUnsafeBytes { _ = EVP_DigestUpdate(ctx, $0.baseAddress, $0.count) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// The lower-case hex SHA-256 of every row added (the context is freed: call once).
    mutating func finish() -> String {
        flush()
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        EVP_MD_CTX_free(context)
        context = nil
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for b in out.prefix(Int(length)) { hex.append(digits[Int(b >> 4)]); hex.append(digits[Int(b & 15)]) }
        return String(decoding: hex, as: UTF8.self)
    }
}
