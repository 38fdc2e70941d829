import Testing
@testable import Gateway
@testable import JournalStore

/// Issue 13 (F8): every failure mapped to its exit code in `CLI.outcome`.
struct ExitCodeTests {
    @Test func exitCodesAreDecidedInOnePlace() {
        func code(_ e: any Error) -> Int32 { CLI.outcome(of: e, storePath: "/x/j.sqlite").0 }
        #expect(code(StoreFailure(code: 8, message: "attempt to write a readonly database", sql: nil)) == 73)   // SQLITE_READONLY
        #expect(code(StoreFailure(code: 13, message: "database or disk is full", sql: nil)) == 73)             // SQLITE_FULL
        #expect(code(StoreFailure(code: 778, message: "disk I/O error", sql: nil)) == 73)                      // SQLITE_IOERR_WRITE
        #expect(code(StoreFailure(code: 26, message: "file is not a database", sql: nil)) == 65)               // SQLITE_NOTADB
        #expect(code(StoreFailure(code: 5, message: "database is locked", sql: nil)) == 75)                    // SQLITE_BUSY
        #expect(code(StoreFailure(code: 275, message: "R1", sql: nil)) == 65)
        #expect(code(StoreError(.cannotWrite, "x")) == 73)
        #expect(code(StoreError(.locked, "x")) == 75)
        #expect(code(StoreError(.notAStore, "x")) == 65)
        #expect(code(StoreError(.missingDirectory, "x")) == 64)
        let (_, lines) = CLI.outcome(of: StoreFailure(code: 8, message: "attempt to write a readonly database", sql: nil), storePath: "/x/j.sqlite")
        #expect(lines.joined().contains("/x/j.sqlite"))
        #expect(CLI.overview().contains("73"))
    }
}
