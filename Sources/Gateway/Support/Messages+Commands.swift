/// The catalogue's one-line summaries of the commands (`help`, `COMMAND --help`). A command
/// added without an entry here shows its English summary (`Command.summary` is ``Says``).
enum CommandText: Phrasebook {
    case dryRunSync, archiveBuild, archiveVerify, archiveRetention, conflicts, conflictsShow, conflictsResolve, quarantine,
        importContingent, feedDiary, emulatorDiary, extractWeekly, emulatorAsuRso, emulatorEpos, generateSchool,
        journalImport, journalExport, mappingsCheck, night, check, configCheck, install, report, rulesShow, rulesSet,
        initStore, status, mergeDuplicates, history, syncAsuRso, syncEpos, demo

    var texts: (en: String, ru: String) {
        switch self {
        case .dryRunSync: ("(dry run: nothing was written to the store or sent)", "(пробный запуск: в хранилище ничего не записано и ничего не отправлено)")
        case .archiveBuild:
            ("archive a closed period (or year): per class the journal as PDF/A, detached CMS signatures, a chained manifest",
             "архив закрытого периода (или года): по каждому классу журнал в PDF/A, откреплённые подписи CMS, цепочка манифестов")
        case .archiveVerify:
            ("check an archive: signatures, hashes, the manifest chain, the two copies, the figures against the store",
             "проверка архива: подписи, хэши, цепочка манифестов, две копии, цифры в сравнении с хранилищем")
        case .archiveRetention:
            ("list the archived files whose keeping time has run out (journals 5 years, summary sheets 25); never deletes",
             "архивные файлы с истёкшим сроком хранения (журналы — 5 лет, сводные ведомости — 25); ничего не удаляет")
        case .conflicts:
            ("the conflict queue: what both sides changed differently (list, show ID, resolve ID)",
             "очередь конфликтов: что обе стороны изменили по-разному (list, show ID, resolve ID)")
        case .conflictsShow:
            ("one conflict: base, local and remote values, the policy that queued it",
             "один конфликт: согласованное, наше и портальное значения, правило, по которому он поставлен в очередь")
        case .conflictsResolve:
            ("resolve a conflict: keep the local or the remote value, or set another; the next run pushes it",
             "решение конфликта: оставить наше или портальное значение либо задать другое; следующий запуск отправит его")
        case .quarantine:
            ("R10: undo every change an account made since a time (a reported credential breach)",
             "R10: отмена всех изменений учётной записи начиная с заданного времени (при утечке учётных данных)")
        case .importContingent:
            ("import a secretary's class list (CSV in any encoding, or .xlsx): students, classes, guardians, movements",
             "приём списка контингента от секретаря (CSV в любой кодировке или .xlsx): учащиеся, классы, законные представители, движение")
        case .feedDiary:
            ("deliver the parents' diary feed (marks, absences, homework, final marks, forecasts) to the portal, or list rejected events",
             "отправка в электронный дневник для родителей (отметки, пропуски, домашние задания, итоговые и прогнозные отметки) или список отклонённых событий")
        case .emulatorDiary:
            ("serve the parents' diary portal protocol on 127.0.0.1 (rehearsals, tests), with faults on demand",
             "эмулятор портала электронного дневника на 127.0.0.1 (репетиции, тесты), сбои по заказу")
        case .extractWeekly:
            ("R12: the printable weekly extract (A4, Russian) for one student or every student of a class",
             "R12: недельная выписка для печати (A4, на русском) для одного учащегося или для всех учащихся класса")
        case .emulatorAsuRso:
            ("serve the АСУ РСО exchange protocol on 127.0.0.1 (rehearsals, tests), with faults on demand",
             "эмулятор протокола обмена АСУ РСО на 127.0.0.1 (репетиции, тесты), сбои по заказу")
        case .emulatorEpos:
            ("serve the ЭПОС.Школа exchange protocol on 127.0.0.1 (rehearsals, tests), with faults on demand",
             "эмулятор протокола обмена ЭПОС.Школа на 127.0.0.1 (репетиции, тесты), сбои по заказу")
        case .generateSchool:
            ("write a deterministic synthetic school (contingent list, a year of journal, АСУ РСО and ЭПОС emulator seeds) for benchmarks",
             "синтетическая школа для замеров, всегда одинаковая при одном seed (список контингента, год журнала, данные для эмуляторов АСУ РСО и ЭПОС)")
        case .journalImport:
            ("import a native journal file (JSON Lines): all of it, or nothing",
             "приём файла журнала в собственном формате (JSON Lines): целиком или ничего")
        case .journalExport:
            ("write the journal as JSON Lines (all, or changed since a change-log seq)",
             "выгрузка журнала в JSON Lines (весь или изменения после номера в журнале изменений)")
        case .mappingsCheck:
            ("read a portal's reference data and show what a sync would adopt and which code-table lines are missing (changes nothing)",
             "чтение справочников портала: что примет синхронизация и каких строк не хватает в таблицах кодов (ничего не меняет)")
        case .night:
            ("the whole night under one run lock: inbox import, sync each platform, diary feed, weekly extracts, archive (school.conf)",
             "вся ночная работа под одной блокировкой: приём списков из входящего каталога, синхронизация с каждой платформой, электронный дневник, недельные выписки, архив (school.conf)")
        case .check:
            ("one line for Nagios/Zabbix: OK (0), WARNING (1) or CRITICAL (2) about the last nights",
             "одна строка для Nagios/Zabbix: OK (0), WARNING (1) или CRITICAL (2) о последних ночах")
        case .configCheck:
            ("check school.conf: its keys, the store and folders, credential files' modes, each portal's sign-in (writes nothing)",
             "проверка school.conf: ключи, хранилище и каталоги, права файлов с учётными данными, вход на каждый портал (ничего не записывает)")
        case .install:
            ("install this binary, the code tables, the systemd units and school.conf.example under a prefix",
             "установка программы, таблиц кодов, юнитов systemd и school.conf.example под префиксом")
        case .report:
            ("print a report: summary-marks, summary-attendance, movement, class-sizes, quality, journal-control",
             "отчёт: summary-marks, summary-attendance, movement, class-sizes, quality, journal-control")
        case .rulesShow:
            ("show the school's rule settings (R3, minimum current marks, deadlines)",
             "настройки правил школы (R3, минимум текущих отметок, сроки)")
        case .rulesSet:
            ("set one rule setting: rules.r3 on|off, rules.min_current_marks N, rules.topic_deadline HH:MM, rules.reason_deadline HH:MM",
             "изменение одной настройки: rules.r3 on|off, rules.min_current_marks N, rules.topic_deadline ЧЧ:ММ, rules.reason_deadline ЧЧ:ММ")
        case .initStore:
            ("create a new store for a school",
             "создание нового хранилища для школы")
        case .status:
            ("counts, open conflicts, pending outbox, last runs and movements",
             "количество записей, открытые конфликты, очередь отправки, последние запуски и движение учащихся")
        case .mergeDuplicates:
            ("merge guardians and teachers the store holds twice under two ids",
             "объединение законных представителей и учителей, которые хранятся дважды под двумя идентификаторами")
        case .history:
            ("the change log of one record",
             "журнал изменений одной записи")
        case .syncAsuRso:
            ("nightly sync with АСУ РСО: pull, three-way merge, push, queue conflicts",
             "ночная синхронизация с АСУ РСО: получение изменений, трёхстороннее слияние, отправка, очередь конфликтов")
        case .syncEpos:
            ("nightly sync with ЭПОС.Школа: pull, three-way merge, push, queue conflicts",
             "ночная синхронизация с ЭПОС.Школа: получение изменений, трёхстороннее слияние, отправка, очередь конфликтов")
        case .demo:
            ("run the main job end to end on a temporary store with the bundled samples",
             "прогон основной работы от начала до конца на временном хранилище с прилагаемыми примерами")
        }
    }
}
