import Foundation
import JournalModel
import Synchronization

/// The ЭПОС.Школа portal on loopback: the protocol of `formats/epos.md`, its own state,
/// and seeded fault injection (including rows edited while a client pages). For tests,
/// the demo and rehearsals.
public enum EPOSEmulator {
    /// Loads the state (the saved one in `stateDir`, else the seed), binds the port and serves.
    ///
    /// - Throws: `EmulatorError` for a bad seed or state file, an unwritable state
    ///   directory, or a port that cannot be bound.
    public static func start(_ options: EPOSEmulatorOptions) throws(EmulatorError) -> RunningEPOSEmulator {
        let store = try options.stateDir.map { dir throws(EmulatorError) in try StateStore(directory: dir) }
        var state: EPOSState
        if let store, store.hasState {
            state = try EPOSState.load(stateFile: store.file)
        } else {
            guard let seed = options.seedDir ?? EPOSEmulatorOptions.defaultSeedDirectory() else {
                throw EmulatorError("no seed directory: samples/epos is neither here nor above the executable; pass one")
            }
            state = try EPOSState.load(seedDirectory: seed)
            if options.novelCodes { state.addNovelCodes() }
        }
        try store?.write(state.document(full: true))
        let core = EPOSCore(state: state, options: options, store: store)
        do {
            let server = try HTTPServer(port: options.port) { core.handle($0) }
            return RunningEPOSEmulator(server: server, core: core, school: state.school)
        } catch {
            throw EmulatorError(error.description)
        }
    }
}

/// A started ЭПОС emulator. `stop()` closes the port; the state stays in `stateDir` if one was given.
public final class RunningEPOSEmulator: RunningPortalEmulator {
    /// `http://127.0.0.1:<port>`.
    public let url: URL
    public let port: UInt16
    /// `school_id` of the token request (`59-122` in the sample).
    public let schoolID: String
    public let login: String
    public let password: String
    /// The `profile_id` the token answer gives (send it as `Profile-Id`).
    public let profileID: String
    private let server: HTTPServer
    private let core: EPOSCore

    init(server: HTTPServer, core: EPOSCore, school: EPOSSchool) {
        self.server = server
        self.core = core
        self.port = server.port
        self.url = URL(string: server.url)!
        self.schoolID = school.schoolID
        self.login = school.login
        self.password = school.password
        self.profileID = school.profileID
    }

    /// The `auth_token` of the session opened at start with `esiaOnly` (nil otherwise).
    public var session: String? { core.browserSession }

    /// Opens another session as a person would in a browser, living `sessionTTL` seconds.
    public func openBrowserSession() -> String {
        core.state.withLock { $0.sessions.issue(now: core.now.timeIntervalSince1970, ttl: core.options.sessionTTL).token }
    }

    /// Stops serving: the listening socket and every connection are closed. Idempotent.
    public func stop() { server.stop() }

    /// Blocks until `stop()` has finished, e.g. called from a SIGINT/SIGTERM handler.
    public func waitUntilStopped() { server.wait() }

    /// What `GET /_emulator/stats` answers.
    public func stats() -> JSON { core.state.withLock { core.stats($0) } }

    /// What `GET /_emulator/state` answers: the state without counters or revisions.
    ///
    /// - Parameter content: the order-independent view (`?view=content`): live objects only,
    ///   no ids of journal objects, no times; equal for two runs that reached the same journal.
    public func stateDocument(content: Bool = false) -> JSON {
        core.state.withLock { content ? $0.state.contentDocument() : $0.state.document(full: false) }
    }

    /// Changes the portal's data as its own users would (`POST /_emulator/edit`):
    /// `{"op": "create" | "update" | "delete" | "touch", "kind": "mark", "id": …, "data": {…}, "if_match": …}`.
    /// Every change takes a new `updated_at`. Returns `{"results": […]}`.
    public func edit(_ operations: [JSON]) -> JSON {
        core.state.withLock { core.edit(operations, &$0) }
    }

    /// `GET /_emulator/faults`: the spec, the seed, the injected faults per key, the rate-limit 429s.
    public func faults() -> JSON { core.state.withLock { core.faultsReport($0) } }
}
