import Foundation
import JournalModel
import JournalStore
import SyncModel

/// Binding a counterpart's guardian to the journal's guardian who is the same person
/// (``GuardianIdentity``): a parent the secretary's list brought in and АСУ РСО lists
/// under the same child is one guardian, so that the diary reaches them once.
extension SyncEngine {
    /// Per guardian (external id), the pupils (external ids) the items' guardianships link it to.
    static func guardianChildren(_ items: [RemoteRecord]) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for item in items where item.kind == .guardianship && !item.deleted {
            if let g = item.fields[Guardianship.guardian].text, let s = item.fields[Guardianship.student].text { out[g, default: []].insert(s) }
        }
        return out
    }

    /// The journal's guardian who is the counterpart's guardian `g` (fields in local terms),
    /// unless another live record of this counterpart is bound to them; nil when none is.
    func guardianTwin(_ g: Record, externalID: String, _ ctx: RunContext) throws -> Record? {
        let cp = counterpart.name
        if ctx.guardians == nil {
            ctx.guardians = GuardianMatcher(guardians: try store.records(.guardian), guardianships: try store.records(.guardianship))
        }
        var kids: Set<String> = []
        for ext in ctx.guardianChildren[externalID] ?? [] {
            if let id = try store.localID(counterpart: cp, .student, externalID: ext) { kids.insert(id) }
        }
        var taken: Set<String> = []
        guard let match = ctx.guardians!.match(g, kids: kids, excluding: { id in
            if taken.contains(id) { return true }
            let bound = ((try? self.store.externalID(counterpart: cp, .guardian, localID: id)) ?? nil) != nil
                && ((try? self.store.syncBase(counterpart: cp, .guardian, localID: id))??.fields) != nil
            if bound { taken.insert(id) }
            return bound
        }) else { return nil }
        // The index may hold a record a rolled-back page created: bind only to one that exists.
        return store.record(.guardian, id: match.id)
    }
}
