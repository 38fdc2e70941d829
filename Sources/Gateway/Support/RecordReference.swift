import JournalModel
import JournalStore

/// A record named on the command line: by its id, or by what a person knows it by — a
/// pupil's personal-file number (`05-1007`), a class's name in any spelling (`5 а`), a
/// subject's name. Commands that take a record id take these too (`history 05-1007`,
/// `extract weekly --student 05-1007`).
enum RecordReference {
    /// The records `text` names, of `kinds` (every kind when nil): the record with that id,
    /// else the pupils with that file number, the class of that name, the subject of that name.
    static func resolve(_ text: String, in store: JournalStore, kinds: Set<EntityKind>? = nil) throws -> [(kind: EntityKind, id: String)] {
        func wanted(_ k: EntityKind) -> Bool { kinds?.contains(k) ?? true }
        let byID = EntityKind.allCases.filter { wanted($0) && store.record($0, id: text) != nil }.map { (kind: $0, id: text) }
        if !byID.isEmpty { return byID }
        var found: [(kind: EntityKind, id: String)] = []
        if wanted(.student) {
            found += try store.records(.student, where: Student.fileNumber, equals: .text(text)).map { (kind: EntityKind.student, id: $0.id) }
        }
        if wanted(.classUnit), let name = ClassName.normalize(text) {
            found += try store.records(.classUnit, where: ClassUnit.name, equals: .text(name)).map { (kind: EntityKind.classUnit, id: $0.id) }
        }
        if wanted(.subject) {
            found += try store.records(.subject, where: Subject.name, equals: .text(text)).map { (kind: EntityKind.subject, id: $0.id) }
        }
        return found
    }

    /// The one pupil `text` names (id or personal-file number).
    /// - Throws: ``GatewayError`` (64) when none or several do.
    static func student(_ text: String, in store: JournalStore) throws -> String {
        let found = try resolve(text, in: store, kinds: [.student])
        guard found.count == 1 else {
            throw GatewayError.usage(found.isEmpty ? "no pupil with id or personal-file number «\(text)»"
                                                   : "«\(text)» names \(found.count) pupils (\(found.map(\.id).joined(separator: ", "))): give the id")
        }
        return found[0].id
    }
}
