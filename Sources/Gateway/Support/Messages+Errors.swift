import Adapters
import Formats
import JournalStore
import SyncModel

/// The catalogue's messages of failures: what `CLI.outcome` prints on standard error, each
/// with its advice (what to do). Errors from the lower modules keep their own English words
/// as the English text (`{message}`); the Russian text says the same with the context the
/// error carries, and quotes the module's words where they hold a detail (an SQLite reason).
enum ErrorText: Phrasebook {
    case line, note, warning, detail
    // The store (StoreFailure: what SQLite said while working).
    case storeBusy, storeCannotWrite, storeNotADatabase, storeConstraint, storeCannotRead, storeOther
    // The store (StoreError: what opening or locking it found).
    case storeLocked, storeNotInitialized, storeAlreadyInitialized, storeMissingDirectory, storeOlderSchema, storeNewerSchema
    case storeInvalid, storeNotAStore, storeOpenCannotWrite, storeOpenCannotRead, storeWAL, storeNotFound
    // The diary portal.
    case diaryUnavailable, diaryRetryLater, diaryBadData, diaryCredentials, diaryOutputDirectory, diaryCannotWrite
    // A portal stopping a command as it would stop a sync.
    case portalUnavailable, portalRetryLater, portalBadData, portalCredentials
    // Files.
    case config, configWhole, unreadableFile, outputDirectory, outputWrite, outputRename, alreadyArchived, reason
    case fontNotFound, fontBad, generation, emulator, emulatorDemo, demoStep, demoExpectation, unexpected

