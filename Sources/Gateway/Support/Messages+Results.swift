/// The catalogue's messages of commands' results on standard output (the text form; `--json`
/// is the same under every locale).
enum ResultText: Phrasebook {
    case created, noHistory, imported, wouldImport, archived, unsigned, signed, verified, diaryDryRun, noRejected, rejectedCount
    case extractWrote, installDryRun, installed, ruleWouldSet, ruleSet

    var texts: (en: String, ru: String) {
        switch self {
        case .created: ("Created {path} for «{school}» ({zone}).", "Создано хранилище {path} для «{school}» ({zone}).")
        case .noHistory: ("No changes recorded for «{reference}».", "Изменений «{reference}» не записано.")
        case .imported:
            ("Imported {n} records from {file}: {created} created, {updated} updated, {unchanged} unchanged, {deleted} deleted.",
             "Загружено из {file} записей: {n}; создано {created}, изменено {updated}, без изменений {unchanged}, удалено {deleted}.")
        case .wouldImport:
            ("Would import {n} records from {file}: {created} created, {updated} updated, {unchanged} unchanged, {deleted} deleted.",
             "Пробная загрузка из {file}, записей: {n}; было бы создано {created}, изменено {updated}, без изменений {unchanged}, удалено {deleted}.")
        case .archived:
            ("archived {period} {year}: {journals} class journals and {sheets} summary sheets, {bytes} bytes, in {directory}",
             "в архиве {period} {year}: классных журналов — {journals}, сводных ведомостей — {sheets}, {bytes} байт, в {directory}")
        case .unsigned: (" (unsigned: no --sign-key)", " (без подписи: не указан --sign-key)")
        case .signed: (", signed", ", подписано")
        case .verified: ("ok: {manifests} manifests, {files} files verified", "ок: проверено манифестов — {manifests}, файлов — {files}")
        case .diaryDryRun: ("(dry run: nothing was written to the store or sent)", "(пробный запуск: в хранилище ничего не записано и ничего не отправлено)")
        case .noRejected: ("No rejected diary events.", "Отклонённых событий дневника нет.")
        case .rejectedCount:
            ("{n} rejected event(s); each is sent again when the student's or a guardian's data changes.",
             "Отклонённых событий: {n}; каждое будет отправлено снова, когда изменятся данные учащегося или законного представителя.")
        case .extractWrote:
            ("Wrote {path}: {pages} page(s), week {week} ({from}–{to}).", "Записан {path}: страниц — {pages}, неделя {week} ({from}–{to}).")
        case .installDryRun: ("(dry run: nothing was written)", "(пробный запуск: ничего не записано)")
        case .installed:
            ("""
             Installed. Next: create the service's user (useradd --system --home-dir /var/lib/journal-gateway journal-gateway),
             copy {share}/school.conf.example to {config} and fill it in, then
             `{bin} --config {config} config check`, and
             `systemctl daemon-reload && systemctl enable --now journal-gateway-night.timer`.
             """,
             """
             Установлено. Дальше: создайте пользователя службы (useradd --system --home-dir /var/lib/journal-gateway journal-gateway),
             скопируйте {share}/school.conf.example в {config} и заполните его, затем выполните
             `{bin} --config {config} config check` и
             `systemctl daemon-reload && systemctl enable --now journal-gateway-night.timer`.
             """)
        case .ruleWouldSet: ("Would set {key} = {value}.", "Было бы установлено {key} = {value}.")
        case .ruleSet: ("Set {key} = {value}.", "Установлено {key} = {value}.")
        }
    }
}

/// The catalogue's messages of `feed diary`'s summary (the text form).
enum DiaryText: Phrasebook {
    case planned, wouldPlan, firstDelivery, notSent, grade1, afterWithdrawal, noGuardian, earlierYears, unrendered, unrenderedCode
    case retried, delivered, unanswered, cursor, rejectedHint, speed

    var texts: (en: String, ru: String) {
        switch self {
        case .planned: ("Planned {n} event(s){first}{types}", "Подготовлено событий: {n}{first}{types}")
        case .wouldPlan: ("Would plan {n} event(s){first}{types}", "Было бы подготовлено событий: {n}{first}{types}")
        case .firstDelivery: (" (first delivery: the year so far)", " (первая отправка: весь учебный год до сегодняшнего дня)")
        case .notSent: ("Not sent: {items}.", "Не отправлено: {items}.")
        case .grade1: ("{n} grade-1 mark/homework (R1)", "отметки и домашние задания 1 класса — {n} (R1)")
        case .afterWithdrawal: ("{n} after a withdrawal", "после выбытия — {n}")
        case .noGuardian: ("{n} about students with no guardian on record", "об учащихся без законных представителей в хранилище — {n}")
        case .earlierYears: ("{n} from earlier years", "за прошлые учебные годы — {n}")
        case .unrendered:
            ("Sent with a code that has no words for parents (shown as it is, check the journal's codes): {codes}.",
             "Отправлено с кодом, для которого нет текста для родителей (показан как есть; проверьте коды журнала): {codes}.")
        case .unrenderedCode: ("{code} in {n} event(s)", "{code} — событий: {n}")
        case .retried: ("Rejected events retried because their data changed: {retried}; dropped: {dropped}.",
                        "Отклонённые события, отправленные снова, потому что изменились их данные: {retried}; снятые: {dropped}.")
        case .delivered:
            ("Delivered to {target} in {batches} batch(es): {accepted} accepted, {duplicates} duplicate(s), {rejected} rejected{unanswered}.",
             "Отправлено на {target}, пакетов: {batches}; принято {accepted}, повторов {duplicates}, отклонено {rejected}{unanswered}.")
        case .unanswered: (", {n} unanswered (kept, sent again next run)", ", без ответа {n} (остались в очереди, уйдут при следующем запуске)")
        case .cursor:
            ("Cursor: planned #{planned}, delivered #{delivered} of change log #{log}; outbox: {pending} pending, {rejected} rejected{hint}.",
             "Положение: подготовлено до #{planned}, отправлено до #{delivered} из #{log} журнала изменений; очередь: ждут {pending}, отклонено {rejected}{hint}.")
        case .rejectedHint: (" (`journal-gateway feed diary --rejected` lists them)", " (список: `journal-gateway feed diary --rejected`)")
        case .speed: ("{seconds} s, {rate} events/s; largest batch {events} events, {bytes} bytes.",
                      "{seconds} с, {rate} событий/с; самый большой пакет: событий {events}, байт {bytes}.")
        }
    }
}
