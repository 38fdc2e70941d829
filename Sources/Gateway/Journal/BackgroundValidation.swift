import Foundation

/// The validating pass of a journal import, run on a thread of its own beside the apply.
///
/// The validation reads the store through a read-only connection of its own, so it sees the
/// store as last committed (the apply's transaction is not): exactly what it saw when it ran
/// before the apply. The apply asks ``hasProblems`` now and then to stop early, and
/// ``wait()`` before it commits; problems roll the apply back, so the import stays all or
/// nothing and reports the same problems as a validation run first.
final class BackgroundValidation: @unchecked Sendable {
    typealias Outcome = (problems: [ImportValidation.Problem], warnings: [ImportValidation.Problem])

    private let done = NSCondition()
    /// Written once, under `done`, by the validating thread.
    private var outcome: Result<Outcome, any Error>?

    /// Starts `work` on a new thread. `work` must touch nothing the caller's thread uses
    /// (its own store connection, its own reading of the file).
    init(_ work: @escaping @Sendable () throws -> Outcome) {
        let thread = Thread { [self] in
            let result = Result { try work() }
            done.lock()
            outcome = result
            done.broadcast()
            done.unlock()
        }
        thread.name = "journal-import validation"
        thread.start()
    }

    /// Whether the validation has finished and found a problem (never waits).
    var hasProblems: Bool {
        done.lock()
        defer { done.unlock() }
        if case .success(let o)? = outcome { return !o.problems.isEmpty }
        return false
    }

    /// The validation's problems and warnings, once it has finished; rethrows what stopped it.
    func wait() throws -> Outcome {
        done.lock()
        while outcome == nil { done.wait() }
        let result = outcome!
        done.unlock()
        return try result.get()
    }
}
