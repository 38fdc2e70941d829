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
