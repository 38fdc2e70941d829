import JournalModel
import SyncModel

/// `mappings check epos`: the portal's subjects, control forms and absence reasons against
/// the code tables, reading nothing else and changing nothing.
extension EPOSCounterpart {
    public func checkMappings() async throws -> MappingCheck {
        var check = MappingCheck(portal: name)
        var forms = Set<String>()
        for s in try await getOK("core/api/subjects").asObjects() {
            let id = try s.eposID("id")
            let (_, adopted) = codes.subjectOrAdopt(try s.string("name", nonEmpty: true))
            if let adopted { check.adopted.append(adopted) } else { check.mapped += 1 }
            for f in try await getOK("core/api/control_forms", [("subject_id", id)]).asObjects() {
                // A form of one name in many subjects is one work type: counted once.
                let formName = try f.string("name", nonEmpty: true)
                guard forms.insert(formName).inserted else { continue }
                let (_, adoptedForm) = codes.workTypeOrAdopt(formName)
                if let adoptedForm { check.adopted.append(adoptedForm) } else { check.mapped += 1 }
            }
        }
        for a in try await getOK("core/api/absence_reasons").asObjects() {
            let (_, gap) = codes.reasonOrGap(try a.string("name", nonEmpty: true))
            if let gap { check.missing.append(gap) } else { check.mapped += 1 }
        }
        check.notes.append("ЭПОС.Школа lists no mark values: a value without a line in epos/mark_values.tsv shows only in a "
                           + "sync's summary (its marks are kept, not applied)")
        return check
    }
}
