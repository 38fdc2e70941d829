import Foundation
import PortalEmulator

extension CLI {
    /// Blocks until SIGINT or SIGTERM, then calls `stop`.
    static func waitForTermination(_ stop: @escaping @Sendable () -> Void, wait: () -> Void) {
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler(handler: stop)
            s.resume()
            sources.append(s)
        }
        wait()
        sources.forEach { $0.cancel() }
    }

    static func faultSpec(_ text: String?) throws -> FaultSpec {
        guard let text else { return .none }
        do { return try FaultSpec(parsing: text) } catch { throw GatewayError.usage("--faults: \(error)") }
    }

    /// `--esia-only [--session-ttl SECONDS]`.
    static func esia(_ a: Arguments, _ only: inout Bool, _ ttl: inout Double?) throws {
        only = a.flag("--esia-only")
        guard let seconds = try a.int("--session-ttl") else { return }
        guard only, seconds > 0 else { throw GatewayError.usage("--session-ttl takes seconds from 1, with --esia-only") }
        ttl = Double(seconds)
    }

    static let emulatorCommands: [Command] = [
        Command(words: ["emulator", "asu-rso"], summary: CommandText.emulatorAsuRso.says(),
                usage: "emulator asu-rso [--port N] [--state DIR] [--seed-dir DIR] [--faults SPEC] [--seed N] [--feed-retention N] [--esia-only [--session-ttl SECONDS]] [--novel-codes] [--extensions]",
                options: ["--port", "--state", "--seed-dir", "--faults", "--seed", "--feed-retention", "--session-ttl"], flags: ["--esia-only", "--novel-codes", "--extensions"]) { a, ctx in
            let port = try a.int("--port") ?? 0
            guard (0...65535).contains(port) else { throw GatewayError.usage(.portRange) }
            var options = EmulatorOptions(port: UInt16(port), stateDir: a.option("--state"),
                                          seedDir: a.option("--seed-dir") ?? Resources.samples(ctx.environment) + "/asu-rso",
                                          faults: try faultSpec(a.option("--faults")), seed: UInt64(try a.int("--seed") ?? 1),
                                          feedRetention: try a.int("--feed-retention"))
            try esia(a, &options.esiaOnly, &options.sessionTTL)
            options.novelCodes = a.flag("--novel-codes")
            options.extensions = a.flag("--extensions")
            let emulator: RunningEmulator
            do { emulator = try ASURSOEmulator.start(options) } catch { throw EmulatorStartFailure(portal: "АСУ РСО", reason: "\(error)") }
            ctx.console.out(emulator.readyLine)
            ctx.console.err("АСУ РСО emulator ready; stop it with Ctrl-C or SIGTERM.")
            waitForTermination({ emulator.stop() }, wait: { emulator.waitUntilStopped() })
            return ExitCode.ok
        },
        Command(words: ["emulator", "epos"], summary: CommandText.emulatorEpos.says(),
                usage: "emulator epos [--port N] [--state DIR] [--seed-dir DIR] [--faults SPEC] [--seed N] [--requests-per-second N (0: no limit)] [--esia-only [--session-ttl SECONDS]] [--novel-codes] [--extensions]",
                options: ["--port", "--state", "--seed-dir", "--faults", "--seed", "--requests-per-second", "--session-ttl"], flags: ["--esia-only", "--novel-codes", "--extensions"]) { a, ctx in
            let port = try a.int("--port") ?? 0
            guard (0...65535).contains(port) else { throw GatewayError.usage(.portRange) }
            // The real portal's limit (10 a second, 429 beyond) unless told otherwise; 0 lifts it (benchmarks).
            let rate = try a.int("--requests-per-second") ?? 10
            guard rate >= 0 else { throw GatewayError.usage("--requests-per-second is 0 (no limit) or more") }
            var options = EPOSEmulatorOptions(port: UInt16(port), stateDir: a.option("--state"),
                                              seedDir: a.option("--seed-dir") ?? Resources.samples(ctx.environment) + "/epos",
                                              faults: try faultSpec(a.option("--faults")), seed: UInt64(try a.int("--seed") ?? 1),
                                              requestsPerSecond: rate == 0 ? nil : rate)
            try esia(a, &options.esiaOnly, &options.sessionTTL)
            options.novelCodes = a.flag("--novel-codes")
            // What formats/epos.md does not have (teachers list, extra fields, lists without a class): off unless asked for.
            options.extensions = a.flag("--extensions")
            let emulator: RunningEPOSEmulator
            do { emulator = try EPOSEmulator.start(options) } catch { throw EmulatorStartFailure(portal: "ЭПОС.Школа", reason: "\(error)") }
            ctx.console.out(emulator.readyLine)
            ctx.console.err("ЭПОС.Школа emulator ready; stop it with Ctrl-C or SIGTERM.")
            waitForTermination({ emulator.stop() }, wait: { emulator.waitUntilStopped() })
            return ExitCode.ok
        },
    ]
}
