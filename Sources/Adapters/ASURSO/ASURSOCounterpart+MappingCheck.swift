import JournalModel
import SyncModel

/// `mappings check asu-rso`: the portal's assignment types and subjects against the code
/// tables, reading nothing else and changing nothing.
extension ASURSOCounterpart {
    public func checkMappings() async throws -> MappingCheck {
        var check = MappingCheck(portal: name)
        for t in try await getOK("webapi/grade/assignment/types", [("all", "true")]).asObjects() {
            let (_, adopted, warning) = codes.workTypeOrAdopt(abbr: try t.string("abbr"), name: try t.string("name", nonEmpty: true))
            if let adopted { check.adopted.append(adopted) } else { check.mapped += 1 }
            if let warning { check.warnings.append(warning) }
        }
        for s in try await getOK("webapi/subjects").asObjects() {
            let (_, adopted) = codes.subjectOrAdopt(try s.string("name", nonEmpty: true))
            if let adopted { check.adopted.append(adopted) } else { check.mapped += 1 }
        }
        check.notes.append("АСУ РСО lists no mark values or attendance codes: a value without a line in asu-rso/mark_values.tsv "
                           + "or asu-rso/attendance.tsv shows only in a sync's summary (its items are kept, not applied)")
        return check
    }
}
