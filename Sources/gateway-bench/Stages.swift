import CSQLite
import Foundation
import Gateway
import JournalModel

/// Runs a `journal-gateway` command in-process, its output discarded; fails loudly.
func gateway(_ args: [String]) throws {
    let (console, read) = Console.capturing()
    let code = CLI.run(args, console: console, environment: ProcessInfo.processInfo.environment)
    guard code == 0 else { throw BenchError("journal-gateway \(args.joined(separator: " ")) exited \(code): \(read().err.prefix(2000))") }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

func newStore(_ ctx: BenchContext) throws -> String {
    let path = ctx.work + "/store.sqlite"
    try gateway(["--store", path, "init", "--school", "Бенчмарк", "--timezone", "Europe/Samara"])
    return path
}

/// Calls `body` with each line's bytes (without the line end), reading in 1 MiB chunks.
func forEachLine(_ path: String, _ body: (ArraySlice<UInt8>) throws -> Void) throws {
    guard let h = FileHandle(forReadingAtPath: path) else { throw BenchError("cannot read \(path)") }
    var carry: [UInt8] = []
    while let chunk = try h.read(upToCount: 1 << 20), !chunk.isEmpty {
        let bytes = carry + Array(chunk)
        var start = 0
        for i in bytes.indices where bytes[i] == 0x0A {
            if i > start { try body(bytes[start..<i]) }
            start = i + 1
        }
        carry = Array(bytes[start...])
    }
    if !carry.isEmpty { try body(carry[...]) }
}

func lineCount(_ path: String) throws -> Int {
    guard let h = FileHandle(forReadingAtPath: path) else { throw BenchError("cannot read \(path)") }
    var n = 0
    while let chunk = try h.read(upToCount: 1 << 20), !chunk.isEmpty { n += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
    return n
}

/// The reference: the `sqlite3` command's own `.import` of the journal's rows (one CSV
/// row per record) into an equivalent table.
struct SQLiteImportReference: Benchmark {
    let name = "sqlite3-import (reference)"
    func setUp(_ ctx: BenchContext) throws {}
    func run(_ ctx: BenchContext) throws -> Int {
        let db = ctx.work + "/ref.sqlite"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sqlite3", db, "PRAGMA journal_mode=WAL;",
                       "CREATE TABLE rec (type TEXT, id TEXT PRIMARY KEY, a TEXT, b TEXT, c TEXT, d TEXT, e TEXT, f TEXT, g TEXT, h TEXT) STRICT;",
                       ".mode csv", ".import \(ctx.dir)/rows.csv rec"]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BenchError("sqlite3 .import failed (is the sqlite3 command installed?)") }
        return try lineCount(ctx.dir + "/rows.csv")
    }
}

/// A bare prepared-statement insert loop in Swift over the same rows, in one transaction.
struct SQLiteInsertLoop: Benchmark {
    let name = "sqlite-insert-loop (reference)"
    func setUp(_ ctx: BenchContext) throws {}
    func run(_ ctx: BenchContext) throws -> Int {
        var db: OpaquePointer?
        sqlite3_open(ctx.work + "/loop.sqlite", &db)
        defer { sqlite3_close(db) }
        sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE rec (type TEXT, id TEXT PRIMARY KEY, a TEXT, b TEXT, c TEXT, d TEXT, e TEXT, f TEXT, g TEXT, h TEXT) STRICT; BEGIN", nil, nil, nil)
        var stmt: OpaquePointer?
        sqlite3_prepare_v2(db, "INSERT INTO rec VALUES (?,?,?,?,?,?,?,?,?,?)", -1, &stmt, nil)
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        var n = 0
        try forEachLine(ctx.dir + "/rows.csv") { line in
            var col: Int32 = 1
            var start = line.startIndex
            for i in line.indices where line[i] == UInt8(ascii: ",") || i == line.index(before: line.endIndex) {
                let end = line[i] == UInt8(ascii: ",") ? i : line.endIndex
                line[start..<end].withUnsafeBytes { _ = sqlite3_bind_text(stmt, col, $0.baseAddress, Int32($0.count), transient) }
                col += 1
                start = line.index(after: i)
            }
            sqlite3_step(stmt); sqlite3_reset(stmt)
            n += 1
        }
        sqlite3_finalize(stmt)
        sqlite3_exec(db, "COMMIT", nil, nil, nil)
        return n
    }
}

struct ContingentImport: Benchmark {
    let format: String
    var name: String { "contingent-import-\(format)" }
    func setUp(_ ctx: BenchContext) throws { _ = try newStore(ctx) }
    func run(_ ctx: BenchContext) throws -> Int {
        try gateway(["--store", ctx.work + "/store.sqlite", "import", "contingent", ctx.dir + "/contingent.\(format)"])
        return ctx.students
    }
}

