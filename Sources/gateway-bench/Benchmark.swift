import Foundation
import JournalModel

/// One benchmark stage, in the style of swift-nio's performance tester: `setUp` prepares
/// (untimed), `run` does the measured work and says how many records it handled.
protocol Benchmark {
    var name: String { get }
    /// Prepares inputs in `dir` (untimed; runs in the child process before `run`).
    func setUp(_ ctx: BenchContext) throws
    /// The measured work; returns the number of records handled.
    func run(_ ctx: BenchContext) throws -> Int
}

struct BenchContext {
    let dir: String          // shared inputs (generated school), read-only
    let work: String         // this run's scratch directory
    let students: Int
    /// Schools in a region stage's night (24; 2 with `--quick`).
    let schools: Int
}

/// Keys a stage's `run` adds to its child's result line (e.g. the region workers' CPU
/// seconds); the parent adds them to the stage's JSON object.
nonisolated(unsafe) var stageExtras: [(String, JSON)] = []

/// What one measured run of a stage gave.
struct Sample: Sendable {
    let records: Int
    let wall: Double
    /// CPU seconds of the measured run in user and kernel mode (this process only: the
    /// portal emulators run in processes of their own).
    let user: Double
    let sys: Double
    let peakRSSMB: Double
    /// The stage's extra numbers (`stageExtras`).
    var extras: [String: Double] = [:]
}

enum ProcStatus {
    /// Resets VmHWM to the current resident size (`5` to `/proc/self/clear_refs`, Linux ≥ 4.0).
    static func resetPeakRSS() {
        guard let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return }
        h.write(Data("5".utf8))
        try? h.close()
    }

    /// Returns the heap's free pages to the system (`malloc_trim`, glibc).
    static func releaseFreedMemory() {
        #if os(Linux)
        // Not in Swift's Glibc module: looked up by name (RTLD_DEFAULT is the null handle).
        typealias Trim = @convention(c) (Int) -> Int32
        if let f = dlsym(nil, "malloc_trim") { _ = unsafeBitCast(f, to: Trim.self)(0) }
        #endif
    }

    /// CPU seconds used so far, in user and kernel mode: by this process, or with
    /// `children: true` by its children that were waited for.
    static func cpuSeconds(children: Bool = false) -> (user: Double, sys: Double) {
        var u = rusage()
        #if os(Linux)
        getrusage((children ? RUSAGE_CHILDREN : RUSAGE_SELF).rawValue, &u)
        #else
        getrusage(children ? RUSAGE_CHILDREN : RUSAGE_SELF, &u)
        #endif
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return (s(u.ru_utime), s(u.ru_stime))
    }

    /// Peak resident set size of this process (VmHWM), in MiB.
    static func peakRSSMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }
}

/// Wall-clock seconds of `body`.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let v = try body()
    return (v, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
