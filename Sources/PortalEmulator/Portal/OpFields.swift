import JournalModel

/// An operation that cannot be applied as written; `message` is what the platform answers.
struct Rejection: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Typed access to a batch operation's fields, failing with the platform's Russian messages.
///
/// A field that is absent and a field that is `null` both read as nil; `has` tells them
/// apart where an update keeps the fields it does not mention.
struct OpFields {
    let pairs: [(String, JSON)]

    init(_ json: JSON) {
        if case .object(let p) = json { pairs = p } else { pairs = [] }
    }

    func has(_ key: String) -> Bool { pairs.contains { $0.0 == key } }

    private func value(_ key: String) -> JSON? {
        guard let v = pairs.first(where: { $0.0 == key })?.1, !v.isNull else { return nil }
        return v
    }

    func int(_ key: String) throws(Rejection) -> Int {
        guard let v = try optInt(key) else { throw Rejection("Не указано поле «\(key)»") }
        return v
    }

    func optInt(_ key: String) throws(Rejection) -> Int? {
        guard let v = value(key) else { return nil }
        guard case .int(let i) = v else { throw Rejection("Поле «\(key)» должно быть целым числом") }
        return i
    }

    func string(_ key: String) throws(Rejection) -> String {
        guard let v = try optString(key) else { throw Rejection("Не указано поле «\(key)»") }
        return v
    }

    func optString(_ key: String) throws(Rejection) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw Rejection("Поле «\(key)» должно быть строкой") }
        return s
    }

    /// A mark value: a string, or a whole number for a five-point mark.
    func optMark(_ key: String) throws(Rejection) -> String? {
        if case .int(let i)? = value(key) { return String(i) }
        return try optString(key)
    }

    func bool(_ key: String, default d: Bool) throws(Rejection) -> Bool {
        guard let v = value(key) else { return d }
        guard case .bool(let b) = v else { throw Rejection("Поле «\(key)» должно быть true или false") }
        return b
    }

    /// `2026-09-07T00:00:00` or `2026-09-07`.
    func optDate(_ key: String) throws(Rejection) -> CivilDate? {
        guard let s = try optString(key) else { return nil }
        guard let d = CivilDate(iso: s) else { throw Rejection("Поле «\(key)»: «\(s)» не является датой") }
        return d
    }
}
