import JournalModel

/// A strict reader of one portal answer: every read names the field it wanted, and a value
/// of the wrong type, a missing required field or a value out of range throws
/// ``PortalError`` `.malformed` with the endpoint, the field path
/// (`weekDays[0].lessons[2].number`) and what was expected against what came (a JSON type,
/// never the text itself: portals send names and СНИЛС).
///
/// - Required fields are required; a field the document shows as nullable is read with
///   `nullable: true` (present, may be null); `optionalField` for one that may be absent.
/// - Fields nobody asks for are ignored: real portals add fields.
///
/// ```swift
/// let page = try JSONReader.body(body, endpoint: "GET /webapi/journal?classId=501")
/// for day in try page.array("weekDays") {
///     for lesson in try day.array("lessons") { _ = try lesson.int("number", in: 1...12) }
/// }
/// ```
public struct JSONReader: Sendable {
    public let value: JSON
    public let endpoint: String
    public let status: Int
    /// Where the value sits: `base`, then up to two more steps. Kept apart so that reading the
    /// fields of a list's rows builds no path per field: the path is written out only for a
    /// violation (and for a value nested deeper than two steps below `base`).
    private let base: JSONPath
    private let step1: JSONPath.Step?
    private let step2: JSONPath.Step?

    /// Where the value sits in the answer.
    public var path: JSONPath {
        guard let step1 else { return base }
        var steps = base.steps
        steps.append(step1)
        if let step2 { steps.append(step2) }
        return JSONPath(steps)
    }

    public init(_ value: JSON, endpoint: String, status: Int = 200, path: JSONPath = .root) {
        self.value = value; self.endpoint = endpoint; self.status = status
        base = path; step1 = nil; step2 = nil
    }

    private init(_ value: JSON, endpoint: String, status: Int, base: JSONPath, _ step1: JSONPath.Step?, _ step2: JSONPath.Step?) {
        self.value = value; self.endpoint = endpoint; self.status = status
        self.base = base; self.step1 = step1; self.step2 = step2
    }

    /// The body of an answer; none at all is a violation.
    public static func body(_ body: JSON?, endpoint: String, status: Int = 200) throws -> JSONReader {
        guard let body else {
            throw PortalError.malformed(endpoint: endpoint, status: status, expected: "a JSON body", got: "an empty body")
        }
        return JSONReader(body, endpoint: endpoint, status: status)
    }

    // MARK: violations

    /// A violation at this value.
    public func violation(expected: String, got: String) -> PortalError {
        .malformed(PortalViolation(endpoint: endpoint, field: path.description, expected: expected, got: got), status: status)
    }

    /// A violation at a field of this object.
    public func violation(at key: String, expected: String, got: String) -> PortalError {
        .malformed(PortalViolation(endpoint: endpoint, field: path.appending(key).description, expected: expected, got: got), status: status)
    }

