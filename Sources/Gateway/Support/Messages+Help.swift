/// The catalogue's messages of `help`: the overview around the list of commands. Each
/// command's one-line summary is in ``CommandText``; the usage lines (flags) are not
/// translated: they are what is typed.
enum HelpText: Phrasebook {
    case intro, usage, store, config, overrides, commands, oneCommand, exitCodes

    var texts: (en: String, ru: String) {
        switch self {
        case .intro:
            ("journal-gateway: keeps a school's electronic class journal in step with regional and state portals.",
             "journal-gateway: синхронизирует электронный классный журнал школы с региональными и федеральными порталами.")
        case .usage:
            ("usage: journal-gateway [--store PATH] [--config FILE] [--mappings DIR] [--metrics-file PATH] [--log-format text|json] COMMAND [OPTIONS]",
             "использование: journal-gateway [--store ПУТЬ] [--config ФАЙЛ] [--mappings КАТАЛОГ] [--metrics-file ПУТЬ] [--log-format text|json] КОМАНДА [ПАРАМЕТРЫ]")
        case .store:
            ("The store is --store PATH, else $JOURNAL_GATEWAY_STORE, else the configuration's store, else ./journal.sqlite.",
             "Хранилище: --store ПУТЬ, иначе $JOURNAL_GATEWAY_STORE, иначе store из конфигурации, иначе ./journal.sqlite.")
        case .config:
            ("The configuration is --config FILE, else $JOURNAL_GATEWAY_CONFIG, else {path} when it exists;",
             "Конфигурация: --config ФАЙЛ, иначе $JOURNAL_GATEWAY_CONFIG, иначе {path}, если он есть;")
        case .overrides:
            ("flags on the command line override it (docs/operations.md).", "параметры командной строки имеют приоритет над ней (docs/operations.md).")
        case .commands: ("commands:", "команды:")
        case .oneCommand: ("`journal-gateway COMMAND --help` describes one command.", "`journal-gateway КОМАНДА --help` — описание одной команды.")
        case .exitCodes:
            ("""
             Exit codes: 0 ok, 64 usage or no store, 65 bad input data (nothing of it written; also a portal's bad answer,
             deletions or withdrawals held for a person), 69 counterpart unavailable, 73 the store cannot be written
             (permissions, read-only media, disk full), 75 temporary failure (run again later), 77 credentials or session
             refused (a person must act), 1 other.
             """,
             """
             Коды завершения: 0 — успешно; 64 — ошибка в командной строке или нет хранилища; 65 — ошибка во входных данных
             (из них ничего не записано; также неверный ответ портала, удаления или выбытия, задержанные до решения человека);
             69 — портал недоступен; 73 — не удаётся записать хранилище или файл (права, носитель только для чтения, диск заполнен);
             75 — временный сбой (повторите позже); 77 — портал не принял учётные данные или сеанс (нужен человек); 1 — прочее.
             """)
        }
    }
}
