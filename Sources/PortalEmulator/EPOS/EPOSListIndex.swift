import JournalModel

/// Where a row stands in a list: `updated_at`, then id (the order every list is given in).
struct EPOSListKey: Comparable, Hashable, Sendable {
    var updatedAt: Int64
    var id: String

    init(updatedAt: Int64, id: String) { self.updatedAt = updatedAt; self.id = id }
    init(_ r: EPOSRecord) { self.init(updatedAt: r.updatedAt, id: r.id) }

    static func < (a: EPOSListKey, b: EPOSListKey) -> Bool { (a.updatedAt, a.id) < (b.updatedAt, b.id) }
}

/// What a list request filters on besides `updated_at_from` (which the index answers by its
/// order): the class, the period (final marks) and the lesson dates (not final marks).
struct EPOSListFilter: Hashable, Sendable {
    var classID: String?
    var periodID: String?
    var from: CivilDate?
    var to: CivilDate?

    /// Every row passes: the index counts without looking at a row.
    var isEmpty: Bool { classID == nil && periodID == nil && from == nil && to == nil }
}

/// The rows of one kind in list order, for paging without filtering and sorting them all.
///
/// A B-tree of one level: sorted blocks of keys, each between a few and `2 × blockSize` keys
/// long, so an insert or a remove moves at most a block's keys. Writes stamp rows later than
/// every row there is, so they go to the end of the last block; a seed may come in any order.
///
/// A block remembers, for the last filter it was counted with apart from the class, how many
/// of its rows pass it in each class, under a version that the owner bumps whenever what a
/// filter reads outside the row changes (a lesson's date, a student's class). Any change to
/// the block forgets the counts. So paging a list class by class with the same dates counts a
/// block once for all classes (not once per class: a school's 77 classes would read every
/// row 77 times), and a page costs a walk of one or two blocks plus one step per block.
struct EPOSListIndex: Sendable {
    /// A block's rows passing `rest` (a filter without its class), counted per class.
    private struct Count: Sendable {
        var rest: EPOSListFilter
        var version: Int
        var total: Int
        var byClass: [String: Int]
    }

    private struct Block: Sendable {
        var keys: [EPOSListKey]
        var counted: Count?
    }

    /// A place between keys: a block and an offset in it (`blocks.count, 0` is the end).
    private struct Position {
        var block: Int
        var offset: Int
    }

    /// One page of a list: how many rows pass in all, and the ids of the page's rows in order.
    struct Page: Equatable {
        var total: Int
        var ids: [String]
    }

    let blockSize: Int
    private var blocks: [Block] = []
    private(set) var count = 0

    init(blockSize: Int = 512) { self.blockSize = max(2, blockSize) }

    // MARK: Keeping the order

    mutating func insert(_ key: EPOSListKey) {
        count += 1
        guard !blocks.isEmpty else { blocks = [Block(keys: [key])]; return }
        let b = min(block(for: key), blocks.count - 1)
        blocks[b].keys.insert(key, at: Self.lowerBound(blocks[b].keys, key))
        blocks[b].counted = nil
        if blocks[b].keys.count > 2 * blockSize { split(b) }
    }

    mutating func remove(_ key: EPOSListKey) {
        let b = block(for: key)
        guard b < blocks.count else { return }
        let i = Self.lowerBound(blocks[b].keys, key)
        guard i < blocks[b].keys.count, blocks[b].keys[i] == key else { return }
        count -= 1
        blocks[b].keys.remove(at: i)
        blocks[b].counted = nil
        if blocks[b].keys.isEmpty {
            blocks.remove(at: b)
        } else if b + 1 < blocks.count, blocks[b].keys.count + blocks[b + 1].keys.count <= blockSize {
            blocks[b].keys += blocks[b + 1].keys
            blocks.remove(at: b + 1)
        }
    }

    /// Every key in order (tests compare it with a sort).
    var keys: [EPOSListKey] { blocks.flatMap(\.keys) }

    private mutating func split(_ b: Int) {
        let half = blocks[b].keys.count / 2
        let upper = Block(keys: Array(blocks[b].keys[half...]))
        blocks[b].keys.removeSubrange(half...)
        blocks.insert(upper, at: b + 1)
    }

