/// The catalogue's messages of usage errors (exit 64): a flag missing or malformed, a
/// command unknown, a credential file unfit. Flags and commands stay as typed.
enum UsageText: Phrasebook {
    case missing, needsValue, unknownOption, wholeNumber, unknownCommand, commandUsage, usageLine
    case urlHTTP, takesDate, giveEither, takesOne, portRange, noConfig, logFormat, maxAge, conflictID, unknownConflicts
    case secretEmpty, secretUnreadable, secretOpen, secretNotUTF8, noSecret, sessionLine, sessionMissing, password, token, session
    case shippedTablesMissing
    case noGrade, noClassInJournal, noPeriod, noYear, yearWithoutPeriods, noStudyPeriod, allowDeletions
    case noClassInStore, classEmpty, noStudent, studentNoClass, signPass, signCertNeedsKey, verifyDirs, batchSize
    case urlHTTPNot, schoolIDEmpty, schoolIDUnknown, week, mode, historyOne, ambiguous, since, mappingsPortal
    case rulesSet, unknownSetting, settingValue, pace, xlsxNeedsOut, reportOne, unknownReport, reportScope, grade
    case periodOrYear, fromTo, fromAfterTo, datesOrPeriod, finalsNeedPeriod, by, byQuality, format

    var texts: (en: String, ru: String) {
        switch self {
        case .missing: ("missing {option}", "не указан {option}")
        case .needsValue: ("{option} needs a value", "после {option} нужно значение")
        case .unknownOption: ("unknown option {option}", "неизвестный параметр {option}")
        case .wholeNumber: ("{option} takes a whole number, not «{value}»", "{option} принимает целое число, а не «{value}»")
        case .unknownCommand: ("unknown command «{command}»; see `journal-gateway help`", "неизвестная команда «{command}»; список команд: `journal-gateway help`")
        case .commandUsage: ("{command}: {message}", "{command}: {message}")
        case .usageLine: ("usage: {usage}", "использование: {usage}")
        case .urlHTTP: ("--url must be an http(s) address", "--url должен быть адресом http(s)")
        case .takesDate: ("{option} takes YYYY-MM-DD, not «{value}»", "{option} принимает дату ГГГГ-ММ-ДД, а не «{value}»")
        case .giveEither: ("give either {first} or {second}", "укажите либо {first}, либо {second}")
        case .takesOne: ("{command} takes one {what}", "{command}: укажите ровно один {what}")
        case .portRange: ("--port is 0…65535", "--port — число от 0 до 65535")
        case .noConfig:
            ("no configuration: pass --config FILE before the command, or write {path}",
             "конфигурации нет: укажите --config ФАЙЛ перед командой или создайте {path}")
        case .logFormat: ("--log-format is text or json, not «{value}»", "--log-format принимает text или json, а не «{value}»")
        case .maxAge: ("--max-age takes a duration such as 90m, 26h or 2d, not «{value}»", "--max-age принимает длительность, например 90m, 26h или 2d, а не «{value}»")
        case .conflictID: ("give one conflict ID (a number; see `conflicts list`)", "укажите один номер конфликта (число; см. `conflicts list`)")
        case .unknownConflicts:
            ("unknown conflicts command «{command}»: use list, show ID or resolve ID",
             "неизвестная команда conflicts «{command}»: используйте list, show ID или resolve ID")
        case .secretEmpty: ("{name} file {path} is empty", "файл {path} ({name}) пуст")
        case .secretOpen: ("{name} file {path}: {reason}", "файл {path} ({name}): {reason}")
        case .secretUnreadable:
            ("{name} file {path} can be read by others (mode {mode}): run `chmod 600 {path}`",
             "файл {path} ({name}) доступен на чтение другим пользователям (права {mode}): выполните `chmod 600 {path}`")
        case .secretNotUTF8: ("{name} file {path} is not UTF-8 text", "файл {path} ({name}) — не текст в UTF-8")
        case .noSecret:
            ("no {name}: pass --{flag}-file FILE (mode 600) or set {env}; it is never taken from the command line",
             "не задан {name}: укажите --{flag}-file ФАЙЛ (права 600) или переменную окружения {env}; из командной строки он не принимается")
        case .sessionLine: ("{path}:{line}: expected name=value ({names})", "{path}:{line}: ожидается строка имя=значение ({names})")
        case .sessionMissing:
            ("session file {path} has no {name}=… line: save the {name} cookie of a browser session signed in through Госуслуги",
             "в файле сеанса {path} нет строки {name}=…: сохраните cookie {name} из сеанса браузера, вошедшего через Госуслуги")
        case .password: ("password", "пароль")
        case .token: ("token", "токен")
        case .session: ("session", "сеанс")
        case .shippedTablesMissing:
            ("the shipped code tables are not found beside this binary ({binary}): run install from a build of the package",
             "рядом с программой ({binary}) нет поставляемых таблиц кодов: запускайте install из сборки пакета")
        case .noGrade: ("no class of grade {grade} in the journal", "в журнале нет классов параллели {grade}")
        case .noClassInJournal: ("no class «{class}» in the journal (classes: {classes})", "в журнале нет класса «{class}» (классы: {classes})")
        case .noPeriod: ("no period «{period}» in the journal (periods: {periods})", "в журнале нет периода «{period}» (периоды: {periods})")
        case .noYear: ("no academic year in the journal", "в журнале нет учебного года")
        case .yearWithoutPeriods: ("the year {year} has no periods", "в учебном году {year} нет периодов")
        case .noStudyPeriod: ("no study period in the journal: pass --from and --to, or import the periods", "в журнале нет учебных периодов: укажите --from и --to или загрузите периоды")
        case .allowDeletions: ("--allow-deletions takes a whole number of records from 0", "--allow-deletions принимает целое число записей от 0")
        case .noClassInStore: ("no class «{class}» in the store", "в хранилище нет класса «{class}»")
        case .classEmpty: ("class {class} has no active students", "в классе {class} нет обучающихся")
        case .noStudent: ("no student «{student}» in the store", "в хранилище нет учащегося «{student}»")
        case .studentNoClass: ("student «{student}» is in no class in the week of {monday}", "учащийся «{student}» не состоит ни в одном классе на неделе с {monday}")
        case .signPass: ("{path}: cannot read --sign-pass-file", "{path}: не удаётся прочитать файл --sign-pass-file")
        case .signCertNeedsKey: ("--sign-cert needs --sign-key", "--sign-cert указывается вместе с --sign-key")
        case .verifyDirs: ("archive verify takes DIR and optionally DIR2", "archive verify: укажите КАТАЛОГ и, если нужно, КАТАЛОГ2")
        case .batchSize: ("--batch-size is 1…{max}", "--batch-size — число от 1 до {max}")
        case .urlHTTPNot: ("--url must be an http(s) address, not «{value}»", "--url должен быть адресом http(s), а не «{value}»")
        case .schoolIDEmpty: ("--school-id is empty", "--school-id пуст")
        case .schoolIDUnknown: ("the portal's school id is not known yet: pass --school-id ID once (it is remembered in the store)", "идентификатор школы на портале ещё неизвестен: один раз укажите --school-id ID (он запомнится в хранилище)")
        case .week: ("--week takes an ISO week such as 2026-W37, not «{value}»", "--week принимает неделю ISO, например 2026-W37, а не «{value}»")
        case .mode: ("--mode is snapshot or delta, not «{value}»", "--mode принимает snapshot или delta, а не «{value}»")
        case .historyOne: ("history takes one RECORD-ID (or a pupil's personal-file number)", "history: укажите один RECORD-ID (или номер личного дела учащегося)")
        case .ambiguous: ("«{reference}» names {n} records ({records}): give the id", "«{reference}» подходит к нескольким записям ({n}: {records}): укажите идентификатор")
        case .since: ("--since takes a time such as 2026-09-07T10:00 (school time) or 2026-09-07T06:00:00Z, not «{value}»", "--since принимает время, например 2026-09-07T10:00 (время школы) или 2026-09-07T06:00:00Z, а не «{value}»")
        case .mappingsPortal: ("mappings check takes one portal: asu-rso or epos", "mappings check: укажите один портал: asu-rso или epos")
        case .rulesSet: ("rules set takes KEY VALUE", "rules set: укажите КЛЮЧ и ЗНАЧЕНИЕ")
        case .unknownSetting: ("unknown setting «{key}»; settings: {keys}", "неизвестная настройка «{key}»; настройки: {keys}")
        case .settingValue: ("{key} takes {takes}, not «{value}»", "{key} принимает {takes}, а не «{value}»")
        case .pace: ("--requests-per-second takes a whole number from 1", "--requests-per-second принимает целое число от 1")
        case .xlsxNeedsOut: ("report: --format xlsx needs --out FILE (a workbook is not printed to a terminal)", "report: для --format xlsx нужен --out ФАЙЛ (книга Excel не выводится в терминал)")
        case .reportOne: ("report takes one NAME: {reports}", "report: укажите один отчёт: {reports}")
        case .unknownReport: ("unknown report «{name}»; reports: {reports}", "неизвестный отчёт «{name}»; отчёты: {reports}")
        case .reportScope: ("report: give one of --class, --grade, --all", "report: укажите одно из --class, --grade, --all")
        case .grade: ("--grade takes 1 to 11, not {value}", "--grade принимает число от 1 до 11, а не {value}")
        case .periodOrYear: ("report: give --period or --year, not both", "report: укажите --period или --year, но не оба")
        case .fromTo: ("report: --from and --to go together", "report: --from и --to указываются вместе")
        case .fromAfterTo: ("report: --from {from} is after --to {to}", "report: --from {from} позже, чем --to {to}")
        case .datesOrPeriod: ("report: give --from/--to or --period/--year, not both", "report: укажите --from/--to или --period/--year, но не то и другое")
        case .finalsNeedPeriod: ("report {name}: final marks belong to a period: use --period NAME or --year, not --from/--to", "report {name}: итоговые отметки относятся к периоду: укажите --period НАЗВАНИЕ или --year, а не --from/--to")
        case .by: ("--by takes pupils or marks, not «{value}»", "--by принимает pupils или marks, а не «{value}»")
        case .byQuality: ("--by is for report quality", "--by используется только с report quality")
        case .format: ("--format takes xlsx, html, csv or json, not «{value}»", "--format принимает xlsx, html, csv или json, а не «{value}»")
        }
    }

    /// The word for a credential (`password`, `token`, `session`) in language `l`.
    static func secretName(_ what: String, _ l: Language) -> String {
        switch what {
        case "password": return password.text(l)
        case "token": return token.text(l)
        case "session": return session.text(l)
        default: return what
        }
    }
}
