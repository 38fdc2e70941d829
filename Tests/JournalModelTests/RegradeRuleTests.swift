import Testing
import JournalModel

struct RegradeRuleTests {
    @Test func r1RegradeNamesWhatStandsInTheWay() {
        let c = Record(.classUnit, id: "c5", ["name": .text("5А"), "grade": .int(1)])
        let b = GradeOneBlockers(marks: 39, homework: 2, markIDs: ["mk-1", "mk-2", "mk-3"], homeworkIDs: ["hw-1", "hw-2"])
        let v = JournalRules.checkRegrade(c, blockers: b)
        #expect(v?.rule == "R1")
        #expect(v?.message.contains("39 mark(s) and 2 homework") == true, "\(String(describing: v))")
        #expect(v?.message.contains("mk-1, mk-2, mk-3, …") == true)
        #expect(v?.message.contains("hw-1, hw-2)") == true)
        #expect(JournalRules.checkRegrade(c, blockers: GradeOneBlockers()) == nil)
        var five = c
        five["grade"] = .int(5)
        #expect(JournalRules.checkRegrade(five, blockers: b) == nil)
    }
}