    /// The first block whose last key is not below `key` (`blocks.count` when none is).
    private func block(for key: EPOSListKey) -> Int {
        Self.partition(blocks.count) { blocks[$0].keys[blocks[$0].keys.count - 1] < key }
    }

    /// The first place of a key not below `key`.
    private static func lowerBound(_ keys: [EPOSListKey], _ key: EPOSListKey) -> Int {
        partition(keys.count) { keys[$0] < key }
    }

    /// The first index in `0..<count` where `below` stops holding (it holds for a prefix).
    private static func partition(_ count: Int, _ below: (Int) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if below(mid) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    // MARK: Pages

    /// Rows at or after `updatedFrom` that pass `filter`: their number, and the ids of `limit`
    /// of them after the first `skip`. `classOf` tells by id whether a row passes the filter
    /// apart from its class (nil when not) and then its class ("" for none).
    mutating func page(updatedFrom: Int64?, filter: EPOSListFilter, version: Int, skip: Int, limit: Int,
                       classOf: (String) -> String?) -> Page {
        let start = position(updatedFrom: updatedFrom)
        var page = Page(total: 0, ids: [])
        var toSkip = skip
        for b in start.block..<blocks.count {
            let from = b == start.block ? start.offset : 0
            let n = matchCount(b, from: from, filter: filter, version: version, classOf: classOf)
            if page.ids.count < limit, toSkip < n {
                collect(b, from: from, skip: toSkip, limit: limit, filter: filter, classOf: classOf, into: &page.ids)
                toSkip = 0
            } else if toSkip >= n {
                toSkip -= n
            }
            page.total += n
        }
        return page
    }

    /// The first place at or after `updatedFrom` (the start without it).
    private func position(updatedFrom: Int64?) -> Position {
        guard let t = updatedFrom else { return Position(block: 0, offset: 0) }
        let key = EPOSListKey(updatedAt: t, id: "")
        let b = block(for: key)
        return Position(block: b, offset: b < blocks.count ? Self.lowerBound(blocks[b].keys, key) : 0)
    }

    /// Whether a row passes: the rest of the filter, then its class.
    private static func passes(_ id: String, _ filter: EPOSListFilter, _ classOf: (String) -> String?) -> Bool {
        guard let c = classOf(id) else { return false }
        return filter.classID.map { $0 == c } ?? true
    }

    /// How many keys of block `b` from `from` on pass; a whole block's counts per class are remembered.
    private mutating func matchCount(_ b: Int, from: Int, filter: EPOSListFilter, version: Int,
                                     classOf: (String) -> String?) -> Int {
        let keys = blocks[b].keys
        if filter.isEmpty { return keys.count - from }
        var rest = filter
        rest.classID = nil
        if from > 0 { return keys[from...].reduce(0) { $0 + (Self.passes($1.id, filter, classOf) ? 1 : 0) } }
        if let c = blocks[b].counted, c.rest == rest, c.version == version {
            return filter.classID.map { c.byClass[$0] ?? 0 } ?? c.total
        }
        var count = Count(rest: rest, version: version, total: 0, byClass: [:])
        for key in keys {
            guard let c = classOf(key.id) else { continue }
            count.total += 1
            count.byClass[c, default: 0] += 1
        }
        blocks[b].counted = count
        return filter.classID.map { count.byClass[$0] ?? 0 } ?? count.total
    }

    /// Appends to `ids` the ids of block `b` that pass, from `from` on, after skipping `skip`
    /// of them, until `ids` holds `limit`.
    private func collect(_ b: Int, from: Int, skip: Int, limit: Int, filter: EPOSListFilter,
                         classOf: (String) -> String?, into ids: inout [String]) {
        var toSkip = skip
        for key in blocks[b].keys[from...] {
            guard ids.count < limit else { return }
            guard filter.isEmpty || Self.passes(key.id, filter, classOf) else { continue }
            if toSkip > 0 { toSkip -= 1 } else { ids.append(key.id) }
        }
    }
}
