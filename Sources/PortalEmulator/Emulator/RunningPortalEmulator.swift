import Foundation
import JournalModel

/// What the CLI and the tests need from a started portal emulator, whichever portal it plays
/// (АСУ РСО: `RunningEmulator`, ЭПОС.Школа: `RunningEPOSEmulator`).
public protocol RunningPortalEmulator: AnyObject, Sendable {
    /// `http://127.0.0.1:<port>`.
    var url: URL { get }
    var port: UInt16 { get }
    var schoolID: String { get }
    var login: String { get }
    var password: String { get }
    /// `url=<URL> school-id=<ID> login=<LOGIN> password=<PASSWORD>`: the one line on stdout.
    var readyLine: String { get }
    /// Closes the port and every connection. Idempotent.
    func stop()
    /// Blocks until `stop()` has finished.
    func waitUntilStopped()
    /// What `GET /_emulator/stats` answers.
    func stats() -> JSON
    /// What `GET /_emulator/state` answers (`content`: the order-independent view).
    func stateDocument(content: Bool) -> JSON
}

extension RunningPortalEmulator {
    public var readyLine: String {
        "url=\(url.absoluteString) school-id=\(schoolID) login=\(login) password=\(password)"
    }
}

extension RunningEmulator: RunningPortalEmulator {}
