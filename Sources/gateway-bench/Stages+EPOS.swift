import Foundation
import Gateway
import PortalEmulator

/// A running ЭПОС.Школа emulator seeded with the generated school's portal side.
final class EPOSEmulatorBox: @unchecked Sendable {
    nonisolated(unsafe) static var current: RunningEPOSEmulator?
}

/// `sync epos` against a running emulator, at a pace the loopback allows (the real portal's
/// 10 requests a second would measure the pacer, not the gateway).
func eposSyncArgs(_ ctx: BenchContext, _ e: RunningEPOSEmulator) -> [String] {
    setenv("JOURNAL_GATEWAY_PASSWORD", e.password, 1)
    return ["--store", ctx.work + "/store.sqlite", "sync", "epos", "--url", e.url.absoluteString, "--school-id", e.schoolID,
            "--login", e.login, "--requests-per-second", "1000"]
}

/// The first sync of a whole year with the ЭПОС.Школа emulator (loopback, no rate limit, no faults).
struct InitialSyncEPOS: Benchmark {
    let name = "initial-sync-epos"
    func setUp(_ ctx: BenchContext) throws {
        _ = try importedStore(ctx)
        EPOSEmulatorBox.current = try EPOSEmulator.start(EPOSEmulatorOptions(seedDir: ctx.dir + "/epos", requestsPerSecond: nil))
    }
    func run(_ ctx: BenchContext) throws -> Int {
        guard let e = EPOSEmulatorBox.current else { throw BenchError("no emulator") }
        try gateway(eposSyncArgs(ctx, e))
        return try lineCount(ctx.dir + "/journal.jsonl")
    }
}
