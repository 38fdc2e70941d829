import CCrypto
import Foundation

/// Why signing or hashing failed (a key or certificate unreadable, libcrypto refusing).
struct ArchiveCryptoError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }

    /// The message with libcrypto's own reason appended.
    static func libcrypto(_ what: String) -> ArchiveCryptoError {
        var reasons: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buf = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buf, buf.count)
            reasons.append(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return ArchiveCryptoError(message: what + (reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")))"))
    }
}

/// Hashes for the manifest: SHA-256 always, ГОСТ Р 34.11-2012 (Стрибог-256) when OpenSSL's
/// gost engine or provider is configured.
enum ArchiveHash {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func sha256(_ data: Data) -> String { hex(digest(data, EVP_sha256())!) }

    /// nil when no Стрибог implementation is available.
    static func streebog256(_ data: Data) -> String? {
        _ = loadConfig
        guard let md = EVP_get_digestbyname("md_gost12_256") else { return nil }
        return digest(data, md).map(hex)
    }

    static var streebogAvailable: Bool { _ = loadConfig; return EVP_get_digestbyname("md_gost12_256") != nil }

    private static let loadConfig: Void = {
        _ = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_LOAD_CONFIG), nil)
    }()

    private static func digest(_ data: Data, _ md: OpaquePointer?) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var len: UInt32 = 0
        let ok = data.withUnsafeBytes { EVP_Digest($0.baseAddress, data.count, &out, &len, md, nil) }
        return ok == 1 ? Array(out.prefix(Int(len))) : nil
    }
}

/// Detached CMS (PKCS #7) signatures in DER, `-binary` semantics, made by libcrypto with the
/// certificate's own algorithm (RSA, ECDSA, or ГОСТ Р 34.10-2012 when the gost engine is set up).
final class CMSSigner {
    private let key: OpaquePointer
    private let cert: OpaquePointer
    private let chain: OpaquePointer?

    /// PEM key and certificate, or a PKCS #12 file as `keyPath` (with `certPath` nil or the same).
    init(keyPath: String, certPath: String?, password: String?) throws {
        _ = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_LOAD_CONFIG), nil)
        guard let keyData = FileManager.default.contents(atPath: keyPath) else {
            throw ArchiveCryptoError(message: "\(keyPath): cannot read the signing key")
        }
        let isP12 = keyPath.hasSuffix(".p12") || keyPath.hasSuffix(".pfx")
        if isP12 {
            let p12 = keyData.withUnsafeBytes { raw -> OpaquePointer? in
                let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count))
                defer { BIO_free(bio) }
                return d2i_PKCS12_bio(bio, nil)
            }
            guard let p12 else { throw ArchiveCryptoError.libcrypto("\(keyPath): not a PKCS #12 file") }
            defer { PKCS12_free(p12) }
            var k: OpaquePointer?, c: OpaquePointer?, ca: OpaquePointer?
            guard PKCS12_parse(p12, password, &k, &c, &ca) == 1, let k, let c else {
                throw ArchiveCryptoError.libcrypto("\(keyPath): cannot open the PKCS #12 file (wrong password in --sign-pass-file?)")
            }
            key = k; cert = c; chain = ca
            return
        }
        guard let certPath, let certData = FileManager.default.contents(atPath: certPath) else {
            throw ArchiveCryptoError(message: "\(certPath ?? "--sign-cert"): cannot read the certificate")
        }
        let k = keyData.withUnsafeBytes { raw -> OpaquePointer? in
            let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count))
            defer { BIO_free(bio) }
            guard let password else { return PEM_read_bio_PrivateKey(bio, nil, nil, nil) }
            return password.withCString { PEM_read_bio_PrivateKey(bio, nil, nil, UnsafeMutableRawPointer(mutating: $0)) }
        }
        guard let k else { throw ArchiveCryptoError.libcrypto("\(keyPath): not a PEM private key (or a wrong password)") }
        let c = certData.withUnsafeBytes { raw -> OpaquePointer? in
            let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count))
            defer { BIO_free(bio) }
            return PEM_read_bio_X509(bio, nil, nil, nil)
        }
        guard let c else {
            EVP_PKEY_free(k)
            throw ArchiveCryptoError.libcrypto("\(certPath): not a PEM certificate")
        }
        guard X509_check_private_key(c, k) == 1 else {
            EVP_PKEY_free(k); X509_free(c)
            throw ArchiveCryptoError.libcrypto("\(keyPath) does not belong to the certificate \(certPath)")
        }
        key = k; cert = c; chain = nil
    }

    deinit {
        EVP_PKEY_free(key)
        X509_free(cert)
        if let chain { OPENSSL_sk_pop_free(chain) { X509_free(OpaquePointer($0)) } }
    }

    /// The certificate's subject, one line (for the manifest).
    var subject: String {
        guard let name = X509_get_subject_name(cert), let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        // XN_FLAG_RFC2253 without ASN1_STRFLGS_ESC_MSB (UTF-8 kept): ESC_2253 | ESC_CTRL |
        // UTF8_CONVERT | SEP_COMMA_PLUS | DN_REV (the macro itself does not import into Swift).
        let flags: UInt = 0x1 | 0x2 | 0x10 | (1 << 16) | (1 << 20)
        guard X509_NAME_print_ex(bio, name, 0, flags) >= 0 else { return "" }
        var pointer: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &pointer)
        guard length > 0, let pointer else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    /// A detached signature of `data`, DER.
    func sign(_ data: Data) throws -> Data {
        let flags = UInt32(CMS_BINARY | CMS_DETACHED)
        let cms = data.withUnsafeBytes { raw -> OpaquePointer? in
            let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count))
            defer { BIO_free(bio) }
            return CMS_sign(cert, key, chain, bio, flags)
        }
        guard let cms else { throw ArchiveCryptoError.libcrypto("cannot sign") }
        defer { CMS_ContentInfo_free(cms) }
        guard let out = BIO_new(BIO_s_mem()) else { throw ArchiveCryptoError.libcrypto("cannot allocate") }
        defer { BIO_free(out) }
        guard i2d_CMS_bio(out, cms) == 1 else { throw ArchiveCryptoError.libcrypto("cannot encode the signature") }
        var pointer: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(out, BIO_CTRL_INFO, 0, &pointer)
        guard length > 0, let pointer else { throw ArchiveCryptoError.libcrypto("empty signature") }
        return Data(bytes: pointer, count: length)
    }

    /// Whether `signature` is a valid detached signature of `data` (the signer's certificate
    /// is not checked against a trust store here: `openssl cms -verify -CAfile` does that).
    static func verify(_ signature: Data, of data: Data) -> Bool {
        let cms = signature.withUnsafeBytes { raw -> OpaquePointer? in
            let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count))
            defer { BIO_free(bio) }
            return d2i_CMS_bio(bio, nil)
        }
        guard let cms else { ERR_clear_error(); return false }
        defer { CMS_ContentInfo_free(cms) }
        let ok = data.withUnsafeBytes { raw -> Int32 in
            let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count))
            defer { BIO_free(bio) }
            return CMS_verify(cms, nil, nil, bio, nil, UInt32(CMS_BINARY | CMS_DETACHED | CMS_NO_SIGNER_CERT_VERIFY))
        }
        ERR_clear_error()
        return ok == 1
    }
}
