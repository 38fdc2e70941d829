import JournalModel

/// What the store knows, while one pulled page is applied, about the page's records: their
/// identity bindings, bases, journal records and natural-key matches, read for the whole
/// page with a few set-based queries (``JournalStore/prefetchBound(counterpart:_:externalIDs:)``,
/// ``JournalStore/prefetchByNaturalKey(counterpart:_:_:)``) instead of one query per item.
///
/// A mirror of rows as they are in the page's transaction, never a guess: an entry says
/// "this row is X" or "there is no such row" (`.some(nil)`); a missing entry means "ask the
/// database". The store's own writes keep it true (``JournalStore/bindIdentity``,
/// ``JournalStore/setSyncBase``, record writes and deletes drop what they touch); any other
/// write of identities or bases, a rolled-back savepoint or transaction, and the page's
/// end drop all of it. Sound for the same reason as the store's hint sets: only writing
/// commands, which hold the run lock, change these rows.
final class SyncPageCache {
    struct Key: Hashable {
        let kind: EntityKind
        let id: String
    }
    let counterpart: String
    /// (kind, external id) → the local id bound to it, or none.
    var localByExternal: [Key: String?] = [:]
    /// (kind, local id) → its binding, or none.
    var binding: [Key: IdentityBinding?] = [:]
    /// (kind, local id) → its base, or none.
    var base: [Key: SyncBase?] = [:]
    /// (kind, id) → the journal's record, or none.
    var record: [Key: Record?] = [:]
    /// (kind, natural key) → the journal's record with that key, or none.
    var byNaturalKey: [Key: Record?] = [:]

    init(counterpart: String) { self.counterpart = counterpart }

    func clear() {
        localByExternal.removeAll(keepingCapacity: true)
        binding.removeAll(keepingCapacity: true)
        base.removeAll(keepingCapacity: true)
        record.removeAll(keepingCapacity: true)
        byNaturalKey.removeAll(keepingCapacity: true)
    }

    /// A record was written or deleted: what is known of it and of its keys (old and new) goes.
    func forgetRecord(_ kind: EntityKind, id: String, keys: [String?]) {
        record[Key(kind: kind, id: id)] = nil
        for case let k? in keys { byNaturalKey[Key(kind: kind, id: k)] = nil }
    }

    /// `localID` was bound to `externalID` with the identity table's rule: any other binding of either went.
    func bound(_ kind: EntityKind, localID: String, externalID: String, naturalKey: String?) {
        let ext = Key(kind: kind, id: externalID), local = Key(kind: kind, id: localID)
        // The local id that held the external id before, if another, has no binding now.
        if case .some(.some(let previous)) = localByExternal[ext], previous != localID {
            binding[Key(kind: kind, id: previous)] = .some(nil)
        } else if localByExternal[ext] == nil {
            for (k, b) in binding where k.kind == kind && k.id != localID && b?.externalID == externalID { binding[k] = nil }
        }
        // The external id the local id held before, if another, is bound to nothing now.
        if case .some(.some(let old)) = binding[local], old.externalID != externalID {
            localByExternal[Key(kind: kind, id: old.externalID)] = .some(nil)
        } else if binding[local] == nil {
            for (k, l) in localByExternal where k.kind == kind && k.id != externalID && l == localID { localByExternal[k] = nil }
        }
        localByExternal[ext] = .some(localID)
        binding[local] = .some(IdentityBinding(externalID: externalID, naturalKey: naturalKey))
    }
}

extension JournalStore {
    /// Starts the page scope of ``SyncPageCache`` for a counterpart (ended by ``endSyncPage()``).
    public func beginSyncPage(counterpart: String) {
        pageCache = SyncPageCache(counterpart: counterpart)
    }

    /// Ends the page scope: every later read asks the database.
    public func endSyncPage() { pageCache = nil }

    /// The page cache when it answers for this counterpart.
    func pageCache(_ counterpart: String) -> SyncPageCache? {
        guard let c = pageCache, c.counterpart == counterpart else { return nil }
        return c
    }

