import JournalModel

/// Counterpart-id → local-id lookups made while one pulled page is applied, so that a
/// class-week's many marks of the same lessons and pupils ask the identity map once per
/// lesson and pupil.
///
/// Off outside a page (every lookup goes to the store). Only found ids are kept; a key is
/// forgotten whenever the run binds it, and everything when an item's savepoint rolls back
/// or a record takes over another's state. A page's transaction gets a fresh cache, so
/// nothing of a rolled-back page outlives it.
struct ReferenceCache {
    private var map: [String: String] = [:]
    let enabled: Bool

    init(enabled: Bool = false) { self.enabled = enabled }

    mutating func localID(_ kind: EntityKind, _ externalID: String, _ lookup: () throws -> String?) rethrows -> String? {
        guard enabled else { return try lookup() }
        let key = kind.rawValue + "\u{1F}" + externalID
        if let hit = map[key] { return hit }
        let found = try lookup()
        if let found { map[key] = found }
        return found
    }

    mutating func forget(_ kind: EntityKind, _ externalID: String) {
        if enabled { map[kind.rawValue + "\u{1F}" + externalID] = nil }
    }

    mutating func clear() { map.removeAll(keepingCapacity: true) }
}
