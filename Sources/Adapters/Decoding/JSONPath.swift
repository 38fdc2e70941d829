/// Where a value sits in a portal's answer, written as people read it:
/// `weekDays[0].lessons[2].number`; the whole body is `the body`.
public struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    public enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    public private(set) var steps: [Step] = []

    public init(_ steps: [Step] = []) { self.steps = steps }

    public static let root = JSONPath()

    public func appending(_ key: String) -> JSONPath { JSONPath(steps + [.key(key)]) }
    public func appending(_ index: Int) -> JSONPath { JSONPath(steps + [.index(index)]) }

    public var description: String {
        guard !steps.isEmpty else { return "the body" }
        var out = ""
        for step in steps {
            switch step {
            case .key(let k): out += out.isEmpty ? k : "." + k
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }
}
