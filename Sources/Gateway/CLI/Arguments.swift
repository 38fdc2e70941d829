/// A command's arguments after parsing: positionals, `--option VALUE` and `--flag`.
public struct Arguments: Sendable {
    public var positionals: [String] = []
    public var options: [String: String] = [:]
    public var flags: Set<String> = []

    public func option(_ name: String) -> String? { options[name] }
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    public func required(_ name: String) throws -> String {
        guard let v = options[name] else { throw GatewayError.usage(.missing, ["option": name]) }
        return v
    }

    public func int(_ name: String) throws -> Int? {
        guard let s = options[name] else { return nil }
        guard let v = Int(s) else { throw GatewayError.usage(.wholeNumber, ["option": name, "value": s]) }
        return v
    }

    /// Parses `args` for a command that takes these options (with values) and flags.
    /// `--name=value` is accepted too. Anything unknown is a usage error.
    static func parse(_ args: [String], options: [String], flags: [String]) throws -> Arguments {
        var out = Arguments()
        var i = 0
        var onlyPositionals = false
        while i < args.count {
            let a = args[i]
            i += 1
            if onlyPositionals || !a.hasPrefix("--") || a == "-" {
                out.positionals.append(a)
                continue
            }
            if a == "--" { onlyPositionals = true; continue }
            var name = a
            var inline: String?
            if let eq = a.firstIndex(of: "=") { name = String(a[..<eq]); inline = String(a[a.index(after: eq)...]) }
            if options.contains(name) {
                if let inline { out.options[name] = inline; continue }
                guard i < args.count else { throw GatewayError.usage(.needsValue, ["option": name]) }
                out.options[name] = args[i]
                i += 1
            } else if flags.contains(name), inline == nil {
                out.flags.insert(name)
            } else {
                throw GatewayError.usage(.unknownOption, ["option": name])
            }
        }
        return out
    }
}
