import JournalModel

/// `--novel-codes`: reference data and values the shipped code tables (`mappings/epos/`)
/// lack, used by a few seeded rows, for the tests of «one unknown code never stops the
/// night» (docs/emulator.md):
/// - a control form «Зачёт» of mathematics (`cf-91`), given to the first two live marks of
///   mathematics with a value;
/// - the mark value «5+» on the next three live marks with a value;
/// - an absence reason «Карантин» (id 9) on the first two absences that have a reason.
/// Applied to a seed only (a saved state already holds them); `updated_at` stays as seeded.
extension EPOSState {
    static let novelForm = EPOSSchool.ControlForm(id: "cf-91", subjectID: "s-math", name: "Зачёт", weight: 1, gradeSystemType: "five")
    static let novelMark = "5+"
    static let novelReason = EPOSSchool.AbsenceReason(id: 9, name: "Карантин")

    mutating func addNovelCodes() {
        if school.controlForm(Self.novelForm.id) == nil { school.controlForms.append(Self.novelForm) }
        if school.absenceReason(Self.novelReason.id) == nil { school.absenceReasons.append(Self.novelReason) }
        let graded = all(.mark).filter { $0.isLive && $0.string("value") != nil }.sorted { $0.id < $1.id }
        func subject(_ m: EPOSRecord) -> String? { record(.scheduleItem, m.string("schedule_item_id") ?? "")?.string("subject_id") }
        let formed = Array(graded.filter { subject($0) == Self.novelForm.subjectID }.prefix(2))
        for var m in formed {
            m.fields["control_form_id"] = .string(Self.novelForm.id)
            put(m)
        }
        for var m in graded.filter({ m in !formed.contains { $0.id == m.id } }).prefix(3) {
            m.fields["value"] = .string(Self.novelMark)
            put(m)
        }
        let absences = all(.attendance).filter { $0.isLive && !$0["absence_reason_id"].isNull }.sorted { $0.id < $1.id }
        for var a in absences.prefix(2) {
            a.fields["absence_reason_id"] = .int(Self.novelReason.id)
            put(a)
        }
    }
}
