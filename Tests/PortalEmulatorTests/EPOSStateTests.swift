import Foundation
import JournalModel
import Testing
@testable import PortalEmulator
import TestSupport

struct EPOSStateTests {
    @Test func theStateSurvivesARestart() throws {
        let dir = try TempDir()
        var etag = ""
        do {
            let e = try startEPOS { $0.stateDir = dir.path }
            defer { e.stop() }
            let c = try EPOSClient(e)
            let r = try c.send("POST", "/core/api/marks", newMark("jg:keep"))
            etag = r.headers["ETag"] ?? ""
            #expect(try c.send("POST", "/core/api/marks", newMark("jg:keep")).status == 409)
        }
        let saved = try JSON.parse(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.path + "/state.json"))))
        #expect(saved["format"]?.string == "epos-emulator-state/1" && saved["runtime"]?["next_numbers"]?["mark"]?.int == 5114)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/state.json.tmp"))

        let e = try startEPOS { $0.stateDir = dir.path; $0.seedDir = "/nonexistent" }
        defer { e.stop() }
        let c = try EPOSClient(e)
        let kept = try c.get("/core/api/marks/mk-5113")
        #expect(kept.json["external_id"]?.string == "jg:keep" && kept.headers["ETag"] == etag)
        #expect(try c.send("POST", "/core/api/marks", newMark("jg:keep")).json["id"]?.string == "mk-5113")
        #expect(try c.send("POST", "/core/api/marks", newMark("jg:next")).json["id"]?.string == "mk-5114")
        // Counters changed by a request that changed nothing else (the first run's 409) are saved
        // with the next change, as in the АСУ РСО emulator: that one was lost with the process.
        let stats = e.stats()
        #expect(stats["duplicate_external_ids"]?.int == 1 && stats["idempotent_replays"]?.int == 1 && stats["operations_applied"]?.int == 2)
    }

    @Test func theContentViewIgnoresIdsTimesAndOrder() throws {
        // Two portals reach the same journal in different orders: equal content, different states.
        let a = try startEPOS()
        defer { a.stop() }
        let b = try startEPOS()
        defer { b.stop() }
        let ca = try EPOSClient(a), cb = try EPOSClient(b)
        _ = try ca.send("POST", "/core/api/marks", newMark("one", student: "st-4007"))
        _ = try ca.send("POST", "/core/api/marks", newMark("two", student: "st-4008", value: "4"))
        _ = try cb.send("POST", "/core/api/marks", newMark("b-two", student: "st-4008", value: "4"))
        _ = try cb.send("POST", "/core/api/marks", newMark("b-one", student: "st-4007"))
        #expect(a.stateDocument(content: true) == b.stateDocument(content: true))
        #expect(a.stateDocument() != b.stateDocument())
        let content = try control(a, "GET", "/_emulator/state?view=content")
        #expect(content == a.stateDocument(content: true))
        #expect(content["marks"]?.array?.first?["lesson"]?.string?.hasPrefix("cu-") == true)
    }

    @Test func seedErrorsNameTheFileTheRowAndTheField() throws {
        let dir = try TempDir()
        for name in ["school.json", "students.json", "schedule_items.json", "marks.json", "attendances.json", "final_marks.json"] {
            try FileManager.default.copyItem(atPath: eposSeed + "/" + name, toPath: dir.path + "/" + name)
        }
        let marks = dir.path + "/marks.json"
        let text = try String(contentsOfFile: marks, encoding: .utf8)
        try text.replacingOccurrences(of: "\"value\": \"4\"", with: "\"value\": \"четыре\"").write(toFile: marks, atomically: true, encoding: .utf8)
        let error = #expect(throws: EmulatorError.self) { try EPOSEmulator.start(EPOSEmulatorOptions(seedDir: dir.path)) }
        #expect(error?.message == "marks.json[0]: field «value»: «четыре» не отметка: допустимы 1, 2, 3, 4, 5, зачёт, незачёт")

        try text.replacingOccurrences(of: "+05:00\", \"deleted_at\": null}", with: "\", \"deleted_at\": null}")
            .write(toFile: marks, atomically: true, encoding: .utf8)
        let time = #expect(throws: EmulatorError.self) { try EPOSEmulator.start(EPOSEmulatorOptions(seedDir: dir.path)) }
        #expect(time?.message.hasPrefix("marks.json[0]: field «updated_at»: «2026-09-07T09:18:12.000» is not a time with an offset") == true)
    }

    @Test func timesRenderInTheSchoolsOffsetAndParseBack() {
        let zone = TimeZone(identifier: "Asia/Yekaterinburg")!
        let ms = EPOSTime.parse("2026-09-11T19:30:00Z")!
        #expect(EPOSTime.render(ms, in: zone) == "2026-09-12T00:30:00.000+05:00")
        #expect(EPOSTime.render(ms, in: zone, millis: false) == "2026-09-12T00:30:00+05:00")
        #expect(EPOSTime.render(ms + 7, in: TimeZone(identifier: "Europe/Samara")!) == "2026-09-11T23:30:00.007+04:00")
        #expect(EPOSTime.parse("2026-09-12T00:30:00.5+05:00") == ms + 500)
        #expect(EPOSTime.parse("2026-09-12T00:30:00.123456+05:00") == ms + 123)
        for bad in ["2026-09-12T00:30:00", "2026-09-12 00:30:00+05:00", "2026-09-12T24:00:00Z", "2026-09-12T00:30:00+5", "2026-09-12"] {
            #expect(EPOSTime.parse(bad) == nil, "\(bad)")
        }
    }
}
