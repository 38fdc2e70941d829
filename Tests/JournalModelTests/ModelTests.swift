import Foundation
import Testing
@testable import JournalModel

struct ClassNameTests {
    @Test(arguments: [("5 А", "5А"), ("5-а", "5А"), ("5а", "5А"), ("5А", "5А"), ("11 б", "11Б"), ("10Б", "10Б"),
                      ("5 «А» класс", "5А"), ("5A", "5А"), ("1", "1"), (" 9-в ", "9В")])
    func normalizes(raw: String, expected: String) {
        #expect(ClassName.normalize(raw) == expected)
    }

    @Test(arguments: ["", "А5", "12А", "5АБ", "0А", "пятый", "5-1"])
    func rejectsNonClasses(raw: String) {
        #expect(ClassName.normalize(raw) == nil)
    }

    @Test func gradeOfName() {
        #expect(ClassName.grade(of: "11Б") == 11)
        #expect(ClassName.grade(of: "1А") == 1)
    }
}

struct SnilsTests {
    @Test func checksum() throws {
        let d = try #require(Snils.digits("246-141-641 48"))
        #expect(d == "24614164148")
        #expect(Snils.checksumValid(d))
        #expect(!Snils.checksumValid("24614164149"))
        #expect(Snils.formatted(d) == "246-141-641 48")
        #expect(Snils.digits("246-141-641") == nil)
        #expect(Snils.digits("246x14164148") == nil)
    }

    @Test func checksumHundredAndHundredOneAreZero() {
        // Weighted sums: 112233445 → 95 (checksum 95); 100018999 → 100 and 100019899 → 101 (both 00).
        #expect(Snils.checksumValid("11223344595"))
        #expect(Snils.checksumValid("10001899900"))
        #expect(Snils.checksumValid("10001989900"))
        #expect(!Snils.checksumValid("10001899901"))
    }
}

struct CivilDateTests {
    @Test func validation() {
        #expect(CivilDate(year: 2026, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2028, month: 2, day: 29) != nil)
        #expect(CivilDate(russian: "31.02.2014") == nil)
        #expect(CivilDate(russian: "29.08.2015")?.description == "2015-08-29")
        #expect(CivilDate(russian: "1.9.2026")?.description == "2026-09-01")
        #expect(CivilDate(iso: "2026-09-07T00:00:00")?.description == "2026-09-07")
        #expect(CivilDate(iso: "2026-9-7") == nil)
    }

    @Test func epochRoundTripAndWeekdays() throws {
        let d = try #require(CivilDate(year: 2026, month: 9, day: 7))
        #expect(CivilDate(daysSinceEpoch: d.daysSinceEpoch) == d)
        #expect(d.weekday == 1)  // Monday
        #expect(try #require(CivilDate(year: 2026, month: 9, day: 13)).weekStart == d)
        #expect(CivilDate(daysSinceEpoch: 0).description == "1970-01-01")
    }

    @Test func todayUsesTheSchoolsZone() throws {
        // 2026-11-22 21:30 UTC is already the 23rd in Samara (+04:00) but not in London.
        let now = Date(timeIntervalSince1970: 1_795_383_000)
        #expect(CivilDate.today(in: try #require(TimeZone(identifier: "Europe/Samara")), now: now).description == "2026-11-23")
        #expect(CivilDate.today(in: try #require(TimeZone(identifier: "Europe/London")), now: now).description == "2026-11-22")
    }
}

struct JSONTests {
    @Test func roundTrip() throws {
        let text = #"{"a":1,"b":[true,false,null],"c":"Зайцева \"М\"\n","d":-2.5,"e":{}}"#
        #expect(try JSON.parse(text).serialized() == text)
        #expect(try JSON.parse(#""\u0416\ud83d\ude00""#).string == "Ж😀")
    }

