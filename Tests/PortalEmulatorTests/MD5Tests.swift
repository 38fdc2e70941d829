import Foundation
import Testing
@testable import PortalEmulator

struct MD5Tests {
    @Test func rfc1321TestSuite() {
        let vectors: [(String, String)] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (input, digest) in vectors { #expect(MD5.hex(input) == digest, "md5(\"\(input)\")") }
    }

    @Test func blockBoundariesAndLongInput() {
        // 55, 56 and 64 bytes straddle the padding boundary; 1000 bytes spans many blocks.
        #expect(MD5.hex(String(repeating: "a", count: 55)) == "ef1772b6dff9a122358552954ad0df65")
        #expect(MD5.hex(String(repeating: "a", count: 56)) == "3b0c8ac703f828b04c6c197006d17218")
        #expect(MD5.hex(String(repeating: "a", count: 64)) == "014842d480b571495a4a0363793f7367")
        #expect(MD5.hex(String(repeating: "a", count: 1000)) == "cabe45dcc9ae5b66ba86600cca6b8ba8")
    }

    /// Pins `String.data(using: .windowsCP1251)` (broken on Swift 6.0/6.1) and the login hash.
    @Test func cp1251PasswordHash() {
        let bytes = [UInt8]("Журнал2026".data(using: .windowsCP1251)!)
        #expect(bytes == [198, 243, 240, 237, 224, 235, 50, 48, 50, 54])
        #expect(MD5.hex(bytes) == "8928288558d67ba477fd13881706dfec")
        let pw2 = Sessions.expectedPW2(salt: "43851926", password: "Журнал2026")
        #expect(pw2 == "0b9fb91e709fc3cf80748f7b5b95b4e5")
    }
}
