/// The catalogue's messages of `status`.
enum StatusText: Phrasebook {
    case school, store, records, conflictsAndOutbox, kept, waitingForDate, diaryNothing, diaryOldest, diaryOverdue
    case ageDaysHours, ageHoursMinutes, ageMinutesSeconds, runsNone, runsRecent, movementsRecent, movementFrom, movementTo, movementFile
    case students, guardians, classes, teachers, lessons, marks, attendance, homework, finalMarks, movements

    var texts: (en: String, ru: String) {
        switch self {
        case .school: ("School: {name} ({zone})", "Школа: {name} ({zone})")
        case .store: ("Store: {path} (schema {schema}, change log at #{seq})", "Хранилище: {path} (схема {schema}, журнал изменений на #{seq})")
        case .records: ("Records: {counts}", "Записей: {counts}")
        case .conflictsAndOutbox: ("Open conflicts: {conflicts}; outbox pending: {outbox}", "Открытых конфликтов: {conflicts}; ждут отправки на портал: {outbox}")
        case .kept:
            ("Kept, not applied: {codes} item(s) waiting for a code-table line (the last sync's summary names the lines), "
                + "{held} deletion(s) held by the brake (--allow-deletions), {other} waiting for related records",
             "Отложено, не применено: ждут строки в таблице кодов — {codes} (строки названы в сводке последней синхронизации), "
                + "удаления задержаны тормозом (--allow-deletions) — {held}, ждут связанных записей — {other}")
        case .waitingForDate:
            ("Waiting for their date: {n} lesson(s) and what refers to them, dated after today "
                + "(R2: lessons are not recorded in advance); applied by the first sync on or after their date",
             "Ждут своей даты: уроки с датой позже сегодняшней и всё, что к ним относится, — {n} "
                + "(R2: уроки заранее не записываются); их применит первая синхронизация в этот день или позже")
        case .diaryNothing: ("Diary feed: nothing waiting for delivery", "Электронный дневник: ничего не ждёт отправки")
        case .diaryOldest: ("Diary feed: oldest undelivered change is {age} old", "Электронный дневник: самое старое неотправленное изменение ждёт {age}")
        case .diaryOverdue:
            (" (R12: final marks and forecasts are due within a day; run `feed diary`)",
             " (R12: итоговые и прогнозные отметки должны уйти в течение суток; запустите `feed diary`)")
        case .ageDaysHours: ("{d} d {h} h", "{d} дн. {h} ч")
        case .ageHoursMinutes: ("{h} h {m} min", "{h} ч {m} мин")
        case .ageMinutesSeconds: ("{m} min {s} s", "{m} мин {s} с")
        case .runsNone: ("Runs: none yet", "Запусков ещё не было")
        case .runsRecent: ("Recent runs:", "Последние запуски:")
        case .movementsRecent: ("Recent movements:", "Последнее движение учащихся:")
        case .movementFrom: (" from {class}", " из {class}")
        case .movementTo: (" to {class}", " в {class}")
        case .movementFile: ("file {file}", "личное дело {file}")
        case .students: ("students", "учащиеся")
        case .guardians: ("guardians", "законные представители")
        case .classes: ("classes", "классы")
        case .teachers: ("teachers", "учителя")
        case .lessons: ("lessons", "уроки")
        case .marks: ("marks", "отметки")
        case .attendance: ("attendance", "посещаемость")
        case .homework: ("homework", "домашние задания")
        case .finalMarks: ("final marks", "итоговые отметки")
        case .movements: ("movements", "движение")
        }
    }

    /// The name of a count in `status --json` (`final_marks`) as people read it.
    static func countName(_ key: String, _ l: Language) -> String {
        let names: [String: StatusText] = ["students": .students, "guardians": .guardians, "classes": .classes, "teachers": .teachers,
                                           "lessons": .lessons, "marks": .marks, "attendance": .attendance, "homework": .homework,
                                           "final_marks": .finalMarks, "movements": .movements]
        return names[key]?.text(l) ?? key.replacingOccurrences(of: "_", with: " ")
    }
}
