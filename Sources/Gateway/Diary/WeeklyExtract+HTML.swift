import JournalModel

/// The extract as one self-contained file: well-formed XHTML (any XML parser reads it),
/// inline CSS, no scripts, images, fonts or links outside the file; one A4 page per child.
extension WeeklyExtract {
    static let css = """
    @page { size: A4 portrait; margin: 12mm; }
    * { box-sizing: border-box; }
    body { margin: 0; font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 8.5pt; color: #000; }
    .page { width: 186mm; margin: 0 auto; page-break-after: always; break-after: page; page-break-inside: avoid; }
    .page:last-child { page-break-after: auto; break-after: auto; }
    header { border-bottom: 0.5mm solid #000; margin-bottom: 2mm; padding-bottom: 1.5mm; }
    .school { font-size: 8pt; }
    h1 { font-size: 12pt; margin: 1mm 0 0.5mm; }
    .who { font-size: 10pt; }
    table { width: 100%; border-collapse: collapse; }
    th, td { border: 0.25mm solid #555; padding: 0.5mm 1.2mm; vertical-align: top; text-align: left; }
    thead th { background: #e4e4e4; font-weight: bold; font-size: 8pt; }
    tr.day th { background: #f1f1f1; font-size: 8.5pt; }
    td.n { width: 5mm; text-align: center; }
    td.subj { width: 30mm; }
    td.hw { width: 52mm; }
    td.mk { width: 17mm; text-align: center; font-weight: bold; }
    td.ab { width: 11mm; text-align: center; color: #a00; font-weight: bold; }
    td.none { color: #666; font-style: italic; }
    .sub { color: #555; font-size: 7.5pt; }
    .results { margin-top: 2mm; }
    .results td, .results th { width: auto; }
    .legend { margin-top: 1.5mm; font-size: 7pt; color: #333; }
    .sign { margin-top: 6mm; font-size: 9pt; }
    .sign p { margin: 0 0 5mm; }
    .line { display: inline-block; width: 45mm; border-bottom: 0.25mm solid #000; margin: 0 1.5mm; }
    @media screen {
      body { background: #bbb; }
      .page { width: 210mm; min-height: 297mm; padding: 12mm; margin: 6mm auto; background: #fff; box-shadow: 0 0 2mm #777; }
    }
    """

    /// The whole file for these pages.
    public static func html(_ pages: [Page], school: String, week: String, monday: CivilDate) -> String {
        let sunday = monday.adding(days: 6)
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" lang="ru" xml:lang="ru">
        <head>
        <meta charset="utf-8"/>
        <title>\(esc("Выписка из электронного журнала, неделя \(monday.russian)–\(sunday.russian)"))</title>
        <style>\n\(css)\n</style>
        </head>
        <body>

        """
        for p in pages { out += page(p, school: school, week: week, monday: monday) }
        out += "</body>\n</html>\n"
        return out
    }

    static func page(_ p: Page, school: String, week: String, monday: CivilDate) -> String {
        let sunday = monday.adding(days: 6)
        var s = "<section class=\"page\" data-student=\"\(esc(p.studentID))\">\n<header>\n"
        s += "<div class=\"school\">\(esc(school))</div>\n"
        s += "<h1>Выписка из электронного журнала за неделю \(monday.russian) – \(sunday.russian)</h1>\n"
        s += "<div class=\"who\">Обучающийся: <b>\(esc(p.studentName))</b>, класс <b>\(esc(p.className))</b>"
        s += "<span class=\"sub\"> · неделя \(esc(week))\(p.periodName.map { " · " + esc($0) } ?? "")</span></div>\n</header>\n"
        s += "<table class=\"week\">\n<thead><tr><th>№</th><th>Предмет</th><th>Тема урока</th><th>Домашнее задание</th><th>Отметки</th><th>Пропуск</th></tr></thead>\n<tbody>\n"
        for d in p.days {
            s += "<tr class=\"day\"><th colspan=\"6\">\(esc(DiaryTexts.dayTitle(d.date)))</th></tr>\n"
            if d.rows.isEmpty { s += "<tr><td class=\"none\" colspan=\"6\">уроков нет</td></tr>\n" }
            for r in d.rows {
                var subject = esc(r.subject)
                // The teacher only when a substitute gave the lesson: one line a lesson keeps a rich week on one page.
                if r.substitute, let t = r.teacher { subject += "<br/><span class=\"sub\">замена: \(esc(t))</span>" }
                s += "<tr><td class=\"n\">\(r.number)</td><td class=\"subj\">\(subject)</td><td>\(esc(r.topic ?? ""))</td>"
                s += "<td class=\"hw\">\(esc(r.homework ?? ""))</td><td class=\"mk\">\(esc(r.marks.joined(separator: ", ")))</td>"
                s += "<td class=\"ab\">\(esc(r.absence ?? ""))</td></tr>\n"
            }
        }
        s += "</tbody>\n</table>\n"
        if p.grade == 1 {
            s += "<p class=\"legend\">1 класс: безотметочное обучение, домашние задания не задаются.</p>\n"
        } else if !p.results.isEmpty, let period = p.periodName {
            s += "<table class=\"results\">\n<thead><tr><th>Предмет</th><th>Итоговая отметка (\(esc(period)))</th><th>Прогноз</th></tr></thead>\n<tbody>\n"
            for r in p.results {
                s += "<tr><td>\(esc(r.subject))</td><td>\(esc(r.final ?? "—"))</td><td>\(esc(r.forecast ?? "—"))</td></tr>\n"
            }
            s += "</tbody>\n</table>\n"
            s += "<p class=\"legend\">Прогноз — средневзвешенное текущих отметок за период с округлением от 0,5 вверх (не менее \(Forecast.minimumMarks) отметок).</p>\n"
        }
        s += "<p class=\"legend\">Пропуск: Н — без указания причины, Б — по болезни, УП — по уважительной причине, НП — по неуважительной причине, ОП — опоздание."
        if p.grade != 1, !p.workTypes.isEmpty { s += " Виды работ: " + esc(p.workTypes.joined(separator: ", ")) + "." }
        s += "</p>\n<div class=\"sign\">\n<p>Классный руководитель <span class=\"line\"></span> / \(esc(p.classTeacher ?? "")) /</p>\n"
        s += "<p>С выпиской ознакомлен(а), родитель (законный представитель) <span class=\"line\"></span></p>\n</div>\n"
        s += "</section>\n"
        return s
    }

    /// Text for XHTML content and attribute values.
    static func esc(_ text: String) -> String {
        guard text.contains(where: { "&<>\"'".contains($0) }) else { return text }
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
