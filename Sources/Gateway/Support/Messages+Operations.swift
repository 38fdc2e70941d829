/// The catalogue's messages of `check` (Nagios / Zabbix line) and of the night's report.
enum CheckText: Phrasebook {
    case unreadableStore, neverClean, neverCleanLast, tooOld, failedSince, lastNightFailed, failedStep, parked, conflictWaiting, ok, warning

    var texts: (en: String, ru: String) {
        switch self {
        case .unreadableStore: ("CRITICAL: cannot read the store {path}: {error}", "CRITICAL: не удаётся прочитать хранилище {path}: {error}")
        case .neverClean: ("CRITICAL: no night with every step successful yet", "CRITICAL: ещё не было ночи, в которой все шаги прошли успешно")
        case .neverCleanLast: (" (last night exit {code}: {failed})", " (последняя ночь: код {code}: {failed})")
        case .tooOld:
            ("CRITICAL: the last night with every step successful finished {age} ago (allowed {allowed})",
             "CRITICAL: последняя ночь, в которой все шаги прошли успешно, закончилась {age} назад (допустимо {allowed})")
        case .failedSince: ("; failed since: {steps}", "; с тех пор не проходят: {steps}")
        case .lastNightFailed: ("last night failed: {steps}", "в последнюю ночь не прошли: {steps}")
        case .failedStep: ("{step} (exit {code})", "{step} (код {code})")
        case .parked: ("{n} item(s) parked (journal-gateway status)", "отложено записей: {n} (journal-gateway status)")
        case .conflictWaiting: ("a conflict has waited {age} (journal-gateway conflicts)", "конфликт ждёт решения уже {age} (journal-gateway conflicts)")
        case .ok: ("OK: last night finished {age} ago, every step successful", "OK: последняя ночь закончилась {age} назад, все шаги прошли успешно")
        case .warning: ("WARNING: {warnings}", "WARNING: {warnings}")
        }
    }
}

enum NightText: Phrasebook {
    case ageDays, ageHours, ageMinutes, stepOK, stepExit, stepLine, nightExit, nightTotal, dryRun
    case findingOK, findingWarning, findingError, needsConfig, tookOverLock, stepStarted, stepFinished

    var texts: (en: String, ru: String) {
        switch self {
        case .ageDays: ("{n}d", "{n} дн.")
        case .ageHours: ("{n}h", "{n} ч")
        case .ageMinutes: ("{n}m", "{n} мин")
        case .stepOK: ("ok", "успешно")
        case .stepExit: ("exit {code}", "код {code}")
        case .stepLine: ("{step}: {state}{error}", "{step}: {state}{error}")
        case .nightExit: ("night {run}: exit {code}", "ночь {run}: код {code}")
        case .nightTotal: ("night: exit {code}", "ночь: код {code}")
        case .dryRun: ("(dry run: nothing was moved, written to the store or sent)", "(пробный запуск: ничего не перемещено, не записано в хранилище и не отправлено)")
        case .findingOK: ("ok", "ок")
        case .findingWarning: ("warning", "внимание")
        case .findingError: ("error", "ошибка")
        case .needsConfig:
            ("{command} needs a configuration: pass --config FILE before the command, or write {path}",
             "для команды {command} нужна конфигурация: укажите --config ФАЙЛ перед командой или создайте {path}")
        case .tookOverLock:
            ("took over the run lock left by {holder}, which is no longer running",
             "блокировка запуска, оставленная {holder}, перехвачена: этот процесс уже не работает")
        case .stepStarted: ("started", "начат")
        case .stepFinished: ("finished: exit {code}", "завершён: код {code}")
        }
    }

    /// A config check finding's status word (`ok`, `warning`, `error`).
    static func finding(_ status: String, _ l: Language) -> String {
        switch status {
        case "ok": return findingOK.text(l)
        case "warning": return findingWarning.text(l)
        case "error": return findingError.text(l)
        default: return status
        }
    }
}
