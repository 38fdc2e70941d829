import Testing
@testable import Gateway

/// A code the diary has no words for is shown as it is and reported, never guessed, and
/// never stops the feed (issue 14, item 3).
struct UnrenderedCodeTests {
    @Test func anUnknownReasonIsShownAsItIs() {
        #expect(DiaryTexts.attendanceReason(kind: "absent", reason: "К") == "причина: К")
        #expect(!DiaryTexts.knownReason(kind: "absent", reason: "К"))
        #expect(DiaryTexts.attendanceReason(kind: "absent", reason: nil) == "причина не указана")
        #expect(DiaryTexts.knownReason(kind: "absent", reason: nil) && DiaryTexts.knownReason(kind: "absent", reason: "УП"))
        #expect(DiaryTexts.knownReason(kind: "late", reason: nil))
    }

    @Test func theSummaryNamesThem() {
        var s = DiarySummary()
        s.plan.unrendered = ["attendance reason «К»": 2]
        #expect(s.lines(dryRun: true).contains("Sent with a code that has no words for parents (shown as it is, check the journal's codes): attendance reason «К» in 2 event(s)."))
        #expect(s.json["planned"]?["unrendered"]?["attendance reason «К»"]?.int == 2)
    }
}
