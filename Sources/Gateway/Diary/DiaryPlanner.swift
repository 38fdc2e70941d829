import Foundation
import JournalModel
import JournalStore

/// What planning skipped or changed, for the run's summary.
public struct DiaryPlanCounts: Sendable {
    public var planned: [DiaryEventType: Int] = [:]
    /// R1: mark, homework, final-mark and forecast events of grade 1 not written.
    public var skippedGrade1 = 0
    /// Events about a student dated after their withdrawal.
    public var skippedWithdrawn = 0
    /// Events about a student no guardian is linked to.
    public var skippedNoRecipients = 0
    /// Events outside the current year in the first delivery.
    public var skippedOtherYears = 0
    /// Rejected events made pending again because the data behind them changed.
    public var retried = 0
    /// Rejected events dropped: none of their guardians is linked any more, or a newer event replaced them.
    public var dropped = 0
    /// Codes an event could not put in words (an unknown reason, a work type without a name):
    /// the events went with the code as it is; the summary names each with its count.
    public var unrendered: [String: Int] = [:]

    public var total: Int { planned.values.reduce(0, +) }
}

/// Turns change-log entries into diary events in the outbox, one chunk in one transaction.
///
/// Entries up to the snapshot seq (the first delivery: the year so far) count only when
/// they are their record's last change by then, and always read as «set» events; later
/// entries read as what they changed. Recipients are the guardians linked to the student
/// at that entry (R8); nothing is written for grade-1 marks and homework (R1) or about a
/// student after their withdrawal.
final class DiaryPlanner {
    let store: JournalStore
    let dir: DiaryDirectory
    var state: DiaryFeedState
    let chunkSize: Int
    private var links: GuardianLinks
    private(set) var counts = DiaryPlanCounts()

    init(store: JournalStore, state: DiaryFeedState, chunkSize: Int = 2000) throws {
        self.store = store
        self.dir = try DiaryDirectory(store: store)
        self.state = state
        self.chunkSize = chunkSize
        self.links = try GuardianLinks(store: store, at: state.plannedSeq)
    }

    /// Plans the next chunk of entries up to `target` in one transaction (events, forecasts,
    /// retries and the planned cursor commit together); returns false when nothing was left.
    @discardableResult
    func planChunk(upTo target: Int) throws -> Bool {
        guard state.plannedSeq < target else { return false }
        let entries = try DiaryLog.entries(store, after: state.plannedSeq, upTo: target, snapshot: state.snapshotSeq, limit: chunkSize)
        let end = DiaryLog.chunkEnd(entries, limit: chunkSize, upTo: target)
        var walked = links
        var chunk = DiaryPlanCounts()
        try store.transaction {
            var events: [DiaryEvent] = []
            var forecasts: [String: ForecastTrigger] = [:]
            var touchedStudents = Set<String>(), touchedGuardians = Set<String>()
            for e in entries {
                switch e.kind {
                case .guardianship:
                    walked.apply(e)
                    for c in e.changes where c.key == Guardianship.student {
                        if let s = c.old.text { touchedStudents.insert(s) }
                        if let s = c.new.text { touchedStudents.insert(s) }
                    }
                case .guardian:
                    touchedGuardians.insert(e.recordID)
                case .student:
                    touchedStudents.insert(e.recordID)
                default:
                    let snapshot = e.seq <= state.snapshotSeq
                    if snapshot && e.latestAtSnapshot != e.seq { continue }
                    var builder = EventBuilder(dir: dir, links: walked, entry: e, snapshot: snapshot, yearStart: state.yearStart)
                    events += try builder.events(store)
                    for t in builder.forecastTriggers { forecasts[t.key] = t }
                    chunk.merge(builder.counts)
                }
            }
            // Forecasts are worked out once the chunk's marks are in, so they stand at its
            // last entry: that seq, that time, the guardians linked then.
            if let last = entries.last {
                let triggers = forecasts.values.sorted { $0.key < $1.key }.map {
                    ForecastTrigger(student: $0.student, subject: $0.subject, period: $0.period, seq: last.seq, at: last.at)
                }
                events += try forecastEvents(triggers, links: walked, counts: &chunk)
            }
            for ev in events { chunk.planned[ev.type, default: 0] += 1 }
            chunk.dropped += try DiaryOutbox.insert(store, events)
            let dir = self.dir, linksNow = walked
            let retry = try DiaryOutbox.retryRejected(store, students: touchedStudents, guardians: touchedGuardians) { body, student in
                DiaryPlanner.rerender(body, student: student, dir: dir, links: linksNow)
            }
            chunk.retried += retry.retried
            chunk.dropped += retry.dropped
            try DiaryOutbox.setPlanned(store, end)
        }
        // Only a committed chunk moves the walk and the counts on.
        links = walked
        state.plannedSeq = end
        counts.merge(chunk)
        for (t, n) in chunk.planned { counts.planned[t, default: 0] += n }
        counts.retried += chunk.retried
        counts.dropped += chunk.dropped
        return true
    }

