/// The catalogue's messages of `config check`'s findings (the text form; `--json` keeps the
/// English words, as every `--json` output does whatever the locale).
enum ConfigText: Phrasebook {
    case read, store, timezoneMismatch, storeFolder, noStore, notFolder, notWritable, metricsFolder
    case secretReadable, secretOwner, secretOK, mappingsGiven, mappingsShipped, overrides, noTables, tablesRead
    case sessionRead, signedIn, diaryFiles, answers

    var texts: (en: String, ru: String) {
        switch self {
        case .read: ("{path} read", "{path} прочитан")
        case .store: ("{path}: {school} ({zone})", "хранилище {path}: {school} ({zone})")
        case .timezoneMismatch:
            ("the configuration says {config} but the store {path} keeps {store}", "в конфигурации часовой пояс {config}, а в хранилище {path} — {store}")
        case .storeFolder:
            ("the store's folder is not writable by this user: the night needs it for the run lock and the store's journal",
             "каталог хранилища недоступен этому пользователю на запись: он нужен ночному запуску для блокировки и журнала хранилища")
        case .noStore:
            ("{path} does not exist: run `journal-gateway --config {config} init --school NAME --timezone {zone}`",
             "{path} не существует: выполните `journal-gateway --config {config} init --school НАЗВАНИЕ --timezone {zone}`")
        case .notFolder:
            ("{dir} is not a folder yet (the night creates extracts and archive folders; create the inbox for the secretary)",
             "{dir} — ещё не каталог (каталоги выписок и архива ночной запуск создаст сам, входящий каталог для секретаря создайте)")
        case .notWritable: ("{dir} is not writable by this user", "{dir} недоступен этому пользователю на запись")
        case .metricsFolder:
            ("the folder {dir} is not writable by this user: the metrics cannot be written", "каталог {dir} недоступен этому пользователю на запись: метрики не будут записаны")
        case .secretReadable:
            ("{path} can be read by others (mode {mode}): run `chmod 600 {path}`", "{path} доступен на чтение другим пользователям (права {mode}): выполните `chmod 600 {path}`")
        case .secretOwner:
            ("{path} belongs to uid {uid}, not to this user (uid {me}): the service's user must own it",
             "владелец {path} — uid {uid}, а не этот пользователь (uid {me}): файлом должен владеть пользователь службы")
        case .secretOK: ("{path} (mode {mode})", "{path} (права {mode})")
        case .mappingsGiven:
            ("{path} (given with --mappings, $JOURNAL_GATEWAY_MAPPINGS or the configuration's mappings; used as it is)",
             "{path} (задан через --mappings, $JOURNAL_GATEWAY_MAPPINGS или mappings в конфигурации; используется как есть)")
        case .mappingsShipped: ("shipped tables {path}", "поставляемые таблицы {path}")
        case .overrides: ("the school's lines in {path} ({tables}) laid over them", "поверх них — строки школы из {path} ({tables})")
        case .noTables:
            ("no code tables at {path}: install them (journal-gateway install) or pass --mappings DIR",
             "в {path} нет таблиц кодов: установите их (journal-gateway install) или укажите --mappings КАТАЛОГ")
        case .tablesRead: ("read", "прочитаны")
        case .sessionRead:
            ("{url} answers; the saved browser session is read (its validity shows at the first sync)",
             "{url} отвечает; сохранённый сеанс браузера прочитан (действителен ли он, покажет первая синхронизация)")
        case .signedIn: ("signed in at {url} as «{login}»", "вход на {url} под «{login}» выполнен")
        case .diaryFiles: ("files to {dir}", "файлы в {dir}")
        case .answers: ("{url} answers", "{url} отвечает")
        }
    }
}
