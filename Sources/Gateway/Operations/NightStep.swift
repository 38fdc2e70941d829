import Foundation
import JournalModel

/// One step of `journal-gateway night`: its name as the report shows it (`sync asu-rso`),
/// and what it does. A step returns its exit code and summary; it never throws (a failure
/// is its exit code and an `error` in its summary), so the steps after it still run.
struct NightStep: Sendable {
    let name: String
    let run: @Sendable (NightContext) -> NightStepResult
}

struct NightStepResult: Sendable {
    var exitCode: Int32
    var summary: JSON
}

/// The steps' order of urgency (issue 18): the night's exit code is its steps' worst.
/// 1 (internal) > 77 (a person must act) > 73 (the store cannot be written: a person must
/// act too) > 64 (the configuration is wrong) > 65 (data to fix) > 69 (portal down) >
/// 75 (try later) > 0.
enum Urgency {
    static let order: [Int32] = [1, 77, 73, 64, 65, 69, 75, 0]

    static func rank(_ code: Int32) -> Int { order.firstIndex(of: code) ?? 0 }

    static func worst(_ codes: [Int32]) -> Int32 {
        codes.min { rank($0) < rank($1) } ?? 0
    }
}
