import Foundation
import Testing
import JournalModel
@testable import Adapters

struct EPOSTimeAndCursorTests {
    let perm = TimeZone(identifier: "Asia/Yekaterinburg")!
    let samara = TimeZone(identifier: "Europe/Samara")!

    @Test func aTimeAtHalfPastMidnightIsTheSchoolsDate() throws {
        // mk-5109 of the sample: saved at 00:30 on 12 September in Perm.
        let t = "2026-09-12T00:30:00.000+05:00"
        #expect(EPOSTimestamp.civilDate(t, in: perm)?.description == "2026-09-12")
        #expect(EPOSTimestamp.civilDate(t, in: samara)?.description == "2026-09-11", "23:30 in Samara")
        #expect(EPOSTimestamp.civilDate(t, in: TimeZone(identifier: "UTC")!)?.description == "2026-09-11", "19:30 UTC")
        // A date field is the school's date as written, whatever the zone.
        #expect(EPOSTimestamp.civilDate("2026-09-11", in: perm)?.description == "2026-09-11")
        #expect(EPOSTimestamp.civilDate("2026-09-11", in: TimeZone(identifier: "Pacific/Kiritimati")!)?.description == "2026-09-11")
    }

    @Test func momentsCompareAsInstants() {
        #expect(EPOSTimestamp.compare("2026-09-12T00:30:00.000+05:00", "2026-09-11T19:30:00Z") == .orderedSame)
        #expect(EPOSTimestamp.compare("2026-09-12T00:30:00+0500", "2026-09-11T23:30:00.000+04:00") == .orderedSame)
        #expect(EPOSTimestamp.compare("2026-09-12T00:30:00.001+05:00", "2026-09-12T00:30:00.000+05:00") == .orderedDescending)
        #expect(EPOSTimestamp.compare("2026-09-12T00:30:00.5+05:00", "2026-09-12T00:30:00.499+05:00") == .orderedDescending)
        #expect(EPOSTimestamp.milliseconds("2026-09-12T00:30:00") == nil, "no offset: not a moment")
        #expect(EPOSTimestamp.milliseconds("2026-09-12") == nil)
        #expect(EPOSTimestamp.milliseconds("2026-09-11T19:30:00Z") == 1_789_155_000_000)
    }

    @Test func theOffsetsPlusIsEscapedInTheQuery() {
        let s = EPOSSession(client: .init(), account: EPOSAccount(baseURL: URL(string: "http://127.0.0.1:9")!, schoolID: "59-122", login: "x", password: "y"))
        let url = s.url("core/api/marks", [("updated_at_from", "2026-09-12T00:30:00.000+05:00"), ("per_page", "100")])
        #expect(url.absoluteString == "http://127.0.0.1:9/core/api/marks?updated_at_from=2026-09-12T00%3A30%3A00.000%2B05%3A00&per_page=100")
    }

    @Test func cursorsRoundTrip() throws {
        var c = EPOSCursor(mode: .since, position: .list(.marks, "cu-5a"), lists: [:])
        c["cu-5a", .students] = EPOSListState(watermark: "2026-09-03T11:42:17.204+05:00", page: 1, seen: ["st-4012"])
        c["cu-5a", .marks] = EPOSListState(watermark: "2026-09-12T00:30:00.000+05:00", page: 3, seen: ["mk,1", "mk|2", "mk#3%"])
        c["cu:9;b", .finalMarks] = EPOSListState(watermark: nil, page: 1, seen: [])
        let text = c.text
        #expect(text.hasPrefix("v2:since:mk/cu-5a|cu-5a:st=") && text.hasSuffix("|cu%3A9%3Bb:fm="), "\(text)")
        #expect(text.contains("#mk%2C1,mk%7C2,mk%233%25"))
        let back = try #require(EPOSCursor(text))
        #expect(back.mode == .since && back.position == .list(.marks, "cu-5a"))
        #expect(back["cu-5a", .marks].page == 3 && back["cu-5a", .marks].seen == ["mk,1", "mk|2", "mk#3%"])
        // Watermarks come back as the same instants (written in UTC).
        #expect(back["cu-5a", .marks].watermark == "2026-09-11T19:30:00.000+00:00")
        #expect(EPOSTimestamp.same(back["cu-5a", .students].watermark, "2026-09-03T11:42:17.204+05:00"))
        #expect(back["cu:9;b", .finalMarks] == EPOSListState())
        #expect(back["cu-9a", .marks] == EPOSListState(), "a class without a state starts from the beginning")
        #expect(EPOSCursor(back.text) == back)
        #expect(EPOSCursor(EPOSCursor.fullStart.text) == EPOSCursor.fullStart)
        #expect(EPOSCursor("feed:1086") == nil, "another adapter's cursor: a full pull")
        #expect(EPOSCursor("since:students|") == nil)
        #expect(EPOSCursor("v2:since:st/cu-5a") == nil)
    }

