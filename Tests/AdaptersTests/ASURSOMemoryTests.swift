import Testing
import JournalModel
@testable import Adapters

/// The adapter's memory of assignments and lessons: a failed page puts back exactly what it
/// changed, also when a feed page reads a class-week page inside it.
struct ASURSOMemoryTests {
    @Test func aFailedPageLeavesWhatCameBeforeAndANestedOneOnlyItsOwn() {
        var m = ASURSOMemory()
        let day = CivilDate(iso: "2026-09-07")!
        m.setAssignment(1, (10, 2, 1))
        m.claimSlot("10/2/1", 1)
        m.setPlace(10, (501, day))
        let before = (m.assignments.mapValues { "\($0)" }, m.slots, m.places.mapValues { "\($0)" })

        let feed = m.begin()
        m.setAssignment(1, (11, 2, 1))      // changed, to be put back
        m.setAssignment(2, (11, 3, 0))      // new, to be removed
        m.claimSlot("10/2/1", 2)            // taken already: no change
        let week = m.begin()                // a class-week page read for the feed
        m.setPlace(12, (502, day))
        m.setSlot("12/2/1", 3)
        m.rollback(week)
        #expect(m.places[12] == nil && m.slots["12/2/1"] == nil, "the nested page's own changes are gone")
        #expect(m.assignments[2]?.lesson == 11, "the feed page's changes stay until it fails")
        m.rollback(feed)
        #expect(m.assignments.mapValues { "\($0)" } == before.0)
        #expect(m.slots == before.1)
        #expect(m.places.mapValues { "\($0)" } == before.2)

        let ok = m.begin()
        m.setAssignment(4, (13, 2, 1))
        m.commit(ok)
        let failed = m.begin()
        m.rollback(failed)
        #expect(m.assignments[4]?.lesson == 13, "a committed page is not undone by a later failure")
    }
}
