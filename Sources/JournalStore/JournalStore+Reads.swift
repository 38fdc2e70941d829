import JournalModel

/// Reads of the journal and its change log that the use cases need (the diary feed, the
/// weekly extract, export, import validation), each one typed query.
extension JournalStore {
    // MARK: the change log

    /// Up to `limit` entries of these kinds after `after` and at most `upTo`, oldest first,
    /// each with the record's newest seq in the whole log and at or before `snapshot`.
    public func diaryChanges(after: Int, upTo: Int, snapshot: Int, limit: Int, kinds: [EntityKind]) throws -> [DiaryChange] {
        let kindList = kinds.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        var out: [DiaryChange] = []
        try db.forEach("""
            SELECT c.seq, c.entity, c.record_id, c.op, c.changes, c.at,
                   (SELECT max(d.seq) FROM change_log d WHERE d.entity = c.entity AND d.record_id = c.record_id),
                   (SELECT max(d.seq) FROM change_log d WHERE d.entity = c.entity AND d.record_id = c.record_id AND d.seq <= ?)
            FROM change_log c WHERE c.seq > ? AND c.seq <= ? AND c.entity IN (\(kindList))
            ORDER BY c.seq LIMIT ?
            """, [.int(Int64(snapshot)), .int(Int64(after)), .int(Int64(upTo)), .int(Int64(limit))]) { row in
            guard let kind = EntityKind(rawValue: row[1].text ?? "") else { return }
            out.append(DiaryChange(seq: row[0].int ?? 0, kind: kind, recordID: row[2].text ?? "", op: row[3].text ?? "",
                                   changes: ChangeCodec.decode(row[4], kind: kind), at: row[5].text ?? "",
                                   latestSeq: row[6].int ?? 0, latestAtSnapshot: row[7].int))
        }
        return out
    }

    /// The guardianship entries after `seq`, newest first.
    public func guardianshipChangesNewestFirst(after seq: Int) throws -> [(seq: Int, id: String, op: String, changes: [FieldChange])] {
        var later: [(seq: Int, id: String, op: String, changes: [FieldChange])] = []
        try db.forEach("SELECT seq, record_id, op, changes FROM change_log WHERE entity = 'guardianship' AND seq > ? ORDER BY seq DESC",
                       [.int(Int64(seq))]) { row in
            later.append((row[0].int ?? 0, row[1].text ?? "", row[2].text ?? "", ChangeCodec.decode(row[3], kind: .guardianship)))
        }
        return later
    }

    /// When the first entry of these kinds after `seq` was written.
    public func firstChangeTime(after seq: Int, kinds: [EntityKind]) throws -> String? {
        let list = kinds.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try db.scalar("SELECT at FROM change_log WHERE seq > ? AND entity IN (\(list)) ORDER BY seq LIMIT 1", [.int(Int64(seq))])?.text
    }

    /// The records the log touched after `seq`, by kind.
    public func touchedRecords(since seq: Int) throws -> [EntityKind: Set<String>] {
        var touched: [EntityKind: Set<String>] = [:]
        try db.forEach("SELECT DISTINCT entity, record_id FROM change_log WHERE seq > ?", [.int(Int64(seq))]) {
            if let k = EntityKind(rawValue: $0[0].text ?? "") { touched[k, default: []].insert($0[1].text ?? "") }
        }
        return touched
    }

    /// The JSON text form, as entries before schema version 4 hold it.
    static func parseChanges(_ kind: EntityKind, _ text: String) -> [FieldChange] {
        ((try? JSON.parse(text))?.array ?? []).map { c in
            FieldChange(FieldChange.target(kind, name: c["field"]?.string ?? ""), old: FieldValue(json: c["old"]), new: FieldValue(json: c["new"]))
        }
    }

    // MARK: marks and lessons

    /// The numeric marks (value, weight) of a student in a subject between two dates.
    public func markValues(student: String, subject: String, from start: String, to end: String) throws -> [(value: Int, weight: Int)] {
        var out: [(value: Int, weight: Int)] = []
        try db.forEach("""
            SELECT m.value, m.weight FROM mark m JOIN lesson l ON l.id = m.lesson
            WHERE m.student = ? AND l.subject = ? AND l.date >= ? AND l.date <= ? AND m.value IS NOT NULL
            """, [.text(student), .text(subject), .text(start), .text(end)]) { row in
            if let v = row[0].text.flatMap(Int.init) { out.append((v, row[1].int ?? 1)) }
        }
        return out
    }

    /// Whether a final mark is set for the student, subject and period.
    public func hasFinalMark(student: String, subject: String, period: String) throws -> Bool {
        try db.scalar("SELECT 1 FROM final_mark WHERE student = ? AND subject = ? AND period = ?",
                      [.text(student), .text(subject), .text(period)]) != nil
    }

    /// The value of the final mark for the student, subject and period.
    public func finalMarkValue(student: String, subject: String, period: String) throws -> String? {
        try db.scalar("SELECT value FROM final_mark WHERE student = ? AND subject = ? AND period = ?",
                      [.text(student), .text(subject), .text(period)])?.text
    }

    /// The lessons of a class on a day, by number.
    public func lessonIDs(classID: String, date: String) throws -> [String] {
        try db.rows("SELECT id FROM lesson WHERE class = ? AND date = ? ORDER BY number, id", [.text(classID), .text(date)]).compactMap { $0[0].text }
    }

    // MARK: existence

    /// Whether a record of this kind has this id.
    public func contains(_ kind: EntityKind, id: String) throws -> Bool {
        try db.scalar("SELECT 1 FROM \(kind.table) WHERE id = ?", [.text(id)]) != nil
    }

    /// Up to `limit` ids of records of `kind` whose `field` is `value`.
    public func ids(_ kind: EntityKind, where field: Field, equals value: String, limit: Int) throws -> [String] {
        precondition(field.kind == kind, "no field \(field) on \(kind)")
        var out: [String] = []
        try db.forEach("SELECT id FROM \(kind.table) WHERE \"\(field.name)\" = ? LIMIT \(limit)", [.text(value)]) { out.append($0[0].text ?? "") }
        return out
    }
}
