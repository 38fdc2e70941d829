import JournalModel

/// Objects as the wire shows them, and the state as `/_emulator/state` and the state file do.
extension EPOSState {
    /// One object on the wire: `id`, its fields in schema order (a mark's `values` after
    /// `value`), then `external_id`, `updated_at` and `deleted_at` (students: `updated_at` only).
    func row(_ r: EPOSRecord) -> JSON {
        var pairs: [(String, JSON)] = [("id", .string(r.id))]
        for field in r.kind.fields {
            pairs.append((field.name, r[field.name]))
            if r.kind == .mark && field.name == "value" { pairs.append(("values", EPOSCodes.values(r.string("value")))) }
        }
        if r.kind.softDeletes { pairs.append(("external_id", r.externalID.map(JSON.string) ?? .null)) }
        pairs.append(("updated_at", .string(time(r.updatedAt))))
        if r.kind.softDeletes { pairs.append(("deleted_at", r.deletedAt.map { .string(time($0)) } ?? .null)) }
        return .object(pairs)
    }

    /// A row as the protocol sends it: what formats/epos.md shows and nothing more (with
    /// `extensions`, also the fields it does not show: see ``EPOSEmulatorOptions/extensions``).
    func wireRow(_ r: EPOSRecord, extensions: Bool) -> JSON { Self.wire(row(r), r.kind, extensions: extensions) }

    /// The fields of `kind` the document does not show.
    static func hiddenFields(_ kind: EPOSKind) -> Set<String> {
        switch kind {
        case .student: return ["class_unit_id"]
        case .scheduleItem: return ["class_unit_id", "external_id"]
        case .mark: return []
        case .attendance: return ["external_id"]
        case .finalMark: return ["external_id"]
        }
    }

    /// Removes from an object of `kind` (a row, or a write's answer) the fields the document does not show.
    static func wire(_ json: JSON, _ kind: EPOSKind, extensions: Bool) -> JSON {
        guard !extensions, case .object(var pairs) = json else { return json }
        let hidden = hiddenFields(kind)
        pairs.removeAll { hidden.contains($0.0) }
        // A final mark shows `deleted_at` only once deleted (the document's row has none; a delete sets it).
        if kind == .finalMark { pairs.removeAll { $0.0 == "deleted_at" && $0.1.isNull } }
        return .object(pairs)
    }

    /// The JSON text of `wireRow(r, extensions:)` appended to `out`, written without building
    /// the row (a list page writes a hundred of them).
    func writeWireRow(_ r: EPOSRecord, extensions: Bool, hidden: Set<String>, to out: inout String) {
        out += "{"
        var first = true
        func pair(_ name: String, _ value: JSON) {
            if !extensions, hidden.contains(name) { return }
            if !first { out += "," }
            first = false
            JSON.writeString(name, to: &out)
            out += ":"
            value.write(to: &out)
        }
        pair("id", .string(r.id))
        for field in r.kind.fields {
            pair(field.name, r[field.name])
            if r.kind == .mark && field.name == "value" { pair("values", EPOSCodes.values(r.string("value"))) }
        }
        if r.kind.softDeletes { pair("external_id", r.externalID.map(JSON.string) ?? .null) }
        pair("updated_at", .string(time(r.updatedAt)))
        if r.kind.softDeletes {
            // A final mark shows `deleted_at` only once deleted (see `wire`).
            if let d = r.deletedAt { pair("deleted_at", .string(time(d))) } else if extensions || r.kind != .finalMark { pair("deleted_at", .null) }
        }
        out += "}"
    }

    /// A moment in the school's offset, with milliseconds.
    func time(_ ms: Int64) -> String { EPOSTime.render(ms, in: school.zone) }

    /// A row of the state file or of `/_emulator/state`: the wire row without `values`;
    /// `full` adds `revision` and `create_md5` (what the ETag and replays need).
    func documentRow(_ r: EPOSRecord, full: Bool) -> JSON {
        guard case .object(var pairs) = row(r) else { return .null }
        pairs.removeAll { $0.0 == "values" }
        if full {
            pairs.append(("revision", .int(r.revision)))
            if let md5 = r.createMD5 { pairs.append(("create_md5", .string(md5))) }
        }
        return .object(pairs)
    }

