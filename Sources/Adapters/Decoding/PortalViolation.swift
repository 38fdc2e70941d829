import JournalModel

/// A portal's answer that its protocol document does not allow: which request, which
/// field, what the document expects and what came.
///
/// `got` names a JSON type or a value that is no personal data (an id, a week, a status):
/// messages never echo names, СНИЛС or other text the portal sent.
public struct PortalViolation: Sendable, Equatable, CustomStringConvertible {
    /// Method, path and query: `GET /webapi/journal?classId=501&weekStart=2026-09-07`.
    public let endpoint: String
    /// `weekDays[0].lessons[2].number`, or `the body`.
    public let field: String
    public let expected: String
    public let got: String

    public init(endpoint: String, field: String, expected: String, got: String) {
        self.endpoint = endpoint; self.field = field; self.expected = expected; self.got = got
    }

    public var description: String { "\(endpoint): \(field): expected \(expected), got \(got)" }

    /// `GET /webapi/journal?classId=501&weekStart=2026-09-07` (the query as sent, unescaped).
    public static func endpoint(_ method: String, _ path: String, _ query: [(String, String)] = []) -> String {
        let p = path.hasPrefix("/") ? path : "/" + path
        return method + " " + p + (query.isEmpty ? "" : "?" + query.map { "\($0.0)=\($0.1)" }.joined(separator: "&"))
    }
}

extension PortalError {
    /// The portal sent data its document does not allow (exit 65: the counterpart sent bad data).
    static func malformed(_ v: PortalViolation, status: Int) -> PortalError {
        PortalError(kind: .malformed, status: status, message: v.description, violation: v)
    }

    static func malformed(endpoint: String, status: Int, field: String = "the body", expected: String, got: String) -> PortalError {
        .malformed(PortalViolation(endpoint: endpoint, field: field, expected: expected, got: got), status: status)
    }
}

/// Reading a body as JSON: a body that is not UTF-8 JSON, where the document promises
/// JSON, is the portal's fault (`.malformed`); elsewhere (a proxy's HTML error page) it is
/// only no body.
enum PortalBody {
    /// nil for an empty body, or an unparseable one on a status that promises no JSON.
    static func parse(_ bytes: some Collection<UInt8>, status: Int, promisesJSON: Bool, endpoint: String) throws -> JSON? {
        if bytes.isEmpty { return nil }
        let array = Array(bytes)
        guard String(validating: array, as: UTF8.self) != nil else {
            if promisesJSON { throw PortalError.malformed(endpoint: endpoint, status: status, expected: "UTF-8 JSON", got: "bytes that are not UTF-8") }
            return nil
        }
        do {
            return try JSON.parse(bytes: array)
        } catch {
            if promisesJSON {
                throw PortalError.malformed(endpoint: endpoint, status: status, expected: "JSON",
                                            got: "text that is not JSON (\(error.message.contains("«") ? "bad number" : error.message), column \(error.column))")
            }
            return nil
        }
    }
}
