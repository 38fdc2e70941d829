import JournalModel

/// What the counterparts' adapters need to know from the store, read by the engine or the use
/// case and handed to the adapter as data (an adapter holds no store connection).
extension JournalStore {
    /// The class (the counterpart's external id) and date of the lesson bound to the
    /// counterpart under `lessonExternalID`; nil when it is not bound, or its class is not.
    public func lessonPlace(counterpart: String, lessonExternalID: String) throws -> (classExternalID: String, date: String)? {
        try db.rows("""
            SELECT ic.external_id, l.date FROM identity il
            JOIN lesson l ON l.id = il.local_id
            JOIN identity ic ON ic.counterpart = il.counterpart AND ic.entity = 'class' AND ic.local_id = l.class
            WHERE il.counterpart = ? AND il.entity = 'lesson' AND il.external_id = ?
            """, [.text(counterpart), .text(lessonExternalID)]).first.flatMap { row in
            row[0].text.map { ($0, row[1].text ?? "") }
        }
    }

    /// The external ids of the counterpart's homework whose base is live (agreed fields kept).
    public func homeworkWithLiveBase(counterpart: String) throws -> Set<String> {
        var out = Set<String>()
        try db.forEach("""
            SELECT i.external_id FROM identity i
            JOIN sync_base b ON b.counterpart = i.counterpart AND b.entity = i.entity AND b.local_id = i.local_id
            WHERE i.counterpart = ? AND i.entity = 'homework' AND b.fields IS NOT NULL
            """, [.text(counterpart)]) { row in
            if let id = row[0].text { out.insert(id) }
        }
        return out
    }

    /// The lesson, work type (their external ids) and weight of the first mark bound to the
    /// counterpart whose external id lies in `[lowerBound, upperBound)`.
    public func markPlace(counterpart: String, externalIDFrom lowerBound: String, below upperBound: String) throws -> (lesson: String, workType: String, weight: Int)? {
        var found: (lesson: String, workType: String, weight: Int)?
        try db.forEach("""
            SELECT il.external_id, iw.external_id, m.weight FROM identity im
            JOIN mark m ON m.id = im.local_id
            JOIN identity il ON il.counterpart = im.counterpart AND il.entity = 'lesson' AND il.local_id = m.lesson
            JOIN identity iw ON iw.counterpart = im.counterpart AND iw.entity = 'work_type' AND iw.local_id = m.work_type
            WHERE im.counterpart = ? AND im.entity = 'mark' AND im.external_id >= ? AND im.external_id < ?
            LIMIT 1
            """, [.text(counterpart), .text(lowerBound), .text(upperBound)]) { row in
            found = (row[0].text ?? "", row[1].text ?? "", row[2].int ?? 1)
        }
        return found
    }
}
