/// The catalogue's messages of a sync's summary for people (`sync asu-rso`, `sync epos`
/// without `--json`). The items' own words (a failure's reason, a code-table line to add) come
/// from the engine and the adapters in English and are quoted as they are.
enum SyncText: Phrasebook {
    case header, resumed, stopped, failed, refused, held, unmapped, adopted, deferred, openConflicts, unexplained
    case columnEntity, columnExpected, columnApplied, columnPushed, columnConflicts, columnFailed, columnUnchanged

    var texts: (en: String, ru: String) {
        switch self {
        case .header: ("Sync with {counterpart}, run {run}: {status}", "Синхронизация с {counterpart}, запуск {run}: {status}")
        case .resumed:
            ("Continued after interrupted run(s): {runs}; resent {n} operation(s)",
             "Продолжены прерванные запуски: {runs}; операций отправлено повторно: {n}")
        case .stopped: ("Stopped: {reason}", "Остановлено: {reason}")
        case .failed: ("failed: {message}", "ошибка: {message}")
        case .refused: ("refused: {message}", "журнал не принял: {message}")
        case .held: ("held: {message}", "задержано: {message}")
        case .unmapped: ("unmapped: {line}", "нет строки в таблице кодов: {line}")
        case .adopted: ("adopted: {line}", "принят код портала: {line}")
        case .deferred:
            ("deferred: {n} item(s) wait for their date (R2: lessons are not recorded in advance); kept, and applied on the first run on or after it",
             "отложено до своей даты: {n} (R2: уроки заранее не записываются); сохранены и будут применены первым запуском в этот день или позже")
        case .openConflicts:
            ("{n} conflict(s) wait in the queue: journal-gateway conflicts list",
             "Конфликтов ждут решения: {n} (список: journal-gateway conflicts list)")
        case .unexplained: ("UNEXPLAINED {n}", "НЕ СХОДИТСЯ {n}")
        case .columnEntity: ("entity", "записи")
        case .columnExpected: ("expected", "ожидалось")
        case .columnApplied: ("applied", "применено")
        case .columnPushed: ("pushed", "отправлено")
        case .columnConflicts: ("conflicts", "конфликтов")
        case .columnFailed: ("failed", "ошибок")
        case .columnUnchanged: ("unchanged", "без изменений")
        }
    }
}
