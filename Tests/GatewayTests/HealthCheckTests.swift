import Foundation
import Testing
@testable import Gateway
import JournalModel
@testable import JournalStore
import TestSupport

/// `journal-gateway check` over a store whose nights' state is set by hand: the age limit,
/// a failed step, a conflict waiting more than three days.
struct HealthCheckTests {
    static func store(_ dir: TempDir) throws -> String {
        let path = dir.path("journal.sqlite")
        #expect(cli(["init", "--school", "Школа", "--timezone", "Europe/Samara"], store: path).code == 0)
        return path
    }

    static func night(_ path: String, finished: Double, success: Double?, failed: [String] = []) throws {
        let s = try JournalStore.open(at: path)
        let steps = JSON.object(failed.map { ($0, .object([("last_run", .double(finished)), ("last_success", .null), ("exit_code", .int(69))])) })
        try s.setMeta("night.last_run", JSON.object([("finished_at", .double(finished)), ("exit_code", .int(failed.isEmpty ? 0 : 69)),
                                                      ("duration_s", .double(1)), ("failed_steps", .array(failed.map(JSON.string))),
                                                      ("steps", steps)]).serialized())
        if let success { try s.setMeta("night.last_success", String(success)) }
    }

    @Test func ageFailedStepsAndOldConflicts() throws {
        let dir = try TempDir()
        let path = try Self.store(dir)
        let now = Date()
        let t = now.timeIntervalSince1970
        #expect(HealthCheck.evaluate(storePath: path, maxAge: 26 * 3600, now: now).code == 2)

        try Self.night(path, finished: t - 30 * 3600, success: t - 30 * 3600)
        let old = HealthCheck.evaluate(storePath: path, maxAge: 26 * 3600, now: now)
        #expect(old.code == 2 && old.line == "CRITICAL: the last night with every step successful finished 30h ago (allowed 26h)", "\(old.line)")
        let allowed = HealthCheck.evaluate(storePath: path, maxAge: 2 * 86_400, now: now)
        #expect(allowed.code == 0 && allowed.line.hasPrefix("OK: "), "\(allowed.line)")

        try Self.night(path, finished: t - 3600, success: t - 30 * 3600, failed: ["sync epos"])
        let failed = HealthCheck.evaluate(storePath: path, maxAge: 2 * 86_400, now: now)
        #expect(failed.code == 1 && failed.line == "WARNING: last night failed: sync epos (exit 69)", "\(failed.line)")

        // A clean night, and a conflict queued four days ago: WARNING; three days would not be.
        try Self.night(path, finished: t - 3600, success: t - 3600)
        let s = try JournalStore.open(at: path)
        try s.db.run("INSERT INTO conflict (counterpart, entity, local_id, field, policy, created_at) VALUES ('epos', 'mark', 'mk-1', 'value', 'queue', ?)",
                     [.text(JournalStore.timestamp(now.addingTimeInterval(-2.9 * 86_400)))])
        #expect(HealthCheck.evaluate(storePath: path, maxAge: 26 * 3600, now: now).code == 0)
        try s.db.run("INSERT INTO conflict (counterpart, entity, local_id, field, policy, created_at) VALUES ('epos', 'mark', 'mk-2', 'value', 'queue', ?)",
                     [.text(JournalStore.timestamp(now.addingTimeInterval(-4 * 86_400)))])
        let conflict = HealthCheck.evaluate(storePath: path, maxAge: 26 * 3600, now: now)
        #expect(conflict.code == 1 && conflict.line == "WARNING: a conflict has waited 4d (journal-gateway conflicts)", "\(conflict.line)")
    }

    /// The same check under a Russian and an English locale: the words change, the code and
    /// the Nagios keyword do not.
    @Test func checkSpeaksTheServersLanguage() throws {
        let dir = try TempDir()
        let path = try Self.store(dir)
        let t = Date().timeIntervalSince1970
        try Self.night(path, finished: t - 7 * 3600 - 60, success: t - 7 * 3600 - 60)
        func check(_ env: [String: String], _ args: [String] = []) -> CLIResult {
            let (console, read) = Console.capturing()
            let code = CLI.run(["--store", path, "check"] + args, console: console, environment: env)
            return CLIResult(code: code, out: read().out, err: read().err)
        }
        #expect(check(["LANG": "ru_RU.UTF-8"]).out == "OK: последняя ночь закончилась 7 ч назад, все шаги прошли успешно\n")
        #expect(check(["LANG": "C.UTF-8"]).out == "OK: last night finished 7h ago, every step successful\n")
        #expect(check(["LANG": "C.UTF-8", "LC_MESSAGES": "ru_RU.UTF-8"]).code == 0)
        #expect(check(["LANG": "ru_RU.UTF-8", "LC_ALL": "en_US.UTF-8"]).out.hasPrefix("OK: last night"))
        let ru = check(["LANG": "ru_RU.UTF-8"], ["--max-age", "2h"])
        #expect(ru.code == 2 && ru.out == "CRITICAL: последняя ночь, в которой все шаги прошли успешно, закончилась 7 ч назад (допустимо 2 ч)\n", "\(ru.out)")
    }

    @Test func noStoreIsCritical() throws {
        let dir = try TempDir()
        let r = HealthCheck.evaluate(storePath: dir.path("none.sqlite"), maxAge: 3600, now: Date())
        #expect(r.code == 2 && r.line.hasPrefix("CRITICAL: cannot read the store"))
    }
}
