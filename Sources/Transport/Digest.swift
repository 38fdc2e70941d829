import CCrypto
import Foundation

/// Hashes from the system's libcrypto (OpenSSL): nothing hand-written.
public enum Digest {
    /// Lower-case hex MD5 of `bytes` (the АСУ РСО login scheme needs it).
    public static func md5Hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        hex(digest(Array(bytes), EVP_md5()))
    }

    /// Lower-case hex SHA-256 of `bytes`.
    public static func sha256Hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        hex(digest(Array(bytes), EVP_sha256()))
    }

    private static func digest(_ input: [UInt8], _ md: OpaquePointer?) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var len: UInt32 = 0
        let ok = input.withUnsafeBytes { EVP_Digest($0.baseAddress, input.count, &out, &len, md, nil) }
        precondition(ok == 1, "libcrypto digest failed")
        return Array(out.prefix(Int(len)))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var s = [UInt8]()
        s.reserveCapacity(bytes.count * 2)
        for b in bytes { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
        return String(decoding: s, as: UTF8.self)
    }
}