    /// Reads, for the page's items of one kind, their identity bindings, and for the bound
    /// ones their bases and journal records: one query each per up to 256 items.
    public func prefetchBound(counterpart: String, _ kind: EntityKind, externalIDs: [String]) throws {
        guard let cache = pageCache(counterpart) else { return }
        try prefetchState(cache, kind, localIDs: try prefetchIdentities(cache, kind, externalIDs), records: true)
    }

    /// Reads the bindings, bases and journal records of local ids (the push plan's
    /// candidates, a few hundred at a time): one query each per up to 256 ids.
    public func prefetchLocal(counterpart: String, _ kind: EntityKind, localIDs: [String]) throws {
        guard let cache = pageCache(counterpart) else { return }
        try prefetchState(cache, kind, localIDs: localIDs, records: true)
    }

    /// Reads the identity bindings of external ids (the records a page's items refer to).
    public func prefetchIdentities(counterpart: String, _ kind: EntityKind, externalIDs: [String]) throws {
        guard let cache = pageCache(counterpart) else { return }
        _ = try prefetchIdentities(cache, kind, externalIDs)
    }

    /// The local ids found.
    private func prefetchIdentities(_ cache: SyncPageCache, _ kind: EntityKind, _ externalIDs: [String]) throws -> [String] {
        let counterpart = cache.counterpart
        let wanted = externalIDs.filter { cache.localByExternal[SyncPageCache.Key(kind: kind, id: $0)] == nil }
        guard !wanted.isEmpty else { return [] }
        var found: [String] = []
        for chunk in JournalStore.chunks(Array(Set(wanted)).sorted()) {
            try db.forEach("SELECT external_id, local_id, natural_key FROM identity WHERE counterpart = ? AND entity = ? AND external_id IN (\(JournalStore.marks(chunk.count)))",
                           [.text(counterpart), .text(kind.rawValue)] + chunk.map(SQLValue.text)) { row in
                let ext = row[0].text ?? "", local = row[1].text ?? ""
                cache.localByExternal[SyncPageCache.Key(kind: kind, id: ext)] = .some(local)
                cache.binding[SyncPageCache.Key(kind: kind, id: local)] = .some(IdentityBinding(externalID: ext, naturalKey: row[2].text))
                found.append(local)
            }
            for ext in chunk where cache.localByExternal[SyncPageCache.Key(kind: kind, id: ext)] == nil {
                cache.localByExternal[SyncPageCache.Key(kind: kind, id: ext)] = .some(nil)
            }
        }
        return found
    }

    /// Reads the journal's records with the natural keys of `records` (references in local
    /// terms; their ids are ignored), and for those found their bindings and bases.
    public func prefetchByNaturalKey(counterpart: String, _ kind: EntityKind, _ records: [Record]) throws {
        guard let cache = pageCache(counterpart), kind != .teacher, !kind.naturalKeyFields.isEmpty else { return }
        var wanted: [String: Record] = [:]
        for r in records {
            guard let key = r.naturalKey, cache.byNaturalKey[SyncPageCache.Key(kind: kind, id: key)] == nil else { continue }
            wanted[key] = r
        }
        guard !wanted.isEmpty else { return }
        let fields = kind.naturalKeyFields
        let term = "(" + fields.map { $0.spec.required ? "\"\($0.name)\" = ?" : "ifnull(\"\($0.name)\", '') = ifnull(?, '')" }
            .joined(separator: " AND ") + ")"
        var found: [String] = []
        for chunk in JournalStore.chunks(wanted.keys.sorted(), of: 64) {
            var args: [SQLValue] = []
            for key in chunk { for f in fields { args.append(JournalStore.sqlValue(wanted[key]![f])) } }
            var matched: [String] = []
            var foreign = false
            try db.forEach("SELECT \(JournalStore.recordColumns(kind)) FROM \(kind.table) WHERE "
                           + Array(repeating: term, count: chunk.count).joined(separator: " OR "), args) { row in
                let r = decodeRecord(kind, row)
                guard let key = r.naturalKey, wanted[key] != nil else { foreign = true; return }
                cache.byNaturalKey[SyncPageCache.Key(kind: kind, id: key)] = .some(r)
                cache.record[SyncPageCache.Key(kind: kind, id: r.id)] = .some(r)
                matched.append(key)
                found.append(r.id)
            }
            // A row matched by SQL's comparison but spelt otherwise ("03" against 3): no
            // absences are recorded for this chunk, its misses ask again one by one.
            if !foreign {
                for key in chunk where cache.byNaturalKey[SyncPageCache.Key(kind: kind, id: key)] == nil {
                    cache.byNaturalKey[SyncPageCache.Key(kind: kind, id: key)] = .some(nil)
                }
            }
        }
        try prefetchState(cache, kind, localIDs: found, records: false)
    }

