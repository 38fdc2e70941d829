import Foundation
import Gateway

/// `sync epos` against the ЭПОС emulator running in its own process, at a pace the loopback
/// allows (the real portal's 10 requests a second would measure the pacer, not the gateway).
func eposSyncArgs(_ ctx: BenchContext, _ e: EmulatorProcess) -> [String] {
    setenv("JOURNAL_GATEWAY_PASSWORD", e.password, 1)
    return ["--store", ctx.work + "/store.sqlite", "sync", "epos", "--url", e.url.absoluteString, "--school-id", e.schoolID,
            "--login", e.login, "--requests-per-second", "1000"]
}

/// The first sync of a whole year with the ЭПОС.Школа emulator (its own process, loopback,
/// no rate limit, no faults).
struct InitialSyncEPOS: Benchmark {
    let name = "initial-sync-epos"
    func setUp(_ ctx: BenchContext) throws {
        _ = try importedStore(ctx)
        EmulatorProcess.current = try EmulatorProcess("epos", ["--seed-dir", ctx.dir + "/epos", "--requests-per-second", "0"])
    }
    func run(_ ctx: BenchContext) throws -> Int {
        try gateway(eposSyncArgs(ctx, try runningEmulator()))
        return try lineCount(ctx.dir + "/journal.jsonl")
    }
}
