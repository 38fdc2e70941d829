import Foundation
import JournalModel
import SyncEngine
import SyncModel

/// The kinds of event the parents' diary portal takes (formats/diary-feed.md).
public enum DiaryEventType: String, CaseIterable, Sendable, Comparable {
    case markCreated = "mark.created"
    case markChanged = "mark.changed"
    case markDeleted = "mark.deleted"
    case attendanceAbsent = "attendance.absent"
    case attendanceCleared = "attendance.cleared"
    case homeworkSet = "homework.set"
    case finalMarkSet = "final_mark.set"
    case forecastSet = "forecast.set"
    case lessonChanged = "lesson.changed"

    /// Whether R1 withholds this event in grade 1 (marks and homework on subjects).
    public var isMarkOrHomework: Bool {
        switch self {
        case .markCreated, .markChanged, .markDeleted, .homeworkSet, .finalMarkSet, .forecastSet: return true
        default: return false
        }
    }

    public static func < (a: DiaryEventType, b: DiaryEventType) -> Bool { a.rawValue < b.rawValue }
}

/// One guardian an event is addressed to: only guardians linked to the event's student (R8).
public struct DiaryRecipient: Sendable, Hashable {
    public let guardianID: String
    public let name: String
    /// 11 digits with a valid checksum, or nil when unknown (the portal then links by id).
    public let snils: String?

    public var json: JSON {
        .object([("guardianId", .string(guardianID)), ("name", .string(name)), ("snils", snils.map(JSON.string) ?? .null)])
    }
}

/// One event of the diary feed, as planned into the outbox and sent to the portal.
///
/// The id is deterministic: `<kind>:<hash of the record (and student)>:v<change-log seq>`,
/// so the same change always yields the same id and the portal can drop repeats.
public struct DiaryEvent: Sendable {
    public var eventID: String
    /// The change-log entry the event comes from (the feed's cursor is over these).
    public var seq: Int
    public var type: DiaryEventType
    /// When the change was made, in the school's offset (`2026-09-07T10:41:00+04:00`).
    public var occurredAt: String
    public var studentID: String
    /// «Фамилия Имя», as the portal shows the child.
    public var studentName: String
    public var recipients: [DiaryRecipient]
    /// Russian texts: subject, work type, teacher, dates, values.
    public var payload: [(String, JSON)]
    /// The record behind the event (`mark`, `forecast`, …) and its id: retries and superseding.
    public var entity: String
    public var recordID: String
    /// The change-log timestamp (UTC): the age `status` reports.
    public var changedAt: String

    /// The event as the protocol writes it.
    public var json: JSON {
        .object([("eventId", .string(eventID)), ("seq", .int(seq)), ("type", .string(type.rawValue)),
                 ("occurredAt", .string(occurredAt)),
                 ("student", .object([("id", .string(studentID)), ("name", .string(studentName))])),
                 ("recipients", .array(recipients.map(\.json))), ("payload", .object(payload))])
    }

    /// `<kind>:<16 hex digits of the stable hash of key>:v<seq>`.
    public static func id(kind: String, key: String, seq: Int) -> String {
        "\(kind):\(StableHash.hex(key).prefix(16)):v\(seq)"
    }
}

/// Russian texts and formats shared by the feed and the weekly extract.
public enum DiaryTexts {
    /// «Ковалёва Н. П.»: surname and initials, as schools sign.
    public static func shortName(surname: String, name: String, patronymic: String?) -> String {
        var s = surname
        if let n = name.first { s += " \(n)." }
        if let p = patronymic?.first { s += " \(p)." }
        return s
    }

    public static func shortName(_ r: Record) -> String {
        guard let k = r.kind.personKeys else { return r.id }
        return shortName(surname: r[k.surname].text ?? "", name: r[k.name].text ?? "", patronymic: r[k.patronymic].text)
    }

    /// «Зайцева Ульяна Юрьевна».
    public static func fullName(_ r: Record) -> String {
        guard let k = r.kind.personKeys else { return r.id }
        return [r[k.surname].text, r[k.name].text, r[k.patronymic].text].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The journal's attendance mark: «Н», «Б», «УП», «НП», or «ОП» for a late arrival.
    public static func attendanceMark(kind: String?, reason: String?) -> String {
        if kind == "late" { return "ОП" }
        return reason ?? "Н"
    }

    /// The reason in words, for parents.
    public static func attendanceReason(kind: String?, reason: String?) -> String {
        if kind == "late" { return "опоздание" }
        switch reason {
        case "Б": return "по болезни"
        case "УП": return "по уважительной причине"
        case "НП": return "по неуважительной причине"
        case nil: return "причина не указана"
        // A code with no words here is shown as it is, never guessed (the summary reports it).
        case let code?: return "причина: \(code)"
        }
    }

    /// Whether the reason has words for parents (none: not set yet, Н).
    public static func knownReason(kind: String?, reason: String?) -> Bool {
        kind == "late" || reason == nil || ["Б", "УП", "НП"].contains(reason!)
    }

    static let months = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                         "сентября", "октября", "ноября", "декабря"]
    static let weekdays = ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"]

    /// «7 сентября 2026 г.».
    public static func longDate(_ d: CivilDate) -> String { "\(d.day) \(months[d.month - 1]) \(d.year) г." }

    /// «Понедельник, 7 сентября».
    public static func dayTitle(_ d: CivilDate) -> String {
        let w = weekdays[d.weekday - 1]
        return w.prefix(1).uppercased() + w.dropFirst() + ", \(d.day) \(months[d.month - 1])"
    }

    /// A change-log timestamp (`2026-09-07T06:41:00.123Z`) in the school's offset:
    /// `2026-09-07T10:41:00+04:00`. Formatted by hand (this runs once an event).
    public static func localTimestamp(_ utc: String, zone: TimeZone) -> String {
        guard let seconds = epochSeconds(utc) else { return utc }
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        let local = seconds + offset
        let day = CivilDate(daysSinceEpoch: Int((Double(local) / 86400).rounded(.down)))
        let t = local - day.daysSinceEpoch * 86400
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        let sign = offset < 0 ? "-" : "+"
        let off = abs(offset) / 60
        return "\(day)T\(pad(t / 3600)):\(pad(t / 60 % 60)):\(pad(t % 60))\(sign)\(pad(off / 60)):\(pad(off % 60))"
    }

    /// The school-local date of a change-log timestamp.
    public static func localDate(_ utc: String, zone: TimeZone) -> CivilDate? {
        CivilDate(iso: localTimestamp(utc, zone: zone))
    }

    /// Seconds since 1970 of `YYYY-MM-DDThh:mm:ss[.fff]Z`.
    public static func epochSeconds(_ utc: String) -> Int? {
        let u = Array(utc.utf8)
        guard u.count >= 19, let d = CivilDate(iso: String(decoding: u[0..<10], as: UTF8.self)) else { return nil }
        func num(_ r: Range<Int>) -> Int? { Int(String(decoding: u[r], as: UTF8.self)) }
        guard let h = num(11..<13), let m = num(14..<16), let s = num(17..<19) else { return nil }
        return d.daysSinceEpoch * 86400 + h * 3600 + m * 60 + s
    }
}