    @Test func errorsCarryColumns() {
        #expect(throws: JSONError.self) { try JSON.parse(#"{"a": 1,}"#) }
        do {
            _ = try JSON.parse(#"{"ф": tru}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.column == 7)
        }
        #expect(throws: JSONError.self) { try JSON.parse(#"{"a":1,"a":2}"#) }
        #expect(throws: JSONError.self) { try JSON.parse(#"{"a":1} x"#) }
    }

    /// The straight writer of field maps gives the text of the JSON value's, byte for byte
    /// (bases are compared as text), on maps with escapes, Cyrillic, nulls and negatives.
    @Test func fieldMapTextIsTheJSONValuesText() throws {
        var rng = SeededRandom(seed: 77)
        let texts = ["", "5", "Зайцева \"М\"", "a\\b", "tab\there", "line\nbreak", "ё😀", "\u{1}"]
        for _ in 0..<500 {
            let kind = EntityKind.allCases[Int(rng.next() % UInt64(EntityKind.allCases.count))]
            var fields = FieldValues(kind)
            for key in kind.keys {
                switch rng.next() % 3 {
                case 0: fields[key] = .null
                case 1: fields[key] = .int(Int(rng.next() % 2001) - 1000)
                default: fields[key] = .text(texts[Int(rng.next() % UInt64(texts.count))])
                }
            }
            let text = fields.serialized
            #expect(text == fields.json.serialized())
            #expect(try FieldValues(kind, json: try JSON.parse(text)) == fields)
        }
    }
}

struct RuleTests {
    struct Lookup: RecordLookup {
        let records: [Record]
        func record(_ kind: EntityKind, id: String) -> Record? { records.first { $0.kind == kind && $0.id == id } }
    }

    let lookup = Lookup(records: [
        Record(.classUnit, id: "c1", ["name": .text("1А"), "grade": .int(1)]),
        Record(.classUnit, id: "c5", ["name": .text("5А"), "grade": .int(5)]),
        Record(.lesson, id: "l1", ["class": .text("c1"), "date": .text("2026-09-07")]),
        Record(.lesson, id: "l5", ["class": .text("c5"), "date": .text("2026-09-07")]),
    ])
    let rules = JournalRules(today: CivilDate(year: 2026, month: 11, day: 22)!)

    @Test func r1GradeOneHasNoMarksOrHomework() {
        let mark = Record(.mark, id: "m", ["lesson": .text("l1"), "value": .text("5")])
        #expect(rules.checkRules(mark, lookup: lookup).map(\.rule) == ["R1"])
        let hw = Record(.homework, id: "h", ["lesson": .text("l1"), "text": .text("x")])
        #expect(rules.checkRules(hw, lookup: lookup).map(\.rule) == ["R1"])
        let ok = Record(.mark, id: "m", ["lesson": .text("l5"), "value": .text("5")])
        #expect(rules.checkRules(ok, lookup: lookup).isEmpty)
        let att = Record(.attendance, id: "a", ["lesson": .text("l1")])
        #expect(rules.checkRules(att, lookup: lookup).isEmpty)
    }

    @Test func r2NoLessonInAdvance() {
        let future = Record(.lesson, id: "x", ["date": .text("2026-11-23")])
        #expect(rules.checkRules(future, lookup: lookup).map(\.rule) == ["R2"])
        let today = Record(.lesson, id: "x", ["date": .text("2026-11-22")])
        #expect(rules.checkRules(today, lookup: lookup).isEmpty)
    }

    @Test func r3FinalMarks() {
        for bad in ["н/а", "осв", "Н/А"] {
            let r = Record(.finalMark, id: "f", ["value": .text(bad)])
            #expect(rules.checkRules(r, lookup: lookup).map(\.rule) == ["R3"], "\(bad)")
        }
        #expect(rules.checkRules(Record(.finalMark, id: "f", ["value": .text("зачёт")]), lookup: lookup).isEmpty)
    }

    @Test func lessonNumbersAreOneToTwelve() {
        func lesson(_ n: Int) -> Record {
            Record(.lesson, id: "l", ["class": .text("c"), "subject": .text("s"), "date": .text("2026-09-07"), "number": .int(n)])
        }
        for n in [1, 7, 12] { #expect(JournalRules.checkFields(lesson(n)).isEmpty, "\(n)") }
        for n in [0, -1, 13, 99] {
            let v = JournalRules.checkFields(lesson(n))
            #expect(v.map(\.field) == ["number"], "\(n)")
            #expect(v.first?.message.contains("1–12") == true)
        }
    }

    @Test func fieldChecks() {
        let m = Record(.mark, id: "m", ["lesson": .text("l"), "student": .text("s"), "work_type": .text("w")])
        #expect(JournalRules.checkFields(m).map(\.field) == ["value"])
        let point = Record(.mark, id: "m", ["lesson": .text("l"), "student": .text("s"), "work_type": .text("w"), "point": .int(1)])
        #expect(JournalRules.checkFields(point).isEmpty)
        let att = Record(.attendance, id: "a", ["lesson": .text("l"), "student": .text("s"), "kind": .text("absent"), "reason": .text("X")])
        #expect(JournalRules.checkFields(att).map(\.field) == ["reason"])
    }
}
