/// The catalogue's messages of `import contingent`: the summary on standard output, the
/// warnings and the withdrawal brake's explanation on standard error. Personal-file numbers
/// only, never a name beside a СНИЛС.
enum ContingentText: Phrasebook {
    case imported, wouldImport, arrived, withdrawn, transferred, renamed, withdrawalsHeld, conflictsWait, conflictsWouldWait, warning
    case held, heldImported, heldFiles, heldMore, heldAdvice

    var texts: (en: String, ru: String) {
        switch self {
        case .imported:
            ("Imported {file} ({mode}, list date {date}): {created} created, {updated} updated, {unchanged} unchanged.",
             "Список {file} загружен ({mode}, дата списка {date}): создано {created}, обновлено {updated}, без изменений {unchanged}.")
        case .wouldImport:
            ("Would import {file} ({mode}, list date {date}): {created} created, {updated} updated, {unchanged} unchanged.",
             "Пробный прогон, ничего не записано: список {file} ({mode}, дата списка {date}) создал бы {created}, обновил бы {updated}, без изменений {unchanged}.")
        case .arrived: ("Arrived (зачисление): {files}", "Зачисление: {files}")
        case .withdrawn: ("Withdrawn (выбытие): {files}", "Выбытие: {files}")
        case .transferred: ("Transferred (перевод): {file} {from} → {to}", "Перевод: {file} {from} → {to}")
        case .renamed: ("Personal data changed: {file} {from} → {to}", "Изменены личные данные: {file} {from} → {to}")
        case .withdrawalsHeld: ("Withdrawals held (not recorded): {files}", "Выбытия задержаны (не записаны): {files}")
        case .conflictsWait:
            ("{n} field(s) the list and the journal changed differently wait in the queue: journal-gateway conflicts list",
             "Полей, изменённых в списке и в журнале по-разному: {n}; они ждут решения в очереди: journal-gateway conflicts list")
        case .conflictsWouldWait:
            ("{n} field(s) the list and the journal changed differently would wait in the queue: journal-gateway conflicts list",
             "Полей, изменённых в списке и в журнале по-разному: {n}; они ждали бы решения в очереди: journal-gateway conflicts list")
        case .warning: ("warning: {place}", "предупреждение: {place}")
        case .held:
            ("{file}: the list would withdraw {n} of {active} active pupils ({percent}%), more than the {limit}% one list may withdraw unconfirmed: a truncated or partial export looks like this. These withdrawals were held, nothing was withdrawn",
             "{file}: список отчислил бы {n} из {active} обучающихся ({percent}%), больше {limit}%, которые один список может отчислить без подтверждения: так выглядит обрезанная или неполная выгрузка. Эти выбытия задержаны, никто не отчислен")
        case .heldImported: ("; everything else in the list was imported", "; всё остальное из списка загружено")
        case .heldFiles: (". Personal files: {files}", ". Личные дела: {files}")
        case .heldMore: (" and {n} more (the summary lists them all). ", " и ещё {n} (все перечислены в сводке). ")
        case .heldAdvice:
            ("If these pupils really left, run the import again with --confirm-withdrawals.",
             "Если эти обучающиеся действительно выбыли, загрузите список ещё раз с --confirm-withdrawals.")
        }
    }
}
