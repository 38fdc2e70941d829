import Foundation
import JournalModel
import Synchronization

/// The АСУ РСО portal on loopback: the protocol of `formats/asu-rso.md`, its own state,
/// and seeded fault injection. For tests, the demo and rehearsals.
public enum ASURSOEmulator {
    /// Loads the state (the saved one in `stateDir`, else the seed), binds the port and serves.
    ///
    /// - Throws: `EmulatorError` for a bad seed or state file, an unwritable state
    ///   directory, or a port that cannot be bound.
    public static func start(_ options: EmulatorOptions) throws(EmulatorError) -> RunningEmulator {
        let store = try options.stateDir.map { dir throws(EmulatorError) in try StateStore(directory: dir) }
        var portal: PortalState
        if let saved = try store?.load() {
            portal = saved
        } else {
            guard let seed = options.seedDir ?? EmulatorOptions.defaultSeedDirectory() else {
                throw EmulatorError("no seed directory: samples/asu-rso is neither here nor above the executable; pass one")
            }
            portal = try PortalState.load(seedDirectory: seed)
            if options.novelCodes { portal.addNovelCodes() }
        }
        if let numbers = options.marksAsNumbers { portal.config.marksAsNumbers = numbers }
        portal.feedRetention = options.feedRetention
        portal.extensions = options.extensions
        portal.settle()
        try store?.save(portal)
        let core = EmulatorCore(portal: portal, options: options, store: store)
        do {
            let server = try HTTPServer(port: options.port) { core.handle($0) }
            return RunningEmulator(server: server, core: core, config: portal.config)
        } catch {
            throw EmulatorError(error.description)
        }
    }
}

/// A started emulator. `stop()` closes the port; the state stays in `stateDir` if one was given.
public final class RunningEmulator: Sendable {
    /// `http://127.0.0.1:<port>`.
    public let url: URL
    public let port: UInt16
    public let schoolID: String
    public let login: String
    public let password: String
    /// The `at` token of the session opened at start with `esiaOnly` (nil otherwise).
    public var session: String? { core.browserSession }
    private let server: HTTPServer
    private let core: EmulatorCore

    init(server: HTTPServer, core: EmulatorCore, config: SchoolConfig) {
        self.server = server
        self.core = core
        self.port = server.port
        self.url = URL(string: server.url)!
        self.schoolID = config.schoolID
        self.login = config.login
        self.password = config.password
    }

    /// Stops serving: the listening socket and every connection are closed. Idempotent.
    public func stop() { server.stop() }

    /// Blocks until `stop()` has finished, e.g. called from a SIGINT/SIGTERM handler.
    public func waitUntilStopped() { server.wait() }

    /// What `GET /_emulator/stats` answers.
    public func stats() -> JSON { core.state.withLock { core.stats($0) } }

    /// Opens another session as a person would in a browser (with `esiaOnly`: the fresh
    /// session after the first expired), living `sessionTTL` seconds from now.
    public func openBrowserSession() -> String {
        core.state.withLock { $0.sessions.openBrowserSession(now: core.now, ttl: core.options.sessionTTL) }
    }

    /// What `GET /_emulator/state` answers: the canonical state, without counters or idempotency keys.
    ///
    /// - Parameter content: the order-independent view (`?view=content`): no vers, no lesson or
    ///   assignment ids, lessons by class, date, number and group. Two runs that reached the
    ///   same journal by different paths give equal content.
    public func stateDocument(content: Bool = false) -> JSON {
        core.state.withLock { content ? $0.portal.contentDocument() : $0.portal.document(full: false) }
    }

    /// Changes the portal's data as its own users would (`POST /_emulator/edit`): the
    /// batch operations, `baseVer` checked only when given. Returns `{"results": […]}`.
    public func edit(_ operations: [JSON]) -> JSON {
        core.state.withLock { core.edit(operations, &$0) }
    }
}

/// What one lock guards: the portal, the sessions and the fault generator.
struct CoreState {
    var portal: PortalState
    var sessions: Sessions
    var faults: FaultInjector
}

/// Routes requests; every request runs under one lock, so requests apply one at a time.
final class EmulatorCore: Sendable {
    let options: EmulatorOptions
    let store: StateStore?
    let state: Mutex<CoreState>
    /// The session opened at start with `esiaOnly`, as if by a person in a browser.
    let browserSession: String?

    init(portal: PortalState, options: EmulatorOptions, store: StateStore?) {
        self.options = options
        self.store = store
        var sessions = Sessions(lifetime: options.tokenLifetime, esiaOnly: options.esiaOnly)
        browserSession = options.esiaOnly ? sessions.openBrowserSession(now: options.clock().timeIntervalSince1970, ttl: options.sessionTTL) : nil
        self.state = Mutex(CoreState(portal: portal, sessions: sessions,
                                     faults: FaultInjector(spec: options.faults, seed: options.seed)))
    }

    var now: Double { options.clock().timeIntervalSince1970 }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.path.hasPrefix("/_emulator/") { return state.withLock { control(request, &$0) } }
        var response = state.withLock { protocolRequest(request, &$0) }
        response.delay = options.faults.latency
        options.log?("\(request.method) \(request.path) → \(response.fault.map { "\($0)" } ?? String(response.status))")
        return response
    }

    /// Saves the state after a change (when `--state` was given); a failure is logged, not fatal.
    func persist(_ portal: inout PortalState) {
        portal.settle()
        guard let store else { return }
        do { try store.save(portal) } catch {
            FileHandle.standardError.write(Data("emulator: \(error.message)\n".utf8))
        }
    }

    func stats(_ s: CoreState) -> JSON {
        .object([
            ("objects", .object(s.portal.objectCounts.map { ($0.0, JSON.int($0.1)) })),
            ("operations_applied", .int(s.portal.counters.operationsApplied)),
            ("idempotent_replays", .int(s.portal.counters.idempotentReplays)),
            ("faults_injected", .int(s.portal.counters.faultsInjected)),
        ])
    }

    /// «Today» in the school's time zone (lessons may not be dated after it: R2).
    func today(_ config: SchoolConfig) -> CivilDate {
        CivilDate.today(in: TimeZone(identifier: config.timeZone) ?? TimeZone(identifier: "Europe/Samara")!, now: options.clock())
    }

    func edit(_ operations: [JSON], _ s: inout CoreState) -> JSON {
        let today = today(s.portal.config)
        var results: [JSON] = []
        for op in operations { results.append(s.portal.apply(op, mode: .portal, today: today).result) }
        persist(&s.portal)
        return .object([("results", .array(results))])
    }
}
