import Foundation
import JournalModel
import SchoolGeneration

extension CLI {
    static let generateCommands: [Command] = [
        Command(words: ["generate", "school"], summary: CommandText.generateSchool.says(),
                usage: "generate school --students N --year YYYY --seed S --out DIR [--timezone ZONE] [--json]",
                options: ["--students", "--year", "--seed", "--out", "--timezone"], flags: ["--json"]) { a, ctx in
            let students = try a.int("--students") ?? 2000
            let year = try a.int("--year") ?? 2026
            let seed = UInt64(try a.int("--seed") ?? 1)
            guard students > 0, students <= 100_000 else { throw GatewayError.usage("--students is 1…100000") }
            guard let zone = TimeZone(identifier: a.option("--timezone") ?? "Europe/Samara") else { throw GatewayError.usage("unknown --timezone") }
            let dir = try a.required("--out")
            let gen = SchoolGenerator(students: students, year: year, seed: seed, today: CivilDate.today(in: zone))
            let counts = try gen.write(to: dir) { ctx.console.progress($0) }
            ctx.console.progress("АСУ РСО emulator seed…")
            try ASURSOSeedWriter(school: dir, out: dir + "/asu-rso", seed: seed).write()
            ctx.console.progress("ЭПОС.Школа emulator seed…")
            try EPOSSeedWriter(school: dir, out: dir + "/epos", seed: seed).write()
            ctx.console.progressDone()
            let byKind = counts.byKind.keys.sorted().map { ($0.rawValue, JSON.int(counts.byKind[$0]!)) }
            if a.flag("--json") {
                ctx.console.out(JSON.object([("out", .string(dir)), ("students", .int(students)), ("records", .int(counts.total)),
                                             ("by_type", .object(byKind))]).pretty())
            } else {
                ctx.console.out("Wrote \(dir)/contingent.csv, contingent.xlsx, pupils.jsonl, journal.jsonl, asu-rso/ and epos/ (the portals' side): \(students) students, \(counts.total) journal records.")
            }
            return ExitCode.ok
        },
    ]
}
