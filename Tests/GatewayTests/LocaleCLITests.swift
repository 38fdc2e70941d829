import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import PortalEmulator
import TestSupport

/// Issue 18 item 5, "a test runs the main commands under both locales": status, check,
/// conflicts (with a real conflict from a sync against the АСУ РСО emulator), a failing
/// command with its advice, help and the night's report, under `LANG=C.UTF-8` and
/// `LANG=ru_RU.UTF-8`. The Russian words appear under the second; `--json` output and exit
/// codes are byte for byte the same under both.
struct LocaleCLITests {
    static let english = ["LANG": "C.UTF-8"]
    static let russian = ["LANG": "ru_RU.UTF-8"]

    static func run(_ args: [String], _ env: [String: String]) -> CLIResult {
        let (console, read) = Console.capturing()
        let code = CLI.run(args, console: console, environment: env.merging(["JOURNAL_GATEWAY_MAPPINGS": packageRoot.path + "/mappings"]) { a, _ in a })
        let (o, e) = read()
        return CLIResult(code: code, out: o, err: e)
    }

    /// A store with one open conflict: a final mark changed to 5 here and to 3 on the portal.
    static func storeWithConflict(_ dir: TempDir, _ e: RunningEmulator) throws -> String {
        let store = try ASURSOSyncE2ETests.freshStore(dir)
        let env = PortalHarness.asuRSO.env(e)
        let sync = PortalHarness.asuRSO.syncArgs(e, store: store)
        #expect(run(sync, env).code == 0)
        let s = try JournalStore.open(at: store)
        var fm = try #require(s.record(.finalMark, id: "fm-1"))
        fm[FinalMark.value] = .text("5")
        let file = dir.path("teacher.jsonl")
        try JournalLine.record(fm).encoded().write(toFile: file, atomically: false, encoding: .utf8)
        #expect(run(["--store", store, "journal", "import", file], env).code == 0)
        _ = e.edit([.object([("op", .string("upsertFinalMark")), ("studentId", .int(9022)), ("subjectId", .int(77)),
                             ("termId", .int(11)), ("mark", .string("3"))])])
        #expect(run(sync, env).code == 0)
        #expect(try JournalStore.open(at: store, readOnly: true).openConflictCount() == 1)
        return store
    }

