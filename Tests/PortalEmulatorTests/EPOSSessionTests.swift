import Foundation
import JournalModel
import Testing
@testable import PortalEmulator

struct EPOSSessionTests {
    @Test func aTokenCarriesItsExpiryInPermTimeAndTheProfile() throws {
        let clock = TestClock()
        let e = try startEPOS { $0.clock = clock.function }
        defer { e.stop() }
        #expect(e.readyLine == "url=\(e.url.absoluteString) school-id=59-122 login=kovaleva.np password=Журнал2026")
        let c = try EPOSClient(e, signIn: false)
        let r = try c.signIn()
        #expect(r.status == 200)
        // The clock stands at 2026-11-22 16:00 UTC = 21:00 in Perm; tokens live 2 hours.
        #expect(r.json["expires_at"]?.string == "2026-11-22T23:00:00+05:00")
        #expect(r.json["profile_id"]?.string == "p-301")
        #expect(try c.get("/core/api/subjects").status == 200)

        clock.advance(7200)
        let expired = try c.get("/core/api/subjects")
        #expect(expired.status == 401 && expired.json["error"]?.string == "token_expired")
        #expect(try c.signIn().status == 200)
        #expect(try c.get("/core/api/subjects").status == 200)
    }

    @Test func wrongCredentialsHeadersAndBodiesAreRefused() throws {
        let e = try startEPOS()
        defer { e.stop() }
        let c = try EPOSClient(e, signIn: false)
        let wrong = try c.signIn(password: "журнал2026")
        #expect(wrong.status == 401 && wrong.json["error"]?.string == "invalid_credentials")
        let bad = try c.raw.send("POST", "/v2/token", body: Array("login=kovaleva.np".utf8))
        #expect(bad.status == 400)
        let none = try c.get("/core/api/subjects")
        #expect(none.status == 401 && none.json["error"]?.string == "unauthorized")
        c.token = "0123"
        #expect(try c.get("/core/api/subjects").json["error"]?.string == "invalid_token")

        try c.signIn()
        c.profileID = "p-999"
        #expect(try c.get("/core/api/subjects").status == 403)
        c.profileID = "p-301"
        #expect(try c.get("/core/api/subjects").status == 200)
        #expect(try c.send("DELETE", "/core/api/subjects").status == 405)
        #expect(try c.get("/core/api/lessons").status == 404)
        #expect(try c.send("PUT", "/core/api/students/st-4001", obj(["last_name": "Иванова"])).status == 405)
    }

    @Test func endedSessionsAnswerTokenExpired() throws {
        let e = try startEPOS()
        defer { e.stop() }
        let c = try EPOSClient(e)
        #expect(try control(e, "POST", "/_emulator/expire-sessions")["ended"]?.int == 1)
        let r = try c.get("/core/api/periods")
        #expect(r.status == 401 && r.json["error"]?.string == "token_expired")
        // A token taken without a login (as from a browser) works like any other.
        let session = try control(e, "POST", "/_emulator/session")
        c.token = session["token"]?.string
        #expect(try c.get("/core/api/periods").json.array?.count == 4)
    }
}