struct JournalImport: Benchmark {
    let name = "journal-import"
    func setUp(_ ctx: BenchContext) throws {
        let store = try newStore(ctx)
        try gateway(["--store", store, "import", "contingent", ctx.dir + "/contingent.csv"])
    }
    func run(_ ctx: BenchContext) throws -> Int {
        try gateway(["--store", ctx.work + "/store.sqlite", "journal", "import", ctx.dir + "/journal.jsonl"])
        return try lineCount(ctx.dir + "/journal.jsonl")
    }
}

/// A store with the generated school imported, for the sync stages.
func importedStore(_ ctx: BenchContext) throws -> String {
    let store = try newStore(ctx)
    try gateway(["--store", store, "import", "contingent", ctx.dir + "/contingent.csv"])
    try gateway(["--store", store, "journal", "import", ctx.dir + "/journal.jsonl"])
    return store
}

/// `sync asu-rso` against the АСУ РСО emulator running in its own process.
func syncArgs(_ ctx: BenchContext, _ e: EmulatorProcess) -> [String] {
    setenv("JOURNAL_GATEWAY_PASSWORD", e.password, 1)
    return ["--store", ctx.work + "/store.sqlite", "sync", "asu-rso", "--url", e.url.absoluteString, "--school-id", e.schoolID, "--login", e.login]
}

func runningEmulator() throws -> EmulatorProcess {
    guard let e = EmulatorProcess.current else { throw BenchError("no emulator") }
    return e
}

/// The first sync of a whole year with the АСУ РСО emulator (loopback, no faults).
struct InitialSyncASURSO: Benchmark {
    let name = "initial-sync-asu-rso"
    func setUp(_ ctx: BenchContext) throws {
        _ = try importedStore(ctx)
        EmulatorProcess.current = try EmulatorProcess("asu-rso", ["--seed-dir", ctx.dir + "/asu-rso"])
    }
    func run(_ ctx: BenchContext) throws -> Int {
        try gateway(syncArgs(ctx, try runningEmulator()))
        return try lineCount(ctx.dir + "/journal.jsonl")
    }
}

/// A night's delta: 2,500 marks changed in the journal and 2,500 on the portal. The setUp
/// syncs twice, the initial sync and a quiet night that reads back the portal's echo of the
/// initial sync's own pushes (~14 k records at 2,000 pupils), so that the measured night
/// is a steady-state one: its 5,000 changes and nothing else.
struct NightlyDeltaASURSO: Benchmark {
    let name = "nightly-delta-asu-rso"
    func setUp(_ ctx: BenchContext) throws {
        _ = try importedStore(ctx)
        let e = try EmulatorProcess("asu-rso", ["--seed-dir", ctx.dir + "/asu-rso"])
        EmulatorProcess.current = e
        try gateway(syncArgs(ctx, e))
        try gateway(syncArgs(ctx, e))
        // Local: 2,500 marks get another value.
        var local = "", n = 0
        try forEachLine(ctx.dir + "/journal.jsonl") { line in
            guard n < 2500, case .object(var pairs) = try JSON.parse(bytes: Array(line)), pairs.first?.1 == .string("mark"),
                  let i = pairs.firstIndex(where: { $0.0 == "value" }), case .string(let v) = pairs[i].1 else { return }
            pairs[i].1 = .string(v == "5" ? "4" : "5")
            local += JSON.object(pairs).serialized() + "\n"
            n += 1
        }
        try local.write(toFile: ctx.work + "/local.jsonl", atomically: true, encoding: .utf8)
        try gateway(["--store", ctx.work + "/store.sqlite", "journal", "import", ctx.work + "/local.jsonl"])
        // Portal: 2,500 other marks edited by its users.
        let content = try e.control("/_emulator/state")
        var ops: [JSON] = []
        for l in (content["lessons"]?.array ?? []).reversed() {
            for a in l["assignments"]?.array ?? [] {
                for m in a["marks"]?.array ?? [] where ops.count < 2500 {
                    guard let sid = m["studentId"]?.int, m["mark"]?.string != nil else { continue }
                    ops.append(.object([("op", .string("upsertMark")), ("classmeetingId", l["id"] ?? .null), ("assignmentId", a["id"] ?? .null),
                                        ("studentId", .int(sid)), ("mark", .string(m["mark"]?.string == "2" ? "3" : "2"))]))
                }
            }
        }
        _ = try e.control("/_emulator/edit", body: .object([("operations", .array(ops))]))
    }
    func run(_ ctx: BenchContext) throws -> Int {
        try gateway(syncArgs(ctx, try runningEmulator()))
        return 5000
    }
}
