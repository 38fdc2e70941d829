/// The language a person reads messages in: Russian when `LC_ALL`, else `LC_MESSAGES`, else
/// `LANG` names a `ru_*` locale (what a Russian server has), English otherwise (POSIX
/// precedence: the first of the three that is set and not empty decides).
/// `--json` keys, exit codes and log field names never change with it.
public enum Language: Sendable, CaseIterable {
    case english, russian

    public init(environment: [String: String]) {
        let name = [environment["LC_ALL"], environment["LC_MESSAGES"], environment["LANG"]].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        self = name.hasPrefix("ru") ? .russian : .english
    }
}

/// One area of the message catalogue (issue 18 item 5): an enum whose every case is one
/// message, with its English and Russian text side by side in ``texts`` (one place per
/// message; the compiler's exhaustive switch means no message lacks a language).
///
/// Texts name their arguments as `{name}` placeholders; ``text(_:_:)`` fills them in.
/// `CatalogueTests` checks that both languages of every message use the same placeholders.
/// The areas are the `Messages+*.swift` files; ``Catalogue/areas`` lists them for the test.
protocol Phrasebook: CaseIterable, Sendable {
    var texts: (en: String, ru: String) { get }
}

extension Phrasebook {
    /// The message in language `l`, its `{name}` placeholders replaced by `args`.
    func text(_ l: Language, _ args: [String: String] = [:]) -> String {
        let t = texts
        return Catalogue.fill(l == .russian ? t.ru : t.en, args)
    }

    /// The message not yet rendered (for a typed error that is rendered where the language is known).
    func says(_ args: [String: String] = [:]) -> Says { .phrase({ l in self.text(l, args) }) }
}

/// Words for a person that are rendered when the language is known: a catalogue message, or
/// text written in English only (a command added without catalogue entries; the fallback).
public enum Says: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    case english(String)
    case phrase(@Sendable (Language) -> String)

    public init(stringLiteral value: String) { self = .english(value) }
    public init(stringInterpolation: DefaultStringInterpolation) { self = .english(String(stringInterpolation: stringInterpolation)) }

    func text(_ l: Language) -> String {
        switch self {
        case .english(let s): return s
        case .phrase(let f): return f(l)
        }
    }

    public var description: String { text(.english) }
}

/// The catalogue as a whole: its areas (for `CatalogueTests`) and the placeholder filling.
enum Catalogue {
    /// Every area's messages as (area, case name, English, Russian).
    static var all: [(area: String, name: String, en: String, ru: String)] {
        func rows<P: Phrasebook>(_ p: P.Type) -> [(String, String, String, String)] {
            P.allCases.map { ("\(P.self)", "\($0)", $0.texts.en, $0.texts.ru) }
        }
        return rows(CheckText.self) + rows(NightText.self) + rows(StatusText.self) + rows(ConflictText.self)
            + rows(ErrorText.self) + rows(UsageText.self) + rows(HelpText.self) + rows(CommandText.self) + rows(ConfigText.self) + rows(ResultText.self) + rows(InputText.self) + rows(DiaryText.self) + rows(SyncText.self) + rows(ContingentText.self)
    }

    /// The `{name}` placeholders of a text, in order.
    static func placeholders(_ s: String) -> [String] {
        var out: [String] = []
        var rest = Substring(s)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = rest[rest.index(after: open)..<close]
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { out.append(String(name)) }
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    static func fill(_ template: String, _ args: [String: String]) -> String {
        guard template.contains("{") else { return template }
        // One pass, so that an argument holding braces is never filled in itself.
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = String(rest[rest.index(after: open)..<close])
            out += rest[..<open]
            if let v = args[name] { out += v } else { out += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// A duration as people write it: `3d`, `5h`, `20m` / `3 дн.`, `5 ч`, `20 мин`.
    static func age(_ s: Double, _ l: Language) -> String {
        if s >= 86_400 * 2 { return NightText.ageDays.text(l, ["n": "\(Int(s / 86_400))"]) }
        if s >= 3600 { return NightText.ageHours.text(l, ["n": "\(Int(s / 3600))"]) }
        return NightText.ageMinutes.text(l, ["n": "\(Int(s / 60))"])
    }
}
