import JournalModel

/// The emulator cannot start: a seed or state file is wrong, or the port is taken.
public struct EmulatorError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, where, and what to do.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Typed access to one object of a seed or state file, with errors that name the place.
///
/// `context` reads like `lessons.json: lessons[12].assignments[0]`; unknown keys are errors
/// (they are usually typos).
struct SeedFields {
    let pairs: [(String, JSON)]
    let context: String

    init(_ json: JSON, _ context: String, allowed: [String]) throws(EmulatorError) {
        guard case .object(let pairs) = json else { throw EmulatorError("\(context): expected an object") }
        self.pairs = pairs
        self.context = context
        for (k, _) in pairs where !allowed.contains(k) {
            throw EmulatorError("\(context): unknown field «\(k)» (known: \(allowed.joined(separator: ", ")))")
        }
    }

    private func value(_ key: String) -> JSON? {
        guard let v = pairs.first(where: { $0.0 == key })?.1, !v.isNull else { return nil }
        return v
    }

    private func fail(_ key: String, _ what: String) -> EmulatorError {
        EmulatorError("\(context): field «\(key)»: \(what)")
    }

    func int(_ key: String) throws(EmulatorError) -> Int {
        guard let v = try optInt(key) else { throw fail(key, "is required") }
        return v
    }

    func optInt(_ key: String) throws(EmulatorError) -> Int? {
        guard let v = value(key) else { return nil }
        guard case .int(let i) = v else { throw fail(key, "expected a whole number, found \(v.serialized())") }
        return i
    }

    func string(_ key: String) throws(EmulatorError) -> String {
        guard let v = try optString(key) else { throw fail(key, "is required") }
        return v
    }

    func optString(_ key: String) throws(EmulatorError) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw fail(key, "expected a string, found \(v.serialized())") }
        return s
    }

    /// A mark value, written as a string or (five-point marks) a number.
    func optMark(_ key: String) throws(EmulatorError) -> String? {
        if case .int(let i)? = value(key) { return String(i) }
        return try optString(key)
    }

    func bool(_ key: String, default d: Bool) throws(EmulatorError) -> Bool {
        guard let v = value(key) else { return d }
        guard case .bool(let b) = v else { throw fail(key, "expected true or false, found \(v.serialized())") }
        return b
    }

    func date(_ key: String) throws(EmulatorError) -> CivilDate {
        guard let d = try optDate(key) else { throw fail(key, "is required") }
        return d
    }

    /// `YYYY-MM-DD` (a trailing `T00:00:00` is accepted).
    func optDate(_ key: String) throws(EmulatorError) -> CivilDate? {
        guard let s = try optString(key) else { return nil }
        guard let d = CivilDate(iso: s) else { throw fail(key, "«\(s)» is not a date (YYYY-MM-DD)") }
        return d
    }

    func array(_ key: String) throws(EmulatorError) -> [JSON] {
        guard let v = value(key) else { return [] }
        guard case .array(let a) = v else { throw fail(key, "expected an array") }
        return a
    }

    func ints(_ key: String) throws(EmulatorError) -> [Int] {
        var out: [Int] = []
        for v in try array(key) {
            guard case .int(let i) = v else { throw fail(key, "expected whole numbers, found \(v.serialized())") }
            out.append(i)
        }
        return out
    }

    func object(_ key: String, allowed: [String]) throws(EmulatorError) -> SeedFields {
        guard let v = value(key) else { throw fail(key, "is required") }
        return try SeedFields(v, child(key), allowed: allowed)
    }

    /// Each element of an array field as fields, with its index in the context.
    func objects(_ key: String, allowed: [String]) throws(EmulatorError) -> [SeedFields] {
        var out: [SeedFields] = []
        for (i, v) in try array(key).enumerated() { out.append(try SeedFields(v, child(key) + "[\(i)]", allowed: allowed)) }
        return out
    }

    /// `file.json: key` at the top of a file, `….parent.key` below it.
    private func child(_ key: String) -> String { context.hasSuffix(".json") ? "\(context): \(key)" : "\(context).\(key)" }

    /// Raises a problem about this object.
    func problem(_ text: String) -> EmulatorError { EmulatorError("\(context): \(text)") }
}
