import JournalModel
import SyncModel

/// The journal's teachers as the gateway tells the ЭПОС adapter about them. formats/epos.md
/// has no list of teachers: schedule items name them by id (`teacher_id`,
/// `replaced_teacher_id`) and nothing more. So a teacher is matched
/// - by id once bound: the ЭПОС id the identity map binds to a journal teacher (`bound`);
/// - else by name: the names a person gave for that ЭПОС id (`named`, the school's
///   `epos/teachers.tsv`), or those of the journal's teacher under that same id (`journal`:
///   the contingent or a person gave its surname, name and patronymic): the adapter delivers
///   those names with the ЭПОС id and the engine binds them by the teacher's natural key, by
///   the store's usual identity rules;
/// - else not at all: the lesson comes without that teacher, and the run's warnings say
///   which id to add to the journal.
public struct EPOSTeachers: Sendable {
    /// ЭПОС teacher id → the names (``Teacher/surname``, ``Teacher/name``, ``Teacher/patronymic``)
    /// of the journal teacher bound to it: teacher values.
    public var bound: [String: FieldValues]
    /// ЭПОС teacher id → the names a person gave for it (`epos/teachers.tsv`).
    public var named: [String: FieldValues]
    /// The journal's teachers by their own id → their names.
    public var journal: [String: FieldValues]

    public init(bound: [String: FieldValues] = [:], named: [String: FieldValues] = [:],
                journal: [String: FieldValues] = [:]) {
        self.bound = bound; self.named = named; self.journal = journal
    }

    /// The names to deliver for an ЭПОС teacher id; nil when nobody knows the teacher.
    func names(_ id: String) -> FieldValues? { bound[id] ?? named[id] ?? journal[id] }
}