    /// What a value is, for messages: its JSON type, never its text.
    public static func typeName(_ j: JSON) -> String {
        switch j {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a decimal number"
        case .string(let s): return s.isEmpty ? "an empty string" : "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    func child(_ key: String, _ v: JSON) -> JSONReader { child(.key(key), v) }

    /// The reader of a value one step below this one.
    func child(_ step: JSONPath.Step, _ v: JSON) -> JSONReader {
        if step1 == nil { return JSONReader(v, endpoint: endpoint, status: status, base: base, step, nil) }
        if step2 == nil { return JSONReader(v, endpoint: endpoint, status: status, base: base, step1, step) }
        return JSONReader(v, endpoint: endpoint, status: status, base: path, step, nil)
    }

    // MARK: this value

    public var isNull: Bool { value.isNull }

    public func asObject() throws -> JSONReader {
        guard case .object = value else { throw violation(expected: "an object", got: Self.typeName(value)) }
        return self
    }

    /// The elements of an array, each with its path.
    public func asArray() throws -> [JSONReader] {
        guard case .array(let items) = value else { throw violation(expected: "an array", got: Self.typeName(value)) }
        return items.enumerated().map { child(.index($0.offset), $0.element) }
    }

    /// An array of objects (the usual list answer).
    public func asObjects() throws -> [JSONReader] { try asArray().map { try $0.asObject() } }

    public func asInt(in range: ClosedRange<Int>? = nil) throws -> Int {
        guard case .int(let i) = value else {
            throw violation(expected: range.map { "an integer \($0.lowerBound)…\($0.upperBound)" } ?? "an integer", got: Self.typeName(value))
        }
        if let range, !range.contains(i) { throw violation(expected: "an integer \(range.lowerBound)…\(range.upperBound)", got: String(i)) }
        return i
    }

    public func asString(nonEmpty: Bool = false) throws -> String {
        guard case .string(let s) = value, !nonEmpty || !s.allSatisfy(\.isWhitespace) else {
            throw violation(expected: nonEmpty ? "a non-empty string" : "a string", got: Self.typeName(value))
        }
        return s
    }

    public func asBool() throws -> Bool {
        guard case .bool(let b) = value else { throw violation(expected: "true or false", got: Self.typeName(value)) }
        return b
    }

    /// A string turned into `T` by `parse`; `expected` says what it should look like.
    public func asParsed<T>(expected: String, _ parse: (String) -> T?) throws -> T {
        guard case .string(let s) = value else { throw violation(expected: expected, got: Self.typeName(value)) }
        guard let v = parse(s) else { throw violation(expected: expected, got: "a string in another form") }
        return v
    }

    // MARK: fields of this object

    /// Whether this object has the field (null counts as present).
    public func has(_ key: String) -> Bool { value[key] != nil }

    /// A field that must be present (it may be null).
    public func field(_ key: String) throws -> JSONReader {
        _ = try asObject()
        guard let v = value[key] else { throw violation(at: key, expected: "a field «\(key)»", got: "none (the field is missing)") }
        return child(key, v)
    }

    /// A field that may be absent.
    public func optionalField(_ key: String) throws -> JSONReader? {
        _ = try asObject()
        return value[key].map { child(key, $0) }
    }

    /// A present field, nil when it is null and `nullable`; null when not nullable is a violation.
    func nullableField(_ key: String, nullable: Bool, expected: @autoclosure () -> String) throws -> JSONReader? {
        let f = try field(key)
        if f.isNull {
            if nullable { return nil }
            throw f.violation(expected: expected(), got: "null")
        }
        return f
    }

    public func int(_ key: String, in range: ClosedRange<Int>? = nil) throws -> Int {
        try field(key).asInt(in: range)
    }

    public func int(_ key: String, nullable: Bool, in range: ClosedRange<Int>? = nil) throws -> Int? {
        try nullableField(key, nullable: nullable, expected: "an integer")?.asInt(in: range)
    }

    public func string(_ key: String, nonEmpty: Bool = false) throws -> String {
        try field(key).asString(nonEmpty: nonEmpty)
    }

    public func string(_ key: String, nullable: Bool, nonEmpty: Bool = false) throws -> String? {
        try nullableField(key, nullable: nullable, expected: "a string")?.asString(nonEmpty: nonEmpty)
    }

    public func bool(_ key: String) throws -> Bool { try field(key).asBool() }

    public func array(_ key: String) throws -> [JSONReader] { try field(key).asArray() }

    /// An array of objects.
    public func objects(_ key: String) throws -> [JSONReader] { try field(key).asObjects() }

    public func object(_ key: String) throws -> JSONReader { try field(key).asObject() }

    public func object(_ key: String, nullable: Bool) throws -> JSONReader? {
        try nullableField(key, nullable: nullable, expected: "an object")?.asObject()
    }

    /// A string field turned into `T` by `parse` (a date, a code); its text is never echoed.
    public func parsed<T>(_ key: String, expected: String, _ parse: (String) -> T?) throws -> T {
        try field(key).asParsed(expected: expected, parse)
    }

    public func parsed<T>(_ key: String, nullable: Bool, expected: String, _ parse: (String) -> T?) throws -> T? {
        try nullableField(key, nullable: nullable, expected: expected)?.asParsed(expected: expected, parse)
    }

    /// A field that must hold one given integer (a class id, a term id the request named).
    public func int(_ key: String, equals wanted: Int, _ why: String) throws {
        let v = try int(key)
        if v != wanted { throw violation(at: key, expected: "\(wanted) (\(why))", got: String(v)) }
    }

    /// A string field that must be one of `allowed` (an enumeration of the document).
    public func string(_ key: String, oneOf allowed: [String]) throws -> String {
        let f = try field(key)
        let expected = "one of " + allowed.map { "«\($0)»" }.joined(separator: ", ")
        let s = try f.asParsed(expected: expected) { $0 }
        guard allowed.contains(s) else { throw f.violation(expected: expected, got: "another string") }
        return s
    }
}
