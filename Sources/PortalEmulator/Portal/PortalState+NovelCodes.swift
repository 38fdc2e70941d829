import JournalModel

/// `--novel-codes`: reference data and values the shipped code tables (`mappings/asu-rso/`)
/// lack, used by a few seeded journal items, for the tests of «one unknown code never stops
/// the night» (docs/emulator.md):
/// - an assignment type «Пр — Проект» (id 9; its abbreviation differs from «ПР» only in
///   case), given to the first two non-homework assignments with marks;
/// - the mark value «5+» on the first three marks with a value (other assignments);
/// - the absence reason «К» on the first two absences («Н»).
/// Applied to a seed only (a saved state already holds them). Vers stay as the seed gave them.
extension PortalState {
    static let novelType = AssignmentType(id: 9, abbr: "Пр", name: "Проект", order: 9)
    static let novelMark = "5+"
    static let novelReason = "К"

    mutating func addNovelCodes() {
        if config.assignmentType(Self.novelType.id) == nil { config.assignmentTypes.append(Self.novelType) }
        let homework = config.assignmentTypes.first { $0.name == "Домашнее задание" }?.id
        let graded = assignments.keys.sorted().filter { id in
            let a = assignments[id]!
            return a.typeId != homework && a.marks.values.contains { $0.value != nil }
        }
        let typed = Array(graded.prefix(2))
        for id in typed { assignments[id]!.typeId = Self.novelType.id }
        var marked = 0
        for id in graded where !typed.contains(id) && marked < 3 {
            for sid in assignments[id]!.marks.keys.sorted() where marked < 3 && assignments[id]!.marks[sid]!.value != nil {
                assignments[id]!.marks[sid]!.value = Self.novelMark
                marked += 1
            }
        }
        var reasons = 0
        for lid in lessons.keys.sorted() where reasons < 2 {
            for sid in lessons[lid]!.attendance.keys.sorted() where reasons < 2 && lessons[lid]!.attendance[sid]!.code == "Н" {
                lessons[lid]!.attendance[sid]!.reason = Self.novelReason
                reasons += 1
            }
        }
    }
}
