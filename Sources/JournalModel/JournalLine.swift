/// One line of the native journal format: a record, or a deletion of one.
///
/// See docs/formats/journal-jsonl.md. Field types map to JSON as: text, code, date and
/// references → string; whole numbers → number; flags → true/false; absent → null.
public enum JournalLine: Sendable {
    case record(Record)
    case deletion(EntityKind, id: String)

    public var kind: EntityKind {
        switch self { case .record(let r): return r.kind; case .deletion(let k, _): return k }
    }
    public var id: String {
        switch self { case .record(let r): return r.id; case .deletion(_, let id): return id }
    }

    /// Decodes one JSON object; problems are returned as messages, all of them.
    public static func decode(_ json: JSON) -> Result<JournalLine, LineProblems> {
        guard case .object(let pairs) = json else { return .failure(LineProblems(["a line must be one JSON object"])) }
        guard let typeName = json["type"]?.string else { return .failure(LineProblems(["missing \"type\""])) }
        guard let kind = EntityKind(rawValue: typeName) else {
            let known = EntityKind.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(LineProblems(["unknown type «\(typeName)» (known: \(known))"]))
        }
        guard let id = json["id"]?.string, !id.isBlank else {
            return .failure(LineProblems(["\(kind.rawValue): missing or empty \"id\""]))
        }
        if case .bool(true)? = json["deleted"] {
            let extra = pairs.map(\.0).filter { !["type", "id", "deleted"].contains($0) }
            return extra.isEmpty ? .success(.deletion(kind, id: id))
                : .failure(LineProblems(["\(kind.rawValue) \(id): a deletion carries only type, id and deleted"]))
        }
        var record = Record(kind, id: id)
        var problems: [String] = []
        for (key, value) in pairs where key != "type" && key != "id" {
            guard let field = kind.key(key) else {
                if key == "deleted", case .bool(false) = value { continue }
                problems.append("\(kind.rawValue) \(id): unknown field «\(key)»")
                continue
            }
            switch (field.spec.type, value) {
            case (_, .null): record[field] = .null
            case (.int, .int(let i)): record[field] = .int(i)
            case (.bool, .bool(let b)): record[field] = .init(bool: b)
            case (.text, .string(let s)), (.date, .string(let s)), (.ref, .string(let s)), (.code, .string(let s)):
                record[field] = .text(s)
            default:
                problems.append("\(kind.rawValue) \(id): field «\(key)»: \(value.serialized()) is not \(describe(field.spec.type))")
            }
        }
        return problems.isEmpty ? .success(.record(record)) : .failure(LineProblems(problems))
    }

    private static func describe(_ t: FieldType) -> String {
        switch t {
        case .int: return "a whole number"
        case .bool: return "true or false"
        case .date: return "a date string YYYY-MM-DD"
        case .ref(let k): return "the id (string) of a \(k.rawValue)"
        case .text, .code: return "a string"
        }
    }

    /// The line's JSON text: type, id, then the fields in schema order, nulls left out.
    public func encoded() -> String {
        switch self {
        case .deletion(let kind, let id):
            return JSON.object([("type", .string(kind.rawValue)), ("id", .string(id)), ("deleted", .bool(true))]).serialized()
        case .record(let r):
            var pairs: [(String, JSON)] = [("type", .string(r.kind.rawValue)), ("id", .string(r.id))]
            for (key, v) in r.fields.entries {
                let spec = key.spec
                switch (spec.type, v) {
                case (_, .null): continue
                case (.bool, _): pairs.append((spec.name, .bool(v.bool)))
                case (_, .int(let i)): pairs.append((spec.name, .int(i)))
                case (_, .text(let s)): pairs.append((spec.name, .string(s)))
                }
            }
            return JSON.object(pairs).serialized()
        }
    }
}

/// The problems found on one line.
public struct LineProblems: Error, Sendable {
    public let messages: [String]
    /// The 1-based column (characters) the problems are at, when one place is at fault.
    public let column: Int?
    public init(_ m: [String], column: Int? = nil) { messages = m; self.column = column }
}
