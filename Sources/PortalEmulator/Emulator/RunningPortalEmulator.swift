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
    /// `url=<URL> school-id=<ID> login=<LOGIN> password=<PASSWORD>` (and ` session=<TOKEN>`
    /// when only ЕСИА sign-in works): the one line on stdout.
    var readyLine: String { get }
    /// The token of the session opened at start when only ЕСИА sign-in works.
    var session: String? { get }
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
        "url=\(url.absoluteString) school-id=\(schoolID) login=\(login) password=\(password)" + (session.map { " session=" + $0 } ?? "")
    }

    public var session: String? { nil }
}

extension RunningEmulator: RunningPortalEmulator {}
