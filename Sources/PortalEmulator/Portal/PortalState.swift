import JournalModel

/// The portal's whole state: reference data, the journal, the ver sequence and the feed.
///
/// Every change takes the next `ver` of one school-wide sequence (`stamp`, `bury`). The
/// change feed is the current state ordered by ver: an object appears once, at its
/// latest ver; a deleted object appears as a tombstone until the feed floor passes it.
struct PortalState: Sendable {
    var config: SchoolConfig
    var parents: [Int: Parent] = [:]
    var students: [Int: Student] = [:]
    var lessons: [Int: Lesson] = [:]
    var assignments: [Int: Assignment] = [:]
    var finalMarks: [FinalMarkKey: FinalMark] = [:]
    var tombstones: [ObjectKey: Tombstone] = [:]

    /// The newest ver given out.
    var latestVer = 0
    /// Changes at or below this ver are no longer kept: an older `since` answers 410.
    var feedFloor = 0
    /// Keep only the newest N vers in the feed (nil: keep everything).
    var feedRetention: Int?
    /// `--extensions`: also the batch operation formats/asu-rso.md does not have
    /// (`deleteAttendance` from a client). Not saved.
    var extensions = false
    var nextLessonID = 1
    var nextAssignmentID = 1
    var idempotency: [String: StoredResponse] = [:]
    var counters = Counters()

    /// Vers in ascending order; entries whose object has moved on are skipped when read.
    private(set) var log: [LogEntry] = []
    private var staleEntries = 0
    /// Lesson ids per class (class-week pages, natural-key lookups).
    private(set) var lessonsByClass: [Int: Set<Int>] = [:]

    init(config: SchoolConfig) { self.config = config }

    // MARK: Versions

    /// Gives `key` the next ver (the caller stores it on the object) and clears any tombstone.
    mutating func stamp(_ key: ObjectKey) -> Int {
        if currentVer(key) != nil { staleEntries += 1 }
        latestVer += 1
        log.append(LogEntry(ver: latestVer, key: key))
        tombstones[key] = nil
        return latestVer
    }

    /// Records the deletion of `key` (the caller removes the object) under the next ver.
    mutating func bury(_ key: ObjectKey, data: JSON) -> Int {
        if currentVer(key) != nil { staleEntries += 1 }
        latestVer += 1
        log.append(LogEntry(ver: latestVer, key: key))
        tombstones[key] = Tombstone(ver: latestVer, data: data)
        return latestVer
    }

    /// Restores a logged ver while loading (objects and tombstones already in place).
    mutating func rebuildLog() {
        var entries: [LogEntry] = []
        for s in students.values { entries.append(LogEntry(ver: s.ver, key: .student(s.id))) }
        for l in lessons.values {
            entries.append(LogEntry(ver: l.ver, key: .lesson(l.id)))
            for (sid, a) in l.attendance { entries.append(LogEntry(ver: a.ver, key: .attendance(lesson: l.id, student: sid))) }
        }
        for a in assignments.values {
            entries.append(LogEntry(ver: a.ver, key: .assignment(a.id)))
            for (sid, m) in a.marks { entries.append(LogEntry(ver: m.ver, key: .mark(assignment: a.id, student: sid))) }
        }
        for (k, f) in finalMarks { entries.append(LogEntry(ver: f.ver, key: .finalMark(k))) }
        for (k, t) in tombstones { entries.append(LogEntry(ver: t.ver, key: k)) }
        log = entries.sorted { $0.ver < $1.ver }
        staleEntries = 0
        lessonsByClass = [:]
        for l in lessons.values { lessonsByClass[l.classId, default: []].insert(l.id) }
    }

    /// The ver `key` has now: its object's, its tombstone's, or nil.
    func currentVer(_ key: ObjectKey) -> Int? { liveVer(key) ?? tombstones[key]?.ver }

    /// The ver of the live object, or nil when it does not exist (deleted or never was).
    func liveVer(_ key: ObjectKey) -> Int? {
        switch key {
        case .student(let id): return students[id]?.ver
        case .lesson(let id): return lessons[id]?.ver
        case .assignment(let id): return assignments[id]?.ver
        case .mark(let a, let s): return assignments[a]?.marks[s]?.ver
        case .attendance(let l, let s): return lessons[l]?.attendance[s]?.ver
        case .finalMark(let k): return finalMarks[k]?.ver
        }
    }