    /// A cursor written before the lists were read per class (one watermark per list for the
    /// whole school) is still read: every class starts from that watermark.
    @Test func aWholeSchoolCursorStandsForEveryClass() throws {
        let old = "since:ref|students@2026-09-03T11:42:17.204+05:00#st-4012|schedule_items@2026-09-11T12:05:00.000+05:00~2#si-1072,si-1076|marks@2026-09-12T00:30:00.000+05:00#mk-5109|attendances@|final_marks@"
        let c = try #require(EPOSCursor(old))
        #expect(c.mode == .since && c.position == .reference)
        for cls in ["cu-1a", "cu-5a", "cu-new"] {
            #expect(c[cls, .scheduleItems] == EPOSListState(watermark: "2026-09-11T12:05:00.000+05:00", page: 1, seen: ["si-1072", "si-1076"]))
            #expect(c[cls, .marks].watermark == "2026-09-12T00:30:00.000+05:00")
            #expect(c[cls, .attendances] == EPOSListState())
        }
        let mid = try #require(EPOSCursor("full:marks|students@|schedule_items@2026-09-11T12:05:00.000+05:00|marks@|attendances@|final_marks@"))
        #expect(mid.mode == .full && mid.position == .list(.marks, ""), "the list being paged, from its first class")
        // Written back in the new form, still standing for every class.
        let again = try #require(EPOSCursor(c.text))
        #expect(EPOSTimestamp.same(again["cu-9a", .scheduleItems].watermark, "2026-09-11T12:05:00.000+05:00"))
    }

    @Test func thePacerKeepsTenRequestsInAnySecond() {
        var p = EPOSPacer(perSecond: 10, margin: .milliseconds(50))
        let t0 = ContinuousClock.now
        for _ in 0..<10 { #expect(p.reserve(now: t0).wait == .zero) }
        #expect(p.reserve(now: t0).wait == .milliseconds(1050))
        #expect(p.reserve(now: t0 + .milliseconds(500)).wait == .milliseconds(550))
        #expect(p.reserve(now: t0 + .seconds(5)).wait == .zero)
        // Spacing counts from the answers: a slow answer pushes the next requests back.
        var slow = EPOSPacer(perSecond: 2, margin: .zero)
        let first = slow.reserve(now: t0)
        slow.answered(first.ticket, now: t0 + .milliseconds(300))
        let second = slow.reserve(now: t0 + .milliseconds(300))
        slow.answered(second.ticket, now: t0 + .milliseconds(350))
        #expect(slow.reserve(now: t0 + .milliseconds(400)).wait == .milliseconds(900))
        var none = EPOSPacer(perSecond: nil)
        for _ in 0..<100 { #expect(none.reserve(now: t0).wait == .zero) }
    }

    @Test func namesAreTheJournals() {
        #expect(EPOSCounterpart.yearName("2026-2027") == "2026/2027")
        #expect(EPOSCounterpart.yearName("2026 – 2027") == "2026/2027")
        #expect(EPOSCounterpart.yearName("Учебный год") == "Учебный год")
        #expect(EPOSCounterpart.groupName("5-А англ. 1 гр.", rank: 2) == "1 гр.")
        #expect(EPOSCounterpart.groupName("Подгруппа Б", rank: 2) == "2 гр.")
        #expect(ClassName.normalize("5-А") == "5А")
    }

    @Test func codesMapByNameAndNameWhatIsMissing() throws {
        let codes = try EPOSCodes(directory: packageRoot.path + "/mappings/epos")
        #expect(try codes.markToJournal("зачёт") == "зачёт")
        #expect(try codes.markToPortal("незачёт") == "незачёт")
        #expect(try codes.workType("Устный ответ") == "Ответ на уроке")
        #expect(try codes.reason("Без уважительной причины") == "НП")
        do { _ = try codes.markToJournal("н/а"); Issue.record("н/а must not map") } catch let e as CodeTableError {
            #expect(e.message.contains("«н/а»") && e.message.contains("mappings/epos/mark_values.tsv"))
        }
        do { _ = try codes.subject("Астрономия"); Issue.record("unknown subject") } catch let e as CodeTableError {
            #expect(e.message.contains("«Астрономия»") && e.message.contains("subjects.tsv"))
        }
    }
}
