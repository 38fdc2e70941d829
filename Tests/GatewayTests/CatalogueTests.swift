import Foundation
import Testing
@testable import Gateway

/// Issue 18 item 5: one message catalogue, each message in English and Russian with the same
/// placeholders; issue 16 item 3: exit codes decided only in `CLI.outcome`.
struct CatalogueTests {
    /// Messages whose Russian text may read as the English one: the Nagios / Zabbix keywords,
    /// formats made only of placeholders and punctuation.
    static let sameInBothLanguages: Set<String> = ["CheckText.warning"]

    @Test func everyMessageHasBothLanguagesWithTheSamePlaceholders() {
        let all = Catalogue.all
        #expect(all.count > 150, "\(all.count) messages")
        var seen = Set<String>()
        for m in all {
            let id = "\(m.area).\(m.name)"
            #expect(seen.insert(id).inserted, "\(id) twice")
            #expect(!m.en.isEmpty && !m.ru.isEmpty, "\(id)")
            if m.en == "{message}" {
                // A lower module's own words passed through in English (the fallback); the Russian
                // text says it from the context the error carries (the store's path, the module's words).
                #expect(Set(Catalogue.placeholders(m.ru)).isSubset(of: ["message", "path"]), "\(id): «\(m.ru)»")
            } else {
                #expect(Set(Catalogue.placeholders(m.en)) == Set(Catalogue.placeholders(m.ru)), "\(id): «\(m.en)» / «\(m.ru)»")
            }
            // Prose in English is prose in Russian: Cyrillic letters outside the placeholders,
            // unless the words are typed as they are (flags, keywords).
            let words = Catalogue.fill(m.en, Dictionary(Catalogue.placeholders(m.en).map { ($0, "") }) { a, _ in a })
            let russian = Catalogue.fill(m.ru, Dictionary(Catalogue.placeholders(m.ru).map { ($0, "") }) { a, _ in a })
            let hasWords = words.split(whereSeparator: { !$0.isLetter }).contains { $0.count > 2 && !$0.hasPrefix("-") }
            if hasWords && !Self.sameInBothLanguages.contains(id) {
                #expect(russian.unicodeScalars.contains { (0x0400...0x04FF).contains($0.value) }, "\(id) has no Russian words: «\(m.ru)»")
            }
        }
    }

    @Test func placeholdersAreFilledOnceAndUnknownOnesKept() {
        #expect(Catalogue.fill("a {x} b {y} {z}", ["x": "{y}", "y": "2"]) == "a {y} b 2 {z}")
        #expect(Catalogue.placeholders("{a} {b_1} { } {}") == ["a", "b_1"])
    }

    @Test func localeFollowsPOSIXPrecedence() {
        #expect(Language(environment: [:]) == .english)
        #expect(Language(environment: ["LANG": "ru_RU.UTF-8"]) == .russian)
        #expect(Language(environment: ["LANG": "ru_RU.UTF-8", "LC_MESSAGES": "C"]) == .english)
        #expect(Language(environment: ["LANG": "C.UTF-8", "LC_MESSAGES": "ru_RU.UTF-8"]) == .russian)
        #expect(Language(environment: ["LANG": "ru_RU.UTF-8", "LC_MESSAGES": "ru_RU.UTF-8", "LC_ALL": "C.UTF-8"]) == .english)
        #expect(Language(environment: ["LANG": "C", "LC_ALL": "ru_UA.UTF-8"]) == .russian)
        #expect(Language(environment: ["LANG": "ru_RU.UTF-8", "LC_ALL": ""]) == .russian, "an empty variable is not set")
    }