    @Test func mainCommandsInBothLocales() throws {
        let dir = try TempDir(prefix: "jg-locale")
        let e = try PortalHarness.startASURSO()
        defer { e.stop() }
        let store = try Self.storeWithConflict(dir, e)
        let conflictID = try #require(try JournalStore.open(at: store, readOnly: true).openConflictIDs().first)
        let config = dir.path("school.conf")
        try "[school]\nstore = \(store)\ntimezone = Europe/Samara\n".write(toFile: config, atomically: false, encoding: .utf8)

        // (arguments, English words expected, Russian words expected)
        let texts: [([String], [String], [String])] = [
            (["--store", store, "status"], ["School: ", "Open conflicts: 1", "Recent runs:"], ["Школа: ", "Открытых конфликтов: 1", "Последние запуски:"]),
            (["--store", store, "conflicts"], ["1 conflict(s).", "base «"], ["Конфликтов: 1.", "было «"]),
            (["--store", store, "conflicts", "show", "\(conflictID)"], ["Conflict #\(conflictID) with asu-rso", "Resolve: journal-gateway conflicts resolve"],
             ["Конфликт #\(conflictID) с asu-rso", "Решить: journal-gateway conflicts resolve"]),
            (["--store", store, "check"], ["CRITICAL: no night with every step successful yet"], ["CRITICAL: ещё не было ночи, в которой все шаги прошли успешно"]),
            (["help"], ["commands:", "Exit codes: 0 ok"], ["команды:", "Коды завершения: 0 — успешно", "ночная синхронизация с АСУ РСО"]),
            (["sync", "asu-rso", "--help"], ["usage: journal-gateway", "nightly sync with АСУ РСО"], ["использование: journal-gateway", "ночная синхронизация с АСУ РСО"]),
            (["--config", config, "night"], ["archive: ok", "night night-", ": exit 0"], ["archive: успешно", "ночь night-", ": код 0"]),
            (["--store", store, "check"], ["OK: last night finished"], ["OK: последняя ночь закончилась"]),
            // Failures: their words and advice on standard error.
            (["--store", dir.path("nowhere.sqlite"), "status"], ["error: no store at", "run `journal-gateway init"],
             ["ошибка: хранилище \(dir.path("nowhere.sqlite")) не создано: сначала выполните `journal-gateway init"]),
            (["--store", store, "sync", "asu-rso", "--url", "ftp://x"], ["error: --url must be an http(s) address"], ["ошибка: --url должен быть адресом http(s)"]),
            (["--store", store, "conflicts", "show"], ["error: give one conflict ID"], ["ошибка: укажите один номер конфликта"]),
            (["--store", store, "status", "--bogus"], ["error: status: unknown option --bogus", "usage: status [--json]"],
             ["ошибка: status: неизвестный параметр --bogus", "использование: status [--json]"]),
            // The secretary's list, tried without writing.
            (["--store", store, "import", "contingent", samples + "/contingent/list-2026-09-01.csv", "--dry-run"], ["Would import ", "list date 01.09.2026"],
             ["Пробный прогон, ничего не записано: список ", "дата списка 01.09.2026"]),
        ]
        for (args, en, ru) in texts {
            let a = Self.run(args, Self.english), b = Self.run(args, Self.russian)
            #expect(a.code == b.code, "\(args): exit \(a.code) / \(b.code)")
            let englishText = a.out + a.err, russianText = b.out + b.err
            for w in en { #expect(englishText.contains(w), "\(args): «\(w)» in \(englishText.prefix(1500))") }
            for w in ru { #expect(russianText.contains(w), "\(args): «\(w)» in \(russianText.prefix(1500))") }
            #expect(!russianText.contains("error:"), "\(args): \(russianText.prefix(500))")
        }

        // --json: the same bytes under both locales (and exit codes).
        let jsonCommands: [[String]] = [["--store", store, "status", "--json"], ["--store", store, "conflicts", "--json"],
                                        ["--store", store, "conflicts", "show", "\(conflictID)", "--json"],
                                        ["--config", config, "night", "--json"], ["--config", config, "night", "--dry-run", "--json"],
                                        ["--config", config, "config", "check", "--json"]]
        for args in jsonCommands {
            let a = Self.run(args, Self.english), b = Self.run(args, Self.russian)
            #expect(a.code == b.code, "\(args)")
            #expect(!a.out.isEmpty && a.out == b.out, "\(args):\n\(a.out.prefix(800))\n---\n\(b.out.prefix(800))")
            #expect((try? JSON.parse(a.out)) != nil, "\(args)")
        }
        // LC_ALL wins over LANG: C under ru_RU is English.
        let forced = Self.run(["--store", store, "status"], Self.russian.merging(["LC_ALL": "C.UTF-8"]) { $1 })
        #expect(forced.out.hasPrefix("School: "), "\(forced.out.prefix(200))")

        // A sync's summary for people (the conflict is still open: its line is there too).
        let sync = Array(PortalHarness.asuRSO.syncArgs(e, store: store).filter { $0 != "--json" })
        let env = PortalHarness.asuRSO.env(e)
        let a = Self.run(sync, env.merging(Self.english) { $1 }), b = Self.run(sync, env.merging(Self.russian) { $1 })
        #expect(a.code == 0 && b.code == 0, "\(a.err) \(b.err)")
        for w in ["Sync with asu-rso, run ", "entity        expected  applied  pushed  conflicts  failed  unchanged", "1 conflict(s) wait in the queue"] {
            #expect(a.out.contains(w), "«\(w)» in \(a.out)")
        }
        for w in ["Синхронизация с asu-rso, запуск ", "записи        ожидалось  применено  отправлено  конфликтов  ошибок  без изменений",
                  "Конфликтов ждут решения: 1"] {
            #expect(b.out.contains(w), "«\(w)» in \(b.out)")
        }
    }
}
