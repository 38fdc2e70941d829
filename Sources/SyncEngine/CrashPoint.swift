/// The checkpoint boundaries of a run, where tests interrupt it to prove that a run
/// killed at any instant and started again ends as an uninterrupted one.
public enum CrashPoint: String, Sendable, CaseIterable {
    /// A page was received; nothing of it is applied.
    case afterPull = "after-pull"
    /// A page is applied inside its transaction; the cursor is not yet advanced
    /// (interrupting here rolls the whole page back).
    case beforeCursorAdvance = "before-cursor-advance"
    /// A page and its cursor are committed.
    case afterLocalCommit = "after-local-commit"
    /// Local changes were planned into the outbox and committed.
    case afterPlan = "after-plan"
    /// A batch is fixed in the outbox (keys, payloads, batch id) and about to be sent.
    case beforePush = "before-push"
    /// The counterpart applied a batch; its answers are not recorded yet.
    case afterPush = "after-push"
    /// A batch's answers are recorded.
    case afterPushCommit = "after-push-commit"
}

/// Called by the engine at every ``CrashPoint``; a test makes it throw at a chosen one.
public struct CrashHook: Sendable {
    private let body: @Sendable (CrashPoint) throws -> Void
    public init(_ body: @escaping @Sendable (CrashPoint) throws -> Void) { self.body = body }
    public static let none = CrashHook { _ in }
    func callAsFunction(_ point: CrashPoint) throws { try body(point) }
}
