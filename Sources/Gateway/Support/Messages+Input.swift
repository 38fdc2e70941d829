/// The catalogue's messages of bad input (exit 65): a file's lines, a record refused, an
/// archive that does not verify. The place (`FILE:LINE:COLUMN: `) is the error's context
/// (``GatewayError/Place``), written before the words in both languages.
enum InputText: Phrasebook {
    case problems, refusesRecord, refusesFile, notUTF8, cannotRead, calendarLine, calendarKind, calendarDate
    case teacherLine, teacherTwice, periodOpen, noYearEnded, archiveDiscrepancies

    var texts: (en: String, ru: String) {
        switch self {
        case .problems: ("{n} problem(s); nothing was imported", "ошибок: {n}; ничего не загружено")
        case .refusesRecord: ("the journal refuses a record; nothing was imported", "журнал не принимает запись; ничего не загружено")
        case .refusesFile: ("the journal refuses the file; nothing was imported", "журнал не принимает файл; ничего не загружено")
        case .notUTF8: ("cannot be read as UTF-8 text", "не читается как текст в UTF-8")
        case .cannotRead: ("cannot read", "не удаётся прочитать")
        case .calendarLine: ("expected DATE<TAB>KIND[<TAB>note], found «{line}»", "ожидается ДАТА<TAB>ВИД[<TAB>примечание], а найдено «{line}»")
        case .calendarKind:
            ("unknown kind «{kind}» (holiday, dayoff, workday or vacation)", "неизвестный вид дня «{kind}» (holiday, dayoff, workday или vacation)")
        case .calendarDate:
            ("«{value}» is not a date YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD", "«{value}» — не дата ГГГГ-ММ-ДД и не диапазон ГГГГ-ММ-ДД..ГГГГ-ММ-ДД")
        case .teacherLine:
            ("expected teacher_id, surname, name and patronymic separated by tabs", "ожидаются teacher_id, фамилия, имя и отчество, разделённые табуляцией")
        case .teacherTwice: ("{id} is named twice", "{id} назван дважды")
        case .periodOpen:
            ("the period «{period}» is not closed yet: it ends {end} (today {today})", "период «{period}» ещё не закончился: он заканчивается {end} (сегодня {today})")
        case .noYearEnded: ("no school year in the journal has ended by {today}", "в журнале нет учебного года, закончившегося к {today}")
        case .archiveDiscrepancies: ("the archive does not verify: {n} discrepancy(ies)", "архив не прошёл проверку: расхождений — {n}")
        }
    }
}
