import Foundation
import JournalModel
import Testing
@testable import PortalEmulator

/// The list pages' rows are written straight to text: the text must be the one the row's
/// JSON tree serializes to, with and without extensions, for every kind (a soft-deleted row
/// and a final mark without `deleted_at` included).
struct EPOSWireRowTests {
    @Test func aRowWrittenDirectlyIsItsTreeSerialized() throws {
        var state = try EPOSState.load(seedDirectory: eposSeed)
        // A deleted final mark shows its `deleted_at`.
        let final = try #require(state.all(.finalMark).first)
        var gone = final
        gone.deletedAt = final.updatedAt + 1
        state.put(gone)
        var deleted = 0
        for kind in EPOSKind.allCases {
            let rows = Array(state.all(kind))
            #expect(!rows.isEmpty, "\(kind)")
            for r in rows {
                if r.deletedAt != nil { deleted += 1 }
                for extensions in [false, true] {
                    var text = ""
                    state.writeWireRow(r, extensions: extensions, hidden: EPOSState.hiddenFields(kind), to: &text)
                    #expect(text == state.wireRow(r, extensions: extensions).serialized(), "\(kind) \(r.id) extensions \(extensions)")
                }
            }
        }
        #expect(deleted >= 3, "soft-deleted rows of several kinds")
    }

    @Test func headerNamesCompareIgnoringCase() {
        let h: HTTPHeaders = ["Content-Length": "12", "auth-token": "t", "X-Ünï": "u"]
        #expect(h["content-length"] == "12" && h["CONTENT-LENGTH"] == "12" && h["Auth-Token"] == "t")
        #expect(h["Content-Lengt"] == nil && h["Content_Length"] == nil && h["Content-Lengtj"] == nil)
        #expect(h["x-üNÏ"] == "u", "non-ASCII names still compare as lower-cased")
        #expect(HTTPRequestReader.trimmed(" \t value\u{00A0} ") == "value" && HTTPRequestReader.trimmed("a b") == "a b")
    }
}