    var texts: (en: String, ru: String) {
        switch self {
        case .line: ("error: {message}", "ошибка: {message}")
        case .note: ("note: {message}", "примечание: {message}")
        case .warning: ("warning: {message}", "предупреждение: {message}")
        case .detail: ("{message}", "{message}")
        case .storeBusy: ("the store {path} is busy ({reason}); run again later", "хранилище {path} занято ({reason}); запустите команду позже")
        case .storeCannotWrite:
            ("cannot write the store {path} ({reason}): check that the file and its directory are writable by this user, that the file system is not mounted read-only and that the disk is not full; nothing was committed",
             "не удаётся записать хранилище {path} ({reason}): проверьте, что файл и его каталог доступны этому пользователю на запись, файловая система не смонтирована только для чтения и диск не заполнен; ничего не записано")
        case .storeNotADatabase:
            ("{path} is not a Journal Gateway store (not an SQLite database): check --store or $JOURNAL_GATEWAY_STORE",
             "{path} — не хранилище Journal Gateway (это не база SQLite): проверьте --store или $JOURNAL_GATEWAY_STORE")
        case .storeConstraint: ("the journal refuses the change: {reason}; nothing was committed", "журнал не принимает изменение: {reason}; ничего не записано")
        case .storeCannotRead: ("cannot read the store {path} ({reason}): check the disk", "не удаётся прочитать хранилище {path} ({reason}): проверьте диск")
        case .storeOther: ("the store {path} failed: {reason}", "сбой хранилища {path}: {reason}")
        case .storeLocked: ("{message}", "хранилище {path} сейчас занято другим запуском; повторите, когда он закончится ({message})")
        case .storeNotInitialized:
            ("{message}", "хранилище {path} не создано: сначала выполните `journal-gateway init --school НАЗВАНИЕ --timezone ЗОНА` или укажите нужное --store ПУТЬ")
        case .storeAlreadyInitialized: ("{message}", "в {path} уже есть журнал школы; новое хранилище не создано")
        case .storeMissingDirectory: ("{message}", "не удаётся создать хранилище {path}: его каталога нет (создайте каталог или укажите другой --store)")
        case .storeOlderSchema:
            ("{message}", "хранилище {path} в старой версии схемы, а команды чтения ничего не записывают: один раз выполните записывающую команду (journal import, import contingent, sync), и схема обновится")
        case .storeNewerSchema: ("{message}", "хранилище {path} создано более новой версией journal-gateway: обновите программу ({message})")
        case .storeInvalid: ("{message}", "недопустимое значение: {message}")
        case .storeNotAStore:
            ("{message}", "{path} — не хранилище Journal Gateway: проверьте --store или $JOURNAL_GATEWAY_STORE")
        case .storeOpenCannotWrite:
            ("{message}", "не удаётся открыть хранилище {path} на запись: проверьте права этого пользователя на файл и каталог и что файловая система не смонтирована только для чтения ({message})")
        case .storeOpenCannotRead: ("{message}", "не удаётся прочитать хранилище {path}: проверьте права этого пользователя на файл и каталог ({message})")
        case .storeWAL: ("{message}", "SQLite не может перевести хранилище {path} в режим WAL: не лежит ли файл на сетевом диске? ({message})")
        case .storeNotFound: ("{message}", "в хранилище не найдено: {message}")
        case .diaryUnavailable: ("{message}", "портал электронного дневника недоступен; изменения остались в очереди и уйдут при следующем запуске ({message})")
        case .diaryRetryLater: ("{message}", "портал электронного дневника просит повторить позже; изменения остались в очереди ({message})")
        case .diaryBadData: ("{message}", "портал электронного дневника прислал или отклонил данные, нарушающие формат обмена ({message})")
        case .diaryCredentials: ("{message}", "портал электронного дневника не принял токен школы: запишите действующий токен в файл токена ({message})")
        case .diaryOutputDirectory: ("{message}", "каталог для выгрузки дневника недоступен ({message})")
        case .diaryCannotWrite: ("{message}", "не удаётся записать выгрузку дневника ({message})")
        case .portalUnavailable: ("{portal}: {detail}", "портал {portal} недоступен: {detail}; проверьте адрес (url) и сеть, затем повторите")
        case .portalRetryLater: ("{portal}: {detail}", "портал {portal} просит повторить позже: {detail}")
        case .portalBadData: ("{portal}: {detail}", "портал {portal} прислал ответ, нарушающий его формат обмена: {detail}; ничего из него не принято")
        case .portalCredentials:
            ("{portal}: {detail}", "портал {portal} не принял учётные данные: {detail}; проверьте логин и файл пароля или сохраните сеанс заново (session-file)")
        case .config: ("{file}:{line}: {message}", "ошибка в конфигурации {file}, строка {line}: {message}")
        case .configWhole: ("{file}: {message}", "ошибка в конфигурации {file}: {message}")
        case .unreadableFile: ("{path}: cannot open for reading", "{path}: не удаётся открыть файл для чтения")
        case .outputDirectory: ("cannot create the directory {path}{reason}", "не удаётся создать каталог {path}{reason}")
        case .outputWrite:
            ("cannot write {path}{reason}; check that its directory exists, is writable by this user and the disk is not full; nothing was written",
             "не удаётся записать {path}{reason}; проверьте, что каталог существует и доступен этому пользователю на запись, а диск не заполнен; ничего не записано")
        case .outputRename: ("cannot move {path} to {to}{reason}; nothing was replaced", "не удаётся переименовать {path} в {to}{reason}; ничего не заменено")
        case .alreadyArchived:
            ("{path} is already archived (manifest.json exists); an archive is never overwritten",
             "{path} уже в архиве (есть manifest.json); архив никогда не перезаписывается")
        case .reason: (": {reason}", ": {reason}")
        case .fontNotFound: ("{message}", "шрифт не найден: {message}; укажите файл TrueType через --font")
        case .fontBad: ("{message}", "не удаётся подготовить PDF: {message}")
        case .generation: ("{message}", "генератор школы: {message}")
        case .emulator: ("cannot start the {portal} emulator: {reason}", "эмулятор портала {portal} не запустился: {reason}")
        case .emulatorDemo: ("demo: cannot start the {portal} emulator: {reason}", "демонстрация: эмулятор портала {portal} не запустился: {reason}")
        case .demoStep: ("demo step failed: {step} (exit {code})", "шаг демонстрации не удался: {step} (код {code})")
        case .demoExpectation: ("demo: {step}", "демонстрация: не выполнено ожидание «{step}»")
        case .unexpected: ("{message}", "внутренняя ошибка: {message}")
        }
    }

    static func output(_ e: OutputError, _ l: Language) -> String {
        let reason = e.reason.map { ErrorText.reason.text(l, ["reason": $0]) } ?? ""
        switch e.action {
        case .createDirectory: return outputDirectory.text(l, ["path": e.path, "reason": reason])
        case .write: return outputWrite.text(l, ["path": e.path, "reason": reason])
        case .rename(let to): return outputRename.text(l, ["path": e.path, "to": to, "reason": reason])
        case .alreadyArchived: return alreadyArchived.text(l, ["path": e.path])
        }
    }

    static func emulator(_ e: EmulatorStartFailure, _ l: Language) -> String {
        (e.forDemo ? emulatorDemo : emulator).text(l, ["portal": e.portal, "reason": e.reason])
    }

    static func demo(_ e: DemoFailure, _ l: Language) -> String {
        guard let code = e.stepExit else { return demoExpectation.text(l, ["step": e.step]) }
        return demoStep.text(l, ["step": e.step, "code": "\(code)"])
    }
}
