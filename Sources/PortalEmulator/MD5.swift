import Transport

/// MD5 for the АСУ РСО login scheme and request fingerprints, from the system's
/// libcrypto (see `Transport.Digest`): never hand-written.
public enum MD5 {
    public static func hex(_ bytes: [UInt8]) -> String { Digest.md5Hex(bytes) }
    public static func hex(_ text: String) -> String { Digest.md5Hex(Array(text.utf8)) }
}
