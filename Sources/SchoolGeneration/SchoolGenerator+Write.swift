import Foundation
import Formats
import JournalModel

extension SchoolGenerator {
    /// Writes `contingent.csv` (Windows-1251, «;», title and footer), `contingent.xlsx`
    /// and `journal.jsonl` into `dir`; returns what was written per kind.
    public func write(to dir: String, progress: (String) -> Void = { _ in }) throws -> Counts {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = SeededRandom(seed: seed)
        var counts = Counts()
        // Classes: about 26 pupils each, grades 1 to 11.
        let perGrade = max(1, Int((Double(students) / 11 / 26).rounded(.up)))
        var classes: [ClassInfo] = []
        for grade in 1...11 {
            for l in 0..<min(perGrade, Self.letters.count) {
                let name = "\(grade)\(Self.letters[l])"
                classes.append(ClassInfo(id: "cls-\(name)", name: name, grade: grade, teacher: "t-\(classes.count + 1)"))
            }
        }
        let teacherCount = classes.count + max(10, students / 40)
        var parents: [Parent] = []
        var pupils: [Pupil] = []
        for i in 0..<students {
            let male = rng.chance(0.5)
            let family = rng.pick(Self.surnames)
            let father = rng.pick(Self.fathers)
            let grade = i % 11 + 1
            let lettersInGrade = classes.filter { $0.grade == grade }.count
            let classIndex = (grade - 1) * perGrade + (i / 11) % lettersInGrade
            var guardians: [Int] = []
            if i >= 11 && rng.chance(0.05) {
                guardians = pupils[i - 11].guardians   // a sibling in another grade
            } else {
                parents.append(Parent(surname: Self.feminine(family), name: rng.pick(Self.mothers),
                                      patronymic: Self.patronymic(rng.pick(Self.fathers), male: false),
                                      phone: "+7927\(String(format: "%07d", rng.below(10_000_000)))"))
                guardians.append(parents.count - 1)
                if rng.chance(0.4) {
                    parents.append(Parent(surname: family, name: father, patronymic: Self.patronymic(rng.pick(Self.fathers), male: true),
                                          phone: "+7846\(String(format: "%07d", rng.below(10_000_000)))"))
                    guardians.append(parents.count - 1)
                }
            }
            let file = String(format: "%02d-%05d", grade, 10000 + i)
            let birth = CivilDate(year: year - 6 - grade, month: 1 + rng.below(12), day: 1 + rng.below(28))!
            pupils.append(Pupil(id: "stu-\(file)", file: file, surname: male ? family : Self.feminine(family),
                                name: male ? rng.pick(Self.maleNames) : rng.pick(Self.femaleNames),
                                patronymic: Self.patronymic(father, male: male), birth: birth, snils: Self.snils(i * 7919 + 13),
                                male: male, classIndex: classIndex, guardians: guardians))
        }
        progress("contingent: \(pupils.count) students, \(classes.count) classes")
        try writeContingent(dir: dir, pupils: pupils, parents: parents, classes: classes)
        progress("journal…")
        counts = try writeJournal(dir: dir, pupils: pupils, classes: classes, teachers: teacherCount, rng: &rng, progress: progress)
        return counts
    }

    private func writeContingent(dir: String, pupils: [Pupil], parents: [Parent], classes: [ClassInfo]) throws {
        let header = ["№ п/п", "№ личного дела", "Фамилия", "Имя", "Отчество", "Дата рождения", "Класс", "СНИЛС", "Пол",
                      "Родитель (законный представитель)", "Телефон"]
        var csv = "Список обучающихся МБОУ «Школа № 1» на 01.09.\(year);;;\r\n\r\n" + header.joined(separator: ";") + "\r\n"
        var xlsx = XLSXWriter(sheetName: "Список")
        xlsx.addRow([.text("Список обучающихся МБОУ «Школа № 1» на 01.09.\(year)")])
        xlsx.addRow(header.map { .text($0) })
        for (n, p) in pupils.enumerated() {
            let g = p.guardians.map { parents[$0] }
            let cls = classes[p.classIndex].name
            let spelled = n % 3 == 0 ? cls : (n % 3 == 1 ? "\(classes[p.classIndex].grade) \(cls.last!)" : "\(classes[p.classIndex].grade)-\(cls.last!.lowercased())")
            let names = g.map { "\($0.surname) \($0.name) \($0.patronymic)" }.joined(separator: "; ")
            let phones = g.map(\.phone).joined(separator: ", ")
            let row = [String(n + 1), p.file, p.surname, p.name, p.patronymic, p.birth.russian, spelled, Snils.formatted(p.snils),
                       p.male ? "м" : "ж", names, phones]
            csv += row.map { $0.contains(";") ? "\"\($0)\"" : $0 }.joined(separator: ";") + "\r\n"
            xlsx.addRow([.number(Double(n + 1)), .text(p.file), .text(p.surname), .text(p.name), .text(p.patronymic), .date(p.birth),
                         .text(spelled), .text(Snils.formatted(p.snils)), .text(p.male ? "м" : "ж"), .text(names), .text(phones)])
        }
        csv += "Итого: \(pupils.count);;;\r\n"
        guard let bytes = csv.data(using: .windowsCP1251) else { throw GenerationError.failure("cannot encode the list in Windows-1251") }
        try LineFile.write(Data(bytes), to: dir + "/contingent.csv")
        try LineFile.write(xlsx.data(), to: dir + "/contingent.xlsx")
        try writePupils(dir: dir, pupils: pupils, parents: parents, classes: classes)
    }

    /// `pupils.jsonl`: the classes, pupils and their parents as the school's own journal
    /// software exports them (its ids: `stu-…`, `par-N`), for importing with `journal import`
    /// in place of (or besides) the secretary's list.
    private func writePupils(dir: String, pupils: [Pupil], parents: [Parent], classes: [ClassInfo]) throws {
        var text = ""
        func emit(_ r: Record) { text += JournalLine.record(r).encoded() + "\n" }
        for c in classes { emit(Record(.classUnit, id: c.id, [ClassUnit.name: .text(c.name), ClassUnit.grade: .int(c.grade)])) }
        for p in pupils {
            emit(Record(.student, id: p.id, [Student.fileNumber: .text(p.file), Student.surname: .text(p.surname), Student.name: .text(p.name),
                                             Student.patronymic: .text(p.patronymic), Student.birthDate: .text(p.birth.description), Student.snils: .text(p.snils),
                                             Student.gender: .text(p.male ? "М" : "Ж"), Student.classUnit: .text(classes[p.classIndex].id), Student.status: .text("active")]))
        }
        for (i, g) in parents.enumerated() {
            emit(Record(.guardian, id: "par-\(i + 1)", [Guardian.surname: .text(g.surname), Guardian.name: .text(g.name), Guardian.patronymic: .text(g.patronymic),
                                                      Guardian.phone: .text(g.phone)]))
        }
        for p in pupils {
            for g in p.guardians {
                emit(Record(.guardianship, id: "gs-\(p.file)-par-\(g + 1)", [Guardianship.student: .text(p.id), Guardianship.guardian: .text("par-\(g + 1)")]))
            }
        }
        try LineFile.write(text, to: dir + "/pupils.jsonl")
    }
}