    /// The state: school and objects by kind, ids ascending; `full` (the state file) adds
    /// revisions and the `runtime` section (next ids, last stamp, counters).
    func document(full: Bool) -> JSON {
        var pairs: [(String, JSON)] = [("format", .string(Self.stateFormat)), ("school", school.document)]
        for kind in EPOSKind.allCases {
            let rows = all(kind).sorted { $0.id < $1.id }.map { documentRow($0, full: full) }
            pairs.append((kind.path, .array(rows)))
        }
        if full {
            let next = EPOSKind.allCases.map { ($0.rawValue, JSON.int(nextNumber[$0] ?? 1)) }
            let counters = zip(EPOSCounters.names, self.counters.values).map { ($0, JSON.int($1)) }
            pairs.append(("runtime", .object([("next_numbers", .object(next)), ("last_stamp", .int(Int(lastStamp))),
                                              ("counters", .object(counters))])))
        }
        return .object(pairs)
    }

    static let stateFormat = "epos-emulator-state/1"

    /// The journal's content without what depends on the order things happened in: live
    /// objects only, no ids of schedule items, marks, attendance or final marks, no
    /// `updated_at`, `external_id` or ETags; a mark or an attendance names its lesson as
    /// `class/date/number/group`. Rows sorted. Two runs that reached the same journal by
    /// different paths (a sync killed and rerun, and one that was not) give equal content.
    func contentDocument() -> JSON {
        func lessonKey(_ id: String?) -> JSON {
            guard let item = record(.scheduleItem, id ?? "") else { return .null }
            return .string(["class_unit_id", "date", "lesson_number", "group_id"].map { n in
                let v = item[n]
                return v.string ?? (v.isNull ? "-" : v.serialized())
            }.joined(separator: "/"))
        }
        var pairs: [(String, JSON)] = [("format", .string(Self.stateFormat + "+content")), ("school", school.document)]
        for kind in EPOSKind.allCases {
            var rows: [JSON] = []
            for r in all(kind) where r.isLive {
                var fields: [(String, JSON)] = kind == .student ? [("id", .string(r.id))] : []
                for field in kind.fields {
                    if field.name == "schedule_item_id" { fields.append(("lesson", lessonKey(r.string(field.name)))); continue }
                    fields.append((field.name, r[field.name]))
                }
                rows.append(.object(fields))
            }
            pairs.append((kind.path, .array(rows.map { ($0.serialized(), $0) }.sorted { $0.0 < $1.0 }.map(\.1))))
        }
        return .object(pairs)
    }

    // MARK: Reference data on the wire

    func academicYearJSON() -> JSON {
        let y = school.year
        return .object([("id", .string(y.id)), ("name", .string(y.name)), ("begin_date", .string(y.begin.description)),
                        ("end_date", .string(y.end.description))])
    }

    func periodsJSON() -> JSON {
        .array(school.periods.map { .object([("id", .string($0.id)), ("name", .string($0.name)),
                                             ("begin_date", .string($0.begin.description)), ("end_date", .string($0.end.description))]) })
    }

    func subjectsJSON() -> JSON {
        .array(school.subjects.map { .object([("id", .string($0.id)), ("name", .string($0.name)), ("code", .string($0.code))]) })
    }

    /// A subject's control forms (all of them when `subjectID` is nil), each with its `subject_id`.
    func controlFormsJSON(subjectID: String?, extensions: Bool) -> JSON {
        .array(school.controlForms.filter { subjectID == nil || $0.subjectID == subjectID }.map {
            .object([("id", .string($0.id)), ("name", .string($0.name)), ("weight", .int($0.weight)),
                     ("grade_system_type", .string($0.gradeSystemType))] + (extensions ? [("subject_id", .string($0.subjectID))] : []))
        })
    }

    func absenceReasonsJSON() -> JSON {
        .array(school.absenceReasons.map { .object([("id", .int($0.id)), ("name", .string($0.name))]) })
    }

    func classUnitsJSON() -> JSON {
        .array(school.classUnits.map { .object([("id", .string($0.id)), ("name", .string($0.name)), ("parallel", .int($0.parallel))]) })
    }

    func groupsJSON(classUnitID: String?, extensions: Bool) -> JSON {
        .array(school.groups.filter { classUnitID == nil || $0.classUnitID == classUnitID }.map {
            .object([("id", .string($0.id))] + (extensions ? [("class_unit_id", .string($0.classUnitID))] : [])
                    + [("subject_id", .string($0.subjectID)), ("name", .string($0.name)), ("student_ids", .array($0.studentIDs.map(JSON.string)))])
        })
    }

    func teachersJSON() -> JSON {
        .array(school.teachers.map { .object([("id", .string($0.id)), ("last_name", .string($0.lastName)),
                                              ("first_name", .string($0.firstName)), ("middle_name", $0.middleName.map(JSON.string) ?? .null)]) })
    }
}
