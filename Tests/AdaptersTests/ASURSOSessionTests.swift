import Foundation
import Testing
@testable import Adapters

struct ASURSOLoginTests {
    @Test func passwordHashesUseWindows1251AndTheCharacterCount() {
        // Reference computed independently (Python: md5(salt + md5(pw.encode("cp1251")).hexdigest())).
        let (pw, pw2) = ASURSOSession.passwordHashes(password: "Журнал2026", salt: "43851926")
        #expect(pw2 == "0b9fb91e709fc3cf80748f7b5b95b4e5")
        #expect(pw == "0b9fb91e70", "10 characters, not 16 UTF-8 bytes")
    }

    @Test func formEncodingEscapesCyrillicAndReserved() {
        let body = String(decoding: ASURSOSession.formEncode([("un", "Ковалёва"), ("pw", "a&b=c")]), as: UTF8.self)
        #expect(body == "un=%D0%9A%D0%BE%D0%B2%D0%B0%D0%BB%D1%91%D0%B2%D0%B0&pw=a%26b%3Dc")
    }
}
