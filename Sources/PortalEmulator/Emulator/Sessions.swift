import Foundation
import JournalModel

/// Logins in progress and open sessions (`at` tokens).
///
/// Login is the platform's salted MD5: `auth/getdata` hands out a one-time `lt`, a `ver`
/// and a `salt`; the login form must carry `pw2 = md5(salt + md5(cp1251(password)))`
/// (lower-case hex) and `pw` = the first N characters of `pw2`, N the password's length.
struct Sessions {
    private struct Pending { var salt: String; var ver: String; var created: Double }

    let lifetime: Double
    /// Only ЕСИА (Госуслуги) sign-in: `auth/getdata` gives no salt, a password login is
    /// refused, and the one session opened "in a browser" at start is the only way in.
    let esiaOnly: Bool
    private var pending: [String: Pending] = [:]
    /// Token → the moment it expires (seconds since 1970); each request pushes it on.
    private var active: [String: Double] = [:]
    /// Tokens whose expiry is fixed (a browser session with `--session-ttl`): requests do not push it on.
    private var fixed: Set<String> = []
    private var random = SystemRandomNumberGenerator()

    init(lifetime: Double, esiaOnly: Bool = false) { self.lifetime = lifetime; self.esiaOnly = esiaOnly }

    /// `POST /webapi/auth/getdata` (no salt when only ЕСИА sign-in works).
    mutating func begin(now: Double) -> JSON {
        if pending.count > 10_000 { pending = pending.filter { now - $0.value.created < 600 } }
        let lt = String(UInt64.random(in: 1_000_000...9_999_999, using: &random))
        let ver = String(UInt64.random(in: 10_000...99_999, using: &random))
        if esiaOnly { return .object([("lt", .string(lt)), ("ver", .string(ver))]) }
        let salt = String(UInt64.random(in: 10_000_000...99_999_999, using: &random))
        pending[lt] = Pending(salt: salt, ver: ver, created: now)
        return .object([("lt", .string(lt)), ("ver", .string(ver)), ("salt", .string(salt))])
    }

    /// A session a person opened through Госуслуги in a browser: valid for `ttl` seconds
    /// from now (nil: as long as the emulator runs), not pushed on by requests.
    mutating func openBrowserSession(now: Double, ttl: Double?) -> String {
        let token = newToken(now: now)
        active[token] = ttl.map { now + $0 } ?? .infinity
        fixed.insert(token)
        return token
    }

    /// The `pw2` a client must send for this salt and password.
    static func expectedPW2(salt: String, password: String) -> String {
        let cp1251 = password.data(using: .windowsCP1251).map { [UInt8]($0) } ?? Array(password.utf8)
        return MD5.hex(Array(salt.utf8) + Array(MD5.hex(cp1251).utf8))
    }

    /// `POST /webapi/login`: 409 on a wrong login or password, 400 without a fresh `lt`.
    mutating func login(_ form: [String: String], config: SchoolConfig, now: Double) -> HTTPResponse {
        if esiaOnly { return .message("Вход по логину и паролю отключён: войдите через Госуслуги", status: 409) }
        guard let lt = form["lt"], let p = pending.removeValue(forKey: lt), now - p.created < 600, form["ver"] == p.ver else {
            return .message("Сеанс входа устарел: запросите auth/getdata заново", status: 400)
        }
        let pw2 = Self.expectedPW2(salt: p.salt, password: config.password)
        let pw = String(pw2.prefix(config.password.count))
        guard form["scid"] == config.schoolID, form["un"]?.lowercased() == config.login.lowercased(),
              form["pw2"]?.lowercased() == pw2, form["pw"]?.lowercased() == pw else {
            return .message("Неправильный пароль или имя пользователя", status: 409)
        }
        let token = newToken(now: now)
        return .json(.object([
            ("at", .string(token)), ("timeOut", .int(Int(lifetime * 1000))),
            ("accountInfo", .object([("userId", .int(config.userID)), ("user", .object([("name", .string(config.userName))]))])),
        ]))
    }

    /// Opens a session without a login (`/_emulator/session`: a token as if taken from a browser).
    mutating func newToken(now: Double) -> String {
        if active.count > 10_000 { active = active.filter { $0.value > now } }
        var token = ""
        for _ in 0..<4 { token += String(format: "%08x", UInt32.random(in: 0...UInt32.max, using: &random)) }
        active[token] = now + lifetime
        return token
    }

    /// Whether the token is open; an open one lives on for another `lifetime`.
    mutating func touch(_ token: String?, now: Double) -> Bool {
        guard let token, let expiry = active[token] else { return false }
        guard expiry > now else { active[token] = nil; return false }
        if !fixed.contains(token) { active[token] = now + lifetime }
        return true
    }

    /// Ends every open session (`/_emulator/expire-sessions`); returns how many were open.
    mutating func endAll() -> Int {
        defer { active = [:] }
        return active.count
    }

    /// Ends a session (logout, or the `expire-token` fault); true when it was open.
    @discardableResult
    mutating func end(_ token: String?) -> Bool {
        guard let token else { return false }
        return active.removeValue(forKey: token) != nil
    }
}
