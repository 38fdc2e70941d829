/// The rows of each kind in list order, one ``EPOSListIndex`` per class ("" for rows of no
/// class), so that a list of one class walks that class's rows only: the school-wide index
/// read class by class made a page of one class walk the rows of every class between its
/// rows (a school of 77 classes read each row 77 times).
///
/// A row's class is read outside the row for marks, attendance (their schedule item's) and
/// final marks (their student's). The indexes of a kind are built from the school-wide one
/// when first asked for, kept in step by every stored row while `listVersion` stays, and
/// dropped when it moves (a lesson's or a student's class may have changed: rows would be
/// filed under the wrong class); the next list of one class builds them again.
struct EPOSClassLists: Sendable {
    private struct Lists: Sendable {
        var version: Int
        var byClass: [String: EPOSListIndex] = [:]
        /// The class each row is filed under, by id.
        var classOf: [String: String] = [:]
    }

    private var kinds: [EPOSKind: Lists] = [:]

    /// Whether the indexes of `kind` exist and were filed at `version`.
    func isCurrent(_ kind: EPOSKind, version: Int) -> Bool { kinds[kind]?.version == version }

    /// Whether the indexes of `kind` exist (current or not).
    func isFiled(_ kind: EPOSKind) -> Bool { kinds[kind] != nil }

    /// Files every key of `kind` (in list order) under its class (`classes[i]` for `keys[i]`).
    mutating func rebuild(_ kind: EPOSKind, _ keys: [EPOSListKey], _ classes: [String], version: Int) {
        var lists = Lists(version: version)
        lists.classOf.reserveCapacity(keys.count)
        for (key, c) in zip(keys, classes) {
            lists.classOf[key.id] = c
            lists.byClass[c, default: EPOSListIndex()].insert(key)
        }
        kinds[kind] = lists
    }

    /// A stored row moved from `old` (nil: a new row) to `key`, in the class `classID`.
    /// Indexes filed at another version are dropped instead.
    mutating func moved(_ kind: EPOSKind, _ old: EPOSListKey?, to key: EPOSListKey, classID: String, version: Int) {
        guard var lists = kinds.removeValue(forKey: kind) else { return }
        guard lists.version == version else { return }
        if let old, let was = lists.classOf[old.id] { lists.byClass[was]?.remove(old) }
        lists.classOf[key.id] = classID
        lists.byClass[classID, default: EPOSListIndex()].insert(key)
        kinds[kind] = lists
    }

    /// A page of the rows of one class (see ``EPOSListIndex/page(updatedFrom:filter:version:skip:limit:classOf:)``);
    /// `rest` is the filter without its class. The indexes must be current.
    mutating func page(_ kind: EPOSKind, classID: String, updatedFrom: Int64?, filter rest: EPOSListFilter, version: Int,
                       skip: Int, limit: Int, classOf: (String) -> String?) -> EPOSListIndex.Page {
        guard var list = kinds[kind]?.byClass.removeValue(forKey: classID) else { return EPOSListIndex.Page(total: 0, ids: []) }
        defer { kinds[kind]?.byClass[classID] = list }
        return list.page(updatedFrom: updatedFrom, filter: rest, version: version, skip: skip, limit: limit, classOf: classOf)
    }
}
