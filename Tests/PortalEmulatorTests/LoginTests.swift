import Foundation
import JournalModel
import Testing
@testable import PortalEmulator

struct LoginTests {
    @Test func cyrillicPasswordLogsInAndTokenOpensTheAPI() throws {
        let e = try startEmulator()
        defer { e.stop() }
        #expect(e.password == "Журнал2026")
        let c = PortalClient(e)
        let unauthenticated = try c.raw.send("GET", "/webapi/subjects")
        #expect(unauthenticated.status == 401)
        #expect(unauthenticated.json["message"]?.string == "Сессия завершена")

        let d = try c.raw.send("POST", "/webapi/auth/getdata")
        #expect(d.status == 200)
        let (lt, ver, salt) = (d.json["lt"]!.string!, d.json["ver"]!.string!, d.json["salt"]!.string!)
        let form = PortalClient.form(schoolID: e.schoolID, login: e.login, password: e.password, lt: lt, ver: ver, salt: salt)
        let r = try c.raw.send("POST", "/webapi/login", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                               body: Array((form + "&cid=2&sid=1&pid=-1&cn=3&sft=2").utf8))
        #expect(r.status == 200)
        #expect(r.json["timeOut"]?.int == 2_700_000)
        #expect(r.json["accountInfo"]?["user"]?["name"]?.string == "Ковалёва Н. П.")
        let token = try #require(r.json["at"]?.string)
        let subjects = try c.raw.send("GET", "/webapi/subjects", headers: ["AT": token])
        #expect(subjects.status == 200)
        #expect(subjects.json.array?.count == 7)
    }

    /// `pw` is the first N characters of `pw2`, N = the password's length in characters (10),
    /// not in UTF-8 bytes (16) nor the whole hash.
    @Test func pwIsCutAtThePasswordLengthInCharacters() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        func attempt(_ mutate: (String) -> String) throws -> Int {
            let d = try c.raw.send("POST", "/webapi/auth/getdata").json
            let form = mutate(PortalClient.form(schoolID: e.schoolID, login: e.login, password: e.password,
                                                lt: d["lt"]!.string!, ver: d["ver"]!.string!, salt: d["salt"]!.string!))
            return try c.raw.send("POST", "/webapi/login", body: Array(form.utf8)).status
        }
        #expect(try attempt { $0 } == 200)
        let pw2 = { (form: String) in URLEncoding.form(form)["pw2"]! }
        #expect(try attempt { f in f.replacingOccurrences(of: "pw=\(pw2(f).prefix(10))&", with: "pw=\(pw2(f).prefix(16))&") } == 409)
        #expect(try attempt { f in f.replacingOccurrences(of: "pw=\(pw2(f).prefix(10))&", with: "pw=\(pw2(f))&") } == 409)
    }

    @Test func wrongPasswordOrLoginAnswers409AndStaleLtAnswers400() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        var d = try c.raw.send("POST", "/webapi/auth/getdata").json
        var form = PortalClient.form(schoolID: e.schoolID, login: e.login, password: "Журнал2025",
                                     lt: d["lt"]!.string!, ver: d["ver"]!.string!, salt: d["salt"]!.string!)
        var r = try c.raw.send("POST", "/webapi/login", body: Array(form.utf8))
        #expect(r.status == 409)
        #expect(r.json["message"]?.string == "Неправильный пароль или имя пользователя")
        // The lt was used up by that attempt.
        r = try c.raw.send("POST", "/webapi/login", body: Array(form.utf8))
        #expect(r.status == 400)

        d = try c.raw.send("POST", "/webapi/auth/getdata").json
        form = PortalClient.form(schoolID: e.schoolID, login: "someone.else", password: e.password,
                                 lt: d["lt"]!.string!, ver: d["ver"]!.string!, salt: d["salt"]!.string!)
        #expect(try c.raw.send("POST", "/webapi/login", body: Array(form.utf8)).status == 409)
        // A UTF-8 hash of the password (not cp1251) is wrong too.
        d = try c.raw.send("POST", "/webapi/auth/getdata").json
        let pw2 = MD5.hex(d["salt"]!.string! + MD5.hex(e.password))
        form = "loginType=1&scid=\(e.schoolID)&un=\(e.login)&pw=\(pw2.prefix(10))&pw2=\(pw2)&lt=\(d["lt"]!.string!)&ver=\(d["ver"]!.string!)"
        #expect(try c.raw.send("POST", "/webapi/login", body: Array(form.utf8)).status == 409)
    }

    @Test func expiredTokenAnswers401ThenLoggingInAgainWorks() throws {
        let clock = TestClock()
        let e = try startEmulator { $0.clock = clock.function; $0.tokenLifetime = 60 }
        defer { e.stop() }
        let c = PortalClient(e)
        try c.login()
        let token = c.token!
        clock.advance(50)
        #expect(try c.raw.send("GET", "/webapi/terms", headers: ["at": token]).status == 200)
        clock.advance(50)  // sliding: 50 s after the last request, still open
        #expect(try c.raw.send("GET", "/webapi/terms", headers: ["at": token]).status == 200)
        clock.advance(61)
        let expired = try c.raw.send("GET", "/webapi/terms", headers: ["at": token])
        #expect(expired.status == 401)
        #expect(expired.json["message"]?.string == "Сессия завершена")
        try c.login()
        #expect(c.token != token)
        #expect(try c.raw.send("GET", "/webapi/terms", headers: ["at": c.token!]).status == 200)
    }

    @Test func logoutEndsTheSessionAndControlCanIssueATokenFile() throws {
        let e = try startEmulator()
        defer { e.stop() }
        let c = PortalClient(e)
        try c.login()
        #expect(try c.raw.send("POST", "/webapi/auth/logout", headers: ["at": c.token!]).status == 200)
        #expect(try c.raw.send("GET", "/webapi/terms", headers: ["at": c.token!]).status == 401)
        let session = try control(e, "POST", "/_emulator/session")
        let token = try #require(session["at"]?.string)
        #expect(try c.raw.send("GET", "/webapi/terms", headers: ["at": token]).status == 200)
    }
}