    struct ForecastTrigger {
        let student: String, subject: String, period: Record, seq: Int, at: String
        var key: String { "\(student)\u{1F}\(subject)\u{1F}\(period.id)" }
    }

    /// `forecast.set` for each student, subject and period whose forecast moved.
    private func forecastEvents(_ triggers: [ForecastTrigger], links: GuardianLinks, counts: inout DiaryPlanCounts) throws -> [DiaryEvent] {
        var out: [DiaryEvent] = []
        for t in triggers {
            if try Forecast.hasFinalMark(store, student: t.student, subject: t.subject, period: t.period.id) { continue }
            let marks = try Forecast.marks(store, student: t.student, subject: t.subject, period: t.period)
            let value = Forecast.value(marks).map(String.init)
            let old = try store.diaryForecast(student: t.student, subject: t.subject, period: t.period.id)
            if let old, old == value { continue }
            if old == nil, value == nil { continue }
            try store.setDiaryForecast(student: t.student, subject: t.subject, period: t.period.id, value: value, seq: t.seq)
            var builder = EventBuilder(dir: dir, links: links, entry: nil, snapshot: false, yearStart: nil)
            let payload: [(String, JSON)] = [
                ("subject", .string(dir.subjects[t.subject] ?? t.subject)), ("period", .string(t.period[Period.name].text ?? "")),
                ("value", value.map(JSON.string) ?? .null), ("marks", .int(marks.count)),
                ("average", Forecast.mean(marks).map(JSON.double) ?? .null),
                ("rule", .string("средневзвешенное текущих отметок за период, округление с 0,5 вверх, не менее \(Forecast.minimumMarks) отметок")),
            ]
            let date = DiaryTexts.localDate(t.at, zone: dir.zone) ?? CivilDate(year: 2000, month: 1, day: 1)!
            if let ev = builder.make(.forecastSet, kind: "forecast", key: t.key, seq: t.seq, at: t.at, student: t.student,
                                     date: date, payload: payload, entity: "forecast", recordID: t.key) {
                out.append(ev)
            }
            counts.merge(builder.counts)
        }
        return out
    }

    /// A rejected event's body with its recipients refreshed: the same guardians, still
    /// linked to the student, with today's names and СНИЛС. Nil when none is left.
    static func rerender(_ body: String, student: String, dir: DiaryDirectory, links: GuardianLinks) -> String? {
        guard case .object(var pairs)? = try? JSON.parse(body) else { return nil }
        let ids = (pairs.first { $0.0 == "recipients" }?.1.array ?? []).compactMap { $0["guardianId"]?.string }
        let fresh = ids.filter { links.isLinked(student: student, guardian: $0) }.compactMap(dir.recipient)
        guard !fresh.isEmpty else { return nil }
        for i in pairs.indices {
            if pairs[i].0 == "recipients" { pairs[i].1 = .array(fresh.map(\.json)) }
            if pairs[i].0 == "student" { pairs[i].1 = .object([("id", .string(student)), ("name", .string(dir.studentName(student)))]) }
        }
        return JSON.object(pairs).serialized()
    }
}

extension DiaryPlanCounts {
    mutating func merge(_ o: DiaryPlanCounts) {
        skippedGrade1 += o.skippedGrade1; skippedWithdrawn += o.skippedWithdrawn
        skippedNoRecipients += o.skippedNoRecipients; skippedOtherYears += o.skippedOtherYears
        unrendered.merge(o.unrendered, uniquingKeysWith: +)
    }
}
