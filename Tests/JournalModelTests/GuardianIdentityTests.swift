import Testing
import JournalModel

struct GuardianIdentityTests {
    func g(_ id: String, _ fio: String, snils: String? = nil, phone: String? = nil) -> Record {
        let p = fio.split(separator: " ").map(String.init)
        var f: [String: FieldValue] = ["surname": .text(p[0]), "name": .text(p[1])]
        if p.count > 2 { f["patronymic"] = .text(p[2]) }
        if let snils { f["snils"] = .text(snils) }
        if let phone { f["phone"] = .text(phone) }
        return Record(.guardian, id: id, f)
    }

    @Test func snilsDecidesWhenBothHaveOne() {
        #expect(GuardianIdentity.same(g("a", "Зайцева Ульяна Юрьевна", snils: "112-233-445 95"),
                                      g("b", "Петрова Ульяна Юрьевна", snils: "11223344595"), shareChild: false))
        #expect(!GuardianIdentity.same(g("a", "Зайцева Ульяна Юрьевна", snils: "112-233-445 95"),
                                       g("b", "Зайцева Ульяна Юрьевна", snils: "112-233-445 96"), shareChild: true))
    }

    @Test func theSameNameNeedsAChildOrAPhoneInCommon() {
        let a = g("a", "Фёдорова Анна Сергеевна", phone: "8 (927) 123-45-67")
        #expect(GuardianIdentity.same(a, g("b", "ФЕДОРОВА  Анна Сергеевна", phone: "+79271234567"), shareChild: false), "ё/е, case, spaces, phone forms")
        #expect(GuardianIdentity.same(a, g("b", "Федорова Анна Сергеевна"), shareChild: true))
        #expect(GuardianIdentity.same(a, g("b", "Федорова Анна Сергеевна", phone: "+79270000000"), shareChild: true), "a changed number")
        #expect(!GuardianIdentity.same(a, g("b", "Федорова Анна Сергеевна"), shareChild: false), "namesakes: another family")
        #expect(!GuardianIdentity.same(a, g("b", "Федорова Анна Сергеевна", phone: "+79270000000"), shareChild: false))
        #expect(!GuardianIdentity.same(a, g("b", "Федорова Анна Петровна"), shareChild: true))
        #expect(GuardianIdentity.same(g("a", "Иванова-Петрова Ольга"), g("b", "Иванова Петрова Ольга"), shareChild: true))
    }

    @Test func theMatcherPrefersSNILSThenAChildInCommon() {
        let known = [g("g1", "Зайцева Ульяна Юрьевна"), g("g2", "Зайцева Ульяна Юрьевна"), g("g3", "Иванов Пётр", snils: "11223344595")]
        let links = [Record(.guardianship, id: "l1", ["student": .text("s1"), "guardian": .text("g1")]),
                     Record(.guardianship, id: "l2", ["student": .text("s2"), "guardian": .text("g2")])]
        let m = GuardianMatcher(guardians: known, guardianships: links)
        #expect(m.match(g("x", "Зайцева Ульяна Юрьевна"), kids: ["s2"])?.id == "g2")
        #expect(m.match(g("x", "Зайцева Ульяна Юрьевна"), kids: ["s3"]) == nil)
        #expect(m.match(g("x", "Иванов Петр Иванович", snils: "112 233 445 95"), kids: [])?.id == "g3", "the СНИЛС decides, the patronymic added")
        #expect(m.duplicateGroups().isEmpty, "namesakes of two families are two guardians")
        let twice = GuardianMatcher(guardians: known + [g("g4", "ЗАЙЦЕВА Ульяна Юрьевна", phone: "+79991112233")],
                                    guardianships: links + [Record(.guardianship, id: "l4", ["student": .text("s1"), "guardian": .text("g4")])])
        #expect(twice.duplicateGroups() == [["g1", "g4"]])
    }
}
