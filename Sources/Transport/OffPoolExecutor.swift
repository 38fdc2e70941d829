import Dispatch

/// Runs a task's jobs on a Dispatch queue of its own, outside Swift's cooperative thread
/// pool (as wide as the machine has cores: two on a small server).
///
/// For async work that a synchronous caller blocks on (`blockingAwait` in the CLI): when
/// the caller is itself on the cooperative pool, as it is under a test runner, the
/// blocked callers could otherwise hold every pool thread while the work they wait for
/// has no thread to run on.
public final class OffPoolExecutor: TaskExecutor {
    public static let shared = OffPoolExecutor()
    private let queue = DispatchQueue(label: "journal-gateway.off-pool", attributes: .concurrent)

    public init() {}

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