    /// Bindings (unless known), bases and, when asked, records of local ids.
    private func prefetchState(_ cache: SyncPageCache, _ kind: EntityKind, localIDs: [String], records: Bool) throws {
        let cp = cache.counterpart
        let ids = Array(Set(localIDs)).sorted()
        let unbound = ids.filter { cache.binding[SyncPageCache.Key(kind: kind, id: $0)] == nil }
        for chunk in JournalStore.chunks(unbound) {
            try db.forEach("SELECT local_id, external_id, natural_key FROM identity WHERE counterpart = ? AND entity = ? AND local_id IN (\(JournalStore.marks(chunk.count)))",
                           [.text(cp), .text(kind.rawValue)] + chunk.map(SQLValue.text)) { row in
                let local = row[0].text ?? "", ext = row[1].text ?? ""
                cache.binding[SyncPageCache.Key(kind: kind, id: local)] = .some(IdentityBinding(externalID: ext, naturalKey: row[2].text))
                cache.localByExternal[SyncPageCache.Key(kind: kind, id: ext)] = .some(local)
            }
            for id in chunk where cache.binding[SyncPageCache.Key(kind: kind, id: id)] == nil {
                cache.binding[SyncPageCache.Key(kind: kind, id: id)] = .some(nil)
            }
        }
        for chunk in JournalStore.chunks(ids) {
            try db.forEach("SELECT local_id, fields, version, epoch FROM sync_base WHERE counterpart = ? AND entity = ? AND local_id IN (\(JournalStore.marks(chunk.count)))",
                           [.text(cp), .text(kind.rawValue)] + chunk.map(SQLValue.text)) { row in
                cache.base[SyncPageCache.Key(kind: kind, id: row[0].text ?? "")] =
                    .some(SyncBase(fields: JournalStore.decodeFields(kind, row[1].text), version: row[2].text, epoch: row[3].int ?? 0))
            }
            for id in chunk where cache.base[SyncPageCache.Key(kind: kind, id: id)] == nil {
                cache.base[SyncPageCache.Key(kind: kind, id: id)] = .some(nil)
            }
        }
        guard records else { return }
        for chunk in JournalStore.chunks(ids) {
            try db.forEach("SELECT \(JournalStore.recordColumns(kind)) FROM \(kind.table) WHERE id IN (\(JournalStore.marks(chunk.count)))",
                           chunk.map(SQLValue.text)) { row in
                let r = decodeRecord(kind, row)
                cache.record[SyncPageCache.Key(kind: kind, id: r.id)] = .some(r)
            }
            for id in chunk where cache.record[SyncPageCache.Key(kind: kind, id: id)] == nil {
                cache.record[SyncPageCache.Key(kind: kind, id: id)] = .some(nil)
            }
        }
    }

    /// `items` in pieces of a few fixed sizes (the last piece padded by repeating its last
    /// element), so that the statement cache holds a handful of texts per query, not one per count.
    static func chunks(_ items: [String], of limit: Int = 256) -> [[String]] {
        var out: [[String]] = []
        var i = 0
        while i < items.count {
            let n = min(limit, items.count - i)
            var piece = Array(items[i..<(i + n)])
            let size = [1, 4, 16, 64, 256].first { $0 >= n } ?? n
            while piece.count < min(size, limit) { piece.append(piece[piece.count - 1]) }
            out.append(piece)
            i += n
        }
        return out
    }

    /// `?, ?, …` for `n` parameters.
    static func marks(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }
}
