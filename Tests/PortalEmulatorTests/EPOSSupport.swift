import Foundation
import JournalModel
import Testing
@testable import PortalEmulator

let eposSeed = packageRoot.appendingPathComponent("samples/epos").path

/// Starts the sample ЭПОС emulator with a test clock (22 November 2026) and no rate limit,
/// unless told otherwise.
func startEPOS(_ configure: (inout EPOSEmulatorOptions) -> Void = { _ in }) throws -> RunningEPOSEmulator {
    var options = EPOSEmulatorOptions(seedDir: eposSeed, requestsPerSecond: nil, clock: TestClock().function)
    configure(&options)
    return try EPOSEmulator.start(options)
}

/// An ЭПОС client on one keep-alive connection: takes a token, then sends `Auth-Token` and
/// `Profile-Id` with every request. No retries: tests see every answer.
final class EPOSClient {
    let raw: RawClient
    let emulator: RunningEPOSEmulator
    var token: String?
    var profileID: String?

    init(_ emulator: RunningEPOSEmulator, signIn: Bool = true) throws {
        self.emulator = emulator
        raw = RawClient(port: emulator.port)
        if signIn { try self.signIn() }
    }

    /// `POST /v2/token` with the emulator's credentials (or others).
    @discardableResult
    func signIn(password: String? = nil) throws -> RawResponse {
        let body = obj(["login": emulator.login, "password": password ?? emulator.password, "school_id": emulator.schoolID])
        let r = try raw.send("POST", "/v2/token", headers: ["Content-Type": "application/json"], body: Array(body.serialized().utf8))
        if r.status == 200 {
            token = r.json["token"]?.string
            profileID = r.json["profile_id"]?.string
        }
        return r
    }

    func send(_ method: String, _ target: String, _ body: JSON? = nil, headers: [String: String] = [:]) throws -> RawResponse {
        var h = headers
        if let token { h["Auth-Token"] = token }
        if let profileID { h["Profile-Id"] = profileID }
        if body != nil { h["Content-Type"] = "application/json" }
        return try raw.send(method, target, headers: h, body: body.map { Array($0.serialized().utf8) } ?? [])
    }

    func get(_ target: String) throws -> RawResponse { try send("GET", target) }

    /// The target (`/core/api/…?…`) of the `Link: <…>; rel="next"` header, if any.
    static func next(_ r: RawResponse) -> String? {
        guard let link = r.headers["Link"], link.contains("rel=\"next\""),
              let open = link.firstIndex(of: "<"), let close = link.firstIndex(of: ">") else { return nil }
        let url = String(link[link.index(after: open)..<close])
        guard let path = url.range(of: "/core/api/") else { return nil }
        return String(url[path.lowerBound...])
    }
}

/// A percent-encoded query value (`+05:00` must not arrive as a space).
func q(_ value: String) -> String { URLEncoding.encode(value) }

/// A mark for `si-1004` (5-А, 7 September, mathematics), as a client would create it.
func newMark(_ external: String?, student: String = "st-4007", value: String? = "5", form: String = "cf-11",
             item: String = "si-1004") -> JSON {
    obj(["student_id": student, "schedule_item_id": item, "control_form_id": form, "value": value, "external_id": external])
}

/// `/_emulator/…` of the ЭПОС emulator, without a token.
func control(_ e: RunningEPOSEmulator, _ method: String, _ path: String, body: JSON? = nil) throws -> JSON {
    let c = RawClient(port: e.port)
    return try c.send(method, path, body: body.map { Array($0.serialized().utf8) } ?? []).json
}
