import Foundation
import Testing
import JournalModel
import JournalStore
import TestSupport

/// The reads the use cases hand to adapters as data. On both backends.
struct LookupTests {
    let origin = Origin(source: "test", runID: "run-1", account: "admin")

    /// `lessonPlace`: a lesson bound to the counterpart, with its class's id there and its
    /// date; nothing for a lesson not bound, one whose class is not bound, or one bound to
    /// another counterpart only.
    @Test(arguments: StoreBackend.allCases) func aLessonsPlaceIsItsBoundClassAndDate(_ backend: StoreBackend) throws {
        let dir = try TempDir()
        let store = try JournalStore.create(at: try storeLocation(backend, dir), school: "Школа", timeZone: "Europe/Samara")
        #expect(try store.lessonPlace(counterpart: "cp", lessonExternalID: "7001") == nil)
        try store.transaction {
            try store.write(Record(.subject, id: "s", ["name": .text("Математика")]), origin: origin)
            for (id, name) in [("c5", "5А"), ("c6", "6Б")] {
                try store.write(Record(.classUnit, id: id, ["name": .text(name), "grade": .int(Int(name.prefix(1))!)]), origin: origin)
            }
            for (id, cls, date) in [("l1", "c5", "2026-09-07"), ("l2", "c6", "2026-09-08"), ("l3", "c5", "2026-09-09")] {
                try store.write(Record(.lesson, id: id, ["class": .text(cls), "subject": .text("s"), "date": .text(date), "number": .int(1)]),
                                origin: origin)
            }
            try store.bindIdentity(counterpart: "cp", .classUnit, localID: "c5", externalID: "105", naturalKey: nil)
            try store.bindIdentity(counterpart: "other", .classUnit, localID: "c6", externalID: "906", naturalKey: nil)
            try store.bindIdentity(counterpart: "cp", .lesson, localID: "l1", externalID: "7001", naturalKey: nil)
            try store.bindIdentity(counterpart: "cp", .lesson, localID: "l2", externalID: "7002", naturalKey: nil)   // its class is not bound to cp
            try store.bindIdentity(counterpart: "other", .lesson, localID: "l3", externalID: "9003", naturalKey: nil)
        }
        func place(_ ext: String, _ cp: String = "cp") throws -> String? {
            try store.lessonPlace(counterpart: cp, lessonExternalID: ext).map { "\($0.classExternalID) \($0.date)" }
        }
        #expect(try place("7001") == "105 2026-09-07")
        #expect(try place("7002") == nil && place("9003") == nil && place("l1") == nil)
        #expect(try place("9003", "other") == nil, "its class c5 is not bound to other")
        try store.transaction { try store.bindIdentity(counterpart: "cp", .classUnit, localID: "c6", externalID: "106", naturalKey: nil) }
        #expect(try place("7002") == "106 2026-09-08")
    }
}
