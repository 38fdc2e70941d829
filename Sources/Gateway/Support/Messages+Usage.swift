/// The catalogue's messages of usage errors (exit 64): a flag missing or malformed, a
/// command unknown, a credential file unfit. Flags and commands stay as typed.
enum UsageText: Phrasebook {
    case missing, needsValue, unknownOption, wholeNumber, unknownCommand, commandUsage, usageLine
    case urlHTTP, takesDate, giveEither, takesOne, portRange, noConfig, logFormat, maxAge, conflictID, unknownConflicts
    case secretEmpty, secretUnreadable, secretOpen, secretNotUTF8, noSecret, sessionLine, sessionMissing, password, token, session
    case shippedTablesMissing

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
