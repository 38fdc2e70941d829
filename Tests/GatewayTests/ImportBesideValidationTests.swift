import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

/// `journal import` validates the file on a connection of its own while the apply writes
/// (``BackgroundValidation``): the validation sees the store as before the import, by the
/// store's clock, and its problems undo whatever the apply had written.
struct ImportBesideValidationTests {
    /// The validation's connection reads "today" by the importing store's clock, not the
    /// machine's: a lesson after the store's today is R2's problem on its line (the apply's
    /// own gate would refuse it too, but with another error, not the file's problem list).
    @Test func theValidationUsesTheStoresClock() throws {
        let dir = try TempDir()
        let s = try JournalStore.open(at: try sampleStore(dir, week: false))
        s.now = { ISO8601DateFormatter().date(from: "2025-09-02T09:00:00Z")! }
        let path = try JournalBindingTests.file(dir, "week.jsonl", [
            #"{"type": "subject", "id": "sub-1", "name": "Математика"}"#,
            #"{"type": "lesson", "id": "les-1", "class": "cls-5А", "subject": "sub-1", "date": "2025-09-08", "number": 1}"#,
        ])
        let error = #expect(throws: GatewayError.self) { try JournalBindingTests.importer(s).run(path: path) }
        #expect(error?.message == "\(path): 1 problem(s); nothing was imported", "the validation's list, not the store's refusal")
        #expect(error?.details.count == 1)
        #expect(error?.details.first?.hasPrefix("\(path):2: lesson les-1: ") == true, "\(error?.details ?? [])")
        #expect(error?.details.first?.contains("today is 2025-09-02") == true, "\(error?.details ?? [])")
        #expect(try s.count(.subject) == 0 && s.count(.lesson) == 0)
    }

    /// A bad first line and thousands of good ones after it: the apply, already writing,
    /// is stopped and undone; the problem is the only thing reported and nothing stays.
    @Test func aProblemUndoesWhatTheApplyWroteMeanwhile() throws {
        let dir = try TempDir()
        let s = try JournalStore.open(at: try sampleStore(dir, week: false))
        let seq = s.lastSeq
        var lines = [#"{"type": "subject", "id": "sub-0", "name": }"#]
        for i in 1...20_000 { lines.append(#"{"type": "subject", "id": "sub-\#(i)", "name": "Предмет \#(i)"}"#) }
        let path = try JournalBindingTests.file(dir, "subjects.jsonl", lines)
        let error = #expect(throws: GatewayError.self) { try JournalBindingTests.importer(s).run(path: path) }
        #expect(error?.message == "\(path): 1 problem(s); nothing was imported")
        #expect(error?.details.count == 1)
        #expect(error?.details.first?.hasPrefix("\(path):1:") == true, "\(error?.details ?? [])")
        #expect(try s.count(.subject) == 0)
        #expect(s.lastSeq == seq)
        // The same file without its bad line goes in whole, on the same store.
        let good = try JournalBindingTests.file(dir, "good.jsonl", Array(lines.dropFirst()))
        let result = try JournalBindingTests.importer(s).run(path: good)
        #expect(result.total.created == 20_000)
        #expect(try s.count(.subject) == 20_000)
    }

    /// A problem the validation finds only at the file's end (a reference to a record no
    /// line defines) is reported as when the validation ran first: by line, nothing written.
    @Test func aForwardReferenceNeverDefinedIsTheFilesProblem() throws {
        let dir = try TempDir()
        let s = try JournalStore.open(at: try sampleStore(dir, week: false))
        let path = try JournalBindingTests.file(dir, "week.jsonl", [
            #"{"type": "lesson", "id": "les-1", "class": "cls-5А", "subject": "sub-404", "date": "2025-09-08", "number": 1}"#,
            #"{"type": "subject", "id": "sub-1", "name": "Математика"}"#,
        ])
        let error = #expect(throws: GatewayError.self) { try JournalBindingTests.importer(s).run(path: path) }
        #expect(error?.message == "\(path): 1 problem(s); nothing was imported")
        #expect(error?.details == ["\(path):1: lesson les-1: field «subject»: no subject with id «sub-404» in the file or the store"])
        #expect(try s.count(.subject) == 0 && s.count(.lesson) == 0)
    }
}