    /// No use case throws a number: `GatewayError` has no numeric initializer, and no source
    /// file but the one mapping place turns an error into an `ExitCode`.
    @Test func exitCodesAreDecidedOnlyInCLIOutcome() throws {
        let root = packageRoot.path + "/Sources/Gateway"
        var offenders: [String] = []
        let numeric = try NSRegularExpression(pattern: #"GatewayError\(\s*(ExitCode\.|[0-9]|code\b|e\.)"#)
        for rel in FileManager.default.enumerator(atPath: root)?.compactMap({ $0 as? String }) ?? [] where rel.hasSuffix(".swift") {
            let text = try String(contentsOfFile: root + "/" + rel, encoding: .utf8)
            if numeric.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil { offenders.append(rel) }
            if rel != "Support/GatewayError.swift", text.contains("exitCode: Int32"), text.contains(": Error") { offenders.append(rel + " (an error carrying an exit code)") }
        }
        #expect(offenders.isEmpty, "\(offenders)")
        let error = try String(contentsOfFile: root + "/Support/GatewayError.swift", encoding: .utf8)
        #expect(!error.contains("init(_ exitCode"), "GatewayError takes no exit code")
        // Every typed error maps: usage 64, bad input 65, an output 73, a portal's stop by its reason.
        func code(_ e: any Error) -> Int32 { CLI.outcome(of: e, storePath: "/x/j.sqlite").0 }
        #expect(code(GatewayError.usage("x")) == 64)
        #expect(code(GatewayError.badInput("x")) == 65)
        #expect(code(OutputError(.write, path: "/x/out.html")) == 73)
        #expect(code(OutputError(.alreadyArchived, path: "/x/2025-2026_1")) == 73)
        #expect(code(EmulatorStartFailure(portal: "diary", reason: "x")) == 1)
        #expect(code(DemoFailure(step: "x", stepExit: 69)) == 69)
        #expect(code(DemoFailure(step: "x", stepExit: 0)) == 1)
        #expect(code(PortalStop(portal: "epos", reason: .unavailable, detail: "x")) == 69)
        #expect(code(PortalStop(portal: "epos", reason: .retryLater, detail: "x")) == 75)
        #expect(code(PortalStop(portal: "epos", reason: .badData, detail: "x")) == 65)
        #expect(code(PortalStop(portal: "epos", reason: .credentialsRefused, detail: "x")) == 77)
        #expect(code(ConfigError("school.conf", 3, "x")) == 64)
    }

    /// A mistake in a file carries its place, written before the words in both languages.
    @Test func badInputCarriesItsPlace() {
        let e = GatewayError.badInput(.calendarKind, ["kind": "feast"], at: .init("y.tsv", line: 1, column: 12))
        #expect(e.place == .init("y.tsv", line: 1, column: 12))
        #expect(e.message == "y.tsv:1:12: unknown kind «feast» (holiday, dayoff, workday or vacation)")
        #expect(CLI.outcome(of: e, storePath: "/x", language: .russian)
                == (65, ["ошибка: y.tsv:1:12: неизвестный вид дня «feast» (holiday, dayoff, workday или vacation)"]))
    }

    /// An error's words follow the locale; its exit code does not.
    @Test func errorsAndTheirAdviceInBothLanguages() {
        let e = OutputError(.write, path: "/srv/out/weekly.html", reason: "Permission denied")
        let en = CLI.outcome(of: e, storePath: "/x", language: .english)
        let ru = CLI.outcome(of: e, storePath: "/x", language: .russian)
        #expect(en.0 == ru.0)
        #expect(en.1 == ["error: cannot write /srv/out/weekly.html: Permission denied; check that its directory exists, is writable by this user and the disk is not full; nothing was written"])
        #expect(ru.1 == ["ошибка: не удаётся записать /srv/out/weekly.html: Permission denied; проверьте, что каталог существует и доступен этому пользователю на запись, а диск не заполнен; ничего не записано"])
        let stop = PortalStop(portal: "epos", reason: .unavailable, detail: "connection refused")
        #expect(CLI.outcome(of: stop, storePath: "/x", language: .russian).1
                == ["ошибка: портал epos недоступен: connection refused; проверьте адрес (url) и сеть, затем повторите"])
        #expect(CLI.outcome(of: stop, storePath: "/x", language: .english).1 == ["error: epos: connection refused"])
    }
}
