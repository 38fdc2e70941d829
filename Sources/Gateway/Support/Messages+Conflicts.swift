import JournalModel
import JournalStore
import SyncEngine

/// The catalogue's messages of `conflicts`, `conflicts show` and `conflicts resolve`.
enum ConflictText: Phrasebook {
    case none, count, listLine, resolvedMark, resolvedDefault, deleted
    case showHeader, showRecord, showBase, showLocal, showCurrent, showRemote, showVersion, showWhy, showResolved, showResolve, showOrValue, resolved

    var texts: (en: String, ru: String) {
        switch self {
        case .none: ("No open conflicts.", "Открытых конфликтов нет.")
        case .count:
            ("{n} conflict(s). `journal-gateway conflicts show ID` for one; resolve with --take local|remote or --value V.",
             "Конфликтов: {n}. Подробно об одном: `journal-gateway conflicts show ID`; решить: --take local|remote или --value V.")
        case .listLine: ("#{id}  {portal}  {what}  {field}: base {base} · local {local} · remote {remote}{state}",
                         "#{id}  {portal}  {what}  {field}: было {base} · у нас {local} · на портале {remote}{state}")
        case .resolvedMark: ("  [{resolution}]", "  [{resolution}]")
        case .resolvedDefault: ("resolved", "решён")
        case .deleted: ("deleted", "удалена")
        case .showHeader: ("Conflict #{id} with {portal}, queued {at} by run {run}", "Конфликт #{id} с {portal}: поставлен в очередь {at} запуском {run}")
        case .showRecord: ("Record: {what}, field {field} ({entity} {record})", "Запись: {what}, поле {field} ({entity} {record})")
        case .showBase: ("Base (last agreed): {v}", "Было (последнее согласованное): {v}")
        case .showLocal: ("Local when queued:  {v}", "У нас на момент конфликта: {v}")
        case .showCurrent: ("Local now:          {v}", "У нас сейчас:              {v}")
        case .showRemote: ("Remote:             {v}", "На портале:                {v}")
        case .showVersion: (" (version {version})", " (версия {version})")
        case .showWhy: ("Why: {policy}", "Почему: {policy}")
        case .showResolved: ("Resolved {at}: {resolution}", "Решён {at}: {resolution}")
        case .showResolve: ("Resolve: journal-gateway conflicts resolve {id} --take local|remote", "Решить: journal-gateway conflicts resolve {id} --take local|remote")
        case .showOrValue: (" or --value V", " или --value V")
        case .resolved: ("Resolved: {line}", "Решён: {line}")
        }
    }

    /// One line of `conflicts list`, from the item's JSON form (values already masked).
    static func line(_ item: ConflictQueue.Item, _ l: Language) -> String {
        let j = item.json, c = item.conflict
        let state = c.resolvedAt == nil ? "" : resolvedMark.text(l, ["resolution": c.resolution ?? resolvedDefault.text(l)])
        return listLine.text(l, ["id": "\(c.id)", "portal": c.counterpart, "what": item.label, "field": c.field,
                                 "base": show(j["base"], c, l), "local": show(j["local"], c, l), "remote": show(j["remote"], c, l), "state": state])
    }

    /// The lines of `conflicts show ID`.
    static func detail(_ item: ConflictQueue.Item, _ l: Language) -> [String] {
        let j = item.json, c = item.conflict
        let resolve = showResolve.text(l, ["id": "\(c.id)"]) + (c.field == PolicyTable.recordField ? "" : showOrValue.text(l))
        return [showHeader.text(l, ["id": "\(c.id)", "portal": c.counterpart, "at": c.createdAt, "run": c.runID ?? "—"]),
                showRecord.text(l, ["what": item.label, "field": c.field, "entity": c.entity.rawValue, "record": c.localID]),
                showBase.text(l, ["v": show(j["base"], c, l)]),
                showLocal.text(l, ["v": show(j["local"], c, l)]),
                showCurrent.text(l, ["v": show(j["current"], c, l)]),
                showRemote.text(l, ["v": show(j["remote"], c, l)]) + (c.remoteVersion.map { showVersion.text(l, ["version": $0]) } ?? ""),
                showWhy.text(l, ["policy": c.policy]),
                c.resolvedAt.map { showResolved.text(l, ["at": $0, "resolution": c.resolution ?? ""]) } ?? resolve]
    }

    private static func show(_ j: JSON?, _ c: ConflictRecord, _ l: Language) -> String {
        switch j ?? .null {
        case .null: return c.field == PolicyTable.recordField ? deleted.text(l) : "∅"
        case .string(let s): return "«\(s)»"
        case let other: return other.serialized()
        }
    }
}
