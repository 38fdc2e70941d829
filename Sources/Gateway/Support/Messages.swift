/// The language a person reads messages in: Russian when `LC_ALL`, else `LC_MESSAGES`, else
/// `LANG` names a `ru_*` locale (what a Russian server has), English otherwise.
/// `--json` keys, exit codes and log field names never change with it.
public enum Language: Sendable {
    case english, russian

    public init(environment: [String: String]) {
        let name = [environment["LC_ALL"], environment["LC_MESSAGES"], environment["LANG"]].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        self = name.hasPrefix("ru") ? .russian : .english
    }
}

/// The message catalogue (issue 18 item 5, begun): each message once, in English and Russian,
/// English the fallback. So far it holds what `check`, `night` and `config check` print for
/// people; the other commands' messages are still English only.
enum Message {
    case age(seconds: Double)
    case checkUnreadableStore(path: String, error: String)
    case checkNeverClean(lastExit: Int32?, failed: [String])
    case checkTooOld(age: Double, allowed: Double, failed: [String])
    case checkLastNightFailed([(step: String, code: Int32)])
    case checkParked(Int)
    case checkConflictWaiting(age: Double)
    case checkOK(age: Double)
    case stepOK
    case stepExit(Int32)
    case nightExit(run: String, code: Int32)
    case nightTotal(Int32)
    case nightDryRun
    case finding(String)

    func text(_ l: Language) -> String {
        let ru = l == .russian
        switch self {
        case .age(let s):
            if s >= 86_400 * 2 { return ru ? "\(Int(s / 86_400)) дн." : "\(Int(s / 86_400))d" }
            if s >= 3600 { return ru ? "\(Int(s / 3600)) ч" : "\(Int(s / 3600))h" }
            return ru ? "\(Int(s / 60)) мин" : "\(Int(s / 60))m"
        case .checkUnreadableStore(let p, let e):
            return ru ? "CRITICAL: не удаётся прочитать хранилище \(p): \(e)" : "CRITICAL: cannot read the store \(p): \(e)"
        case .checkNeverClean(let code, let failed):
            let tail = code.map { ru ? " (последняя ночь: код \($0): \(failed.joined(separator: ", ")))" : " (last night exit \($0): \(failed.joined(separator: ", ")))" } ?? ""
            return (ru ? "CRITICAL: ещё не было ночи, в которой все шаги прошли успешно" : "CRITICAL: no night with every step successful yet") + tail
        case .checkTooOld(let a, let allowed, let failed):
            let since = failed.isEmpty ? "" : (ru ? "; с тех пор не проходит: " : "; failed since: ") + failed.joined(separator: ", ")
            return ru ? "CRITICAL: последняя ночь, в которой все шаги прошли успешно, закончилась \(Message.age(seconds: a).text(l)) назад (допустимо \(Message.age(seconds: allowed).text(l)))" + since
                : "CRITICAL: the last night with every step successful finished \(Message.age(seconds: a).text(l)) ago (allowed \(Message.age(seconds: allowed).text(l)))" + since
        case .checkLastNightFailed(let steps):
            let list = steps.map { ru ? "\($0.step) (код \($0.code))" : "\($0.step) (exit \($0.code))" }.joined(separator: ", ")
            return (ru ? "в последнюю ночь не прошли: " : "last night failed: ") + list
        case .checkParked(let n):
            return ru ? "отложено записей: \(n) (journal-gateway status)" : "\(n) item(s) parked (journal-gateway status)"
        case .checkConflictWaiting(let a):
            return ru ? "конфликт ждёт решения уже \(Message.age(seconds: a).text(l)) (journal-gateway conflicts)"
                : "a conflict has waited \(Message.age(seconds: a).text(l)) (journal-gateway conflicts)"
        case .checkOK(let a):
            return ru ? "OK: последняя ночь закончилась \(Message.age(seconds: a).text(l)) назад, все шаги прошли успешно"
                : "OK: last night finished \(Message.age(seconds: a).text(l)) ago, every step successful"
        case .stepOK: return ru ? "успешно" : "ok"
        case .stepExit(let c): return ru ? "код \(c)" : "exit \(c)"
        case .nightExit(let run, let c): return ru ? "ночь \(run): код \(c)" : "night \(run): exit \(c)"
        case .nightTotal(let c): return ru ? "ночь: код \(c)" : "night: exit \(c)"
        case .nightDryRun:
            return ru ? "(пробный запуск: ничего не перемещено, не записано в хранилище и не отправлено)"
                : "(dry run: nothing was moved, written to the store or sent)"
        case .finding(let status):
            guard ru else { return status }
            return ["ok": "ок", "warning": "внимание", "error": "ошибка"][status] ?? status
        }
    }
}