    /// Applies the retention and drops stale log entries; call after each request that changed something.
    mutating func settle() {
        if let keep = feedRetention, latestVer - keep > feedFloor { raiseFloor(to: latestVer - keep) }
        if staleEntries > 4096, staleEntries * 2 > log.count {
            let state = self
            log.removeAll { state.currentVer($0.key) != $0.ver }
            staleEntries = 0
        }
    }

    /// Forgets changes up to `ver`: tombstones at or below it are dropped, and an older `since` gets 410.
    mutating func raiseFloor(to ver: Int) {
        feedFloor = max(feedFloor, min(ver, latestVer))
        tombstones = tombstones.filter { $0.value.ver > feedFloor }
    }

    // MARK: Lessons

    /// Stores a lesson, keeping the per-class index right when its class changes.
    mutating func put(_ lesson: Lesson) {
        if let old = lessons[lesson.id], old.classId != lesson.classId {
            lessonsByClass[old.classId]?.remove(lesson.id)
        }
        lessons[lesson.id] = lesson
        lessonsByClass[lesson.classId, default: []].insert(lesson.id)
    }

    /// A class's lessons in a date range, by date, number and group.
    func lessons(classId: Int, from: CivilDate, through: CivilDate) -> [Lesson] {
        (lessonsByClass[classId] ?? []).compactMap { lessons[$0] }
            .filter { $0.date >= from && $0.date <= through }
            .sorted { ($0.date, $0.number, $0.groupId ?? 0, $0.id) < ($1.date, $1.number, $1.groupId ?? 0, $1.id) }
    }

    /// The lesson in a slot: class, date, number and group (nil for the whole class).
    func lesson(classId: Int, date: CivilDate, number: Int, groupId: Int?) -> Lesson? {
        (lessonsByClass[classId] ?? []).lazy.compactMap { lessons[$0] }
            .first { $0.date == date && $0.number == number && $0.groupId == groupId }
    }

    // MARK: Feed

    /// One page of the change feed, or nil when `since` is outside what is kept (410).
    ///
    /// - Parameters:
    ///   - since: the last ver the client has; items have a greater ver.
    ///   - limit: at most this many items.
    ///   - repeatEdges: the `dup-page` fault: repeat the item at `since`, and set `next` so
    ///     the following page repeats this page's last item.
    func feed(since: Int, limit: Int, repeatEdges: Bool) -> (items: [JSON], next: Int, latest: Int)? {
        guard since >= feedFloor, since <= latestVer else { return nil }
        var lo = 0, hi = log.count
        while lo < hi { let mid = (lo + hi) / 2; if log[mid].ver <= since { lo = mid + 1 } else { hi = mid } }
        var items: [(ver: Int, json: JSON)] = []
        if repeatEdges, lo > 0, log[lo - 1].ver == since, let item = feedItem(log[lo - 1]) {
            items.append((since, item))
        }
        var i = lo
        while i < log.count, items.count < limit {
            if let item = feedItem(log[i]) { items.append((log[i].ver, item)) }
            i += 1
        }
        var reachedEnd = true
        while i < log.count {
            if currentVer(log[i].key) == log[i].ver { reachedEnd = false; break }
            i += 1
        }
        var next = reachedEnd ? latestVer : items.last?.ver ?? since
        if repeatEdges, !reachedEnd, items.count >= 2 { next = items[items.count - 2].ver }
        return (items.map(\.json), next, latestVer)
    }

    /// The feed item for a log entry, or nil when the entry is stale.
    func feedItem(_ entry: LogEntry) -> JSON? {
        if let (ver, data) = liveData(entry.key), ver == entry.ver {
            return .object([("kind", .string(entry.key.kind)), ("op", .string("upsert")), ("ver", .int(ver)), ("data", data)])
        }
        if let t = tombstones[entry.key], t.ver == entry.ver {
            return .object([("kind", .string(entry.key.kind)), ("op", .string("delete")), ("ver", .int(t.ver)), ("data", t.data)])
        }
        return nil
    }

    // MARK: Counts

    /// Object counts by feed kind, as `/_emulator/stats` reports them.
    var objectCounts: [(String, Int)] {
        [("student", students.count), ("lesson", lessons.count), ("assignment", assignments.count),
         ("mark", assignments.values.reduce(0) { $0 + $1.marks.count }),
         ("attendance", lessons.values.reduce(0) { $0 + $1.attendance.count }),
         ("finalmark", finalMarks.count)]
    }
}
