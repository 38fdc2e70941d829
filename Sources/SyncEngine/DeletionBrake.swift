import JournalModel

/// The brake on mass deletion, as directory-sync tools have (Azure AD Connect refuses an
/// export of more than 500 deletions; `rsync --max-delete`): a run that would delete more
/// than 5 % **and** more than 20 of a kind's journal records holds those deletions back,
/// applies everything else and exits 65; `--allow-deletions N` raises the limit to N after
/// a person has looked. A full pull that listed no record of a kind never deletes that
/// kind without such a yes (an empty answer is no proof). See docs/sync.md.
public struct DeletionBrake {
    /// Deletions of one kind a person allowed in this run (`--allow-deletions N`).
    var allowed: Int?
    /// The reason held deletions are parked with: the retry knows them by it.
    public static let marker = "held by the mass-deletion brake"

    private var totals: [EntityKind: Int] = [:]
    private var applied: [EntityKind: Int] = [:]
    /// Deletions held (parked) per kind, and which.
    private(set) var heldCount: [EntityKind: Int] = [:]
    private var heldKeys: Set<String> = []
    /// Deletions a sweep already admitted as a whole, consumed item by item.
    private var admitted: [EntityKind: Int] = [:]
    /// Kinds whose deletions this run passed the limit: all held from then on.
    private var over: Set<EntityKind> = []

    init(allowed: Int? = nil) { self.allowed = allowed }

    /// The most deletions of a kind with `total` journal records a run may make unasked.
    static func threshold(total: Int) -> Int { max(20, total * 5 / 100) }

    /// Knows the deletions earlier runs held (parked items with ``marker``).
    mutating func remember(held items: [(EntityKind, String)]) {
        for (kind, ext) in items where heldKeys.insert(Self.key(kind, ext)).inserted { heldCount[kind, default: 0] += 1 }
    }

    /// The limit for a kind: the threshold, or what a person allowed.
    mutating func limit(_ kind: EntityKind, total: () throws -> Int) rethrows -> Int {
        if totals[kind] == nil { totals[kind] = try total() }
        return max(allowed ?? 0, Self.threshold(total: totals[kind] ?? 0))
    }

    /// A page about to be applied deletes `count` records of `kind`: when that would pass
    /// the limit, every deletion of the kind is held for the rest of the run — the page's
    /// first ones included, so that none of that part is committed.
    mutating func expect(_ kind: EntityKind, count: Int, limit: Int) {
        if applied[kind, default: 0] + heldCount[kind, default: 0] + count > limit { over.insert(kind) }
    }

    /// One deletion of `kind` about to be made: true when it may go ahead; false when it
    /// is held (and is then counted as held).
    mutating func admit(_ kind: EntityKind, externalID: String, limit: Int) -> Bool {
        if let n = admitted[kind], n > 0 { admitted[kind] = n - 1; applied[kind, default: 0] += 1; return true }
        let key = Self.key(kind, externalID)
        let wasHeld = heldKeys.contains(key)
        let would = applied[kind, default: 0] + heldCount[kind, default: 0] + (wasHeld ? 0 : 1)
        if !over.contains(kind) && would <= limit {
            applied[kind, default: 0] += 1
            if wasHeld { heldKeys.remove(key); heldCount[kind, default: 1] -= 1 }
            return true
        }
        if !wasHeld { heldKeys.insert(key); heldCount[kind, default: 0] += 1 }
        return false
    }

    /// `count` deletions of a kind at once (a full pull's sweep): all admitted, or none.
    /// `listedNone`: the full pull listed no record of the kind at all.
    mutating func admitAll(_ kind: EntityKind, count: Int, listedNone: Bool, limit: Int) -> Bool {
        if listedNone && (allowed ?? 0) < count { return false }
        guard applied[kind, default: 0] + heldCount[kind, default: 0] + count <= limit else { return false }
        admitted[kind, default: 0] += count
        return true
    }

    /// Forgets what a sweep admitted and did not use.
    mutating func endSweep() { admitted = [:] }

    private static func key(_ kind: EntityKind, _ ext: String) -> String { kind.rawValue + "\u{1F}" + ext }
}
