import Foundation
import JournalModel
import JournalStore

/// `manifest.json`: what an archive directory holds and the figures it was built from.
enum ArchiveManifest {
    static let format = "journal-gateway archive manifest 1"

    static func document(school: String, period: ArchivePeriod, files: [JSON],
                         previous: (name: String, sha256: String)?, signer: String?) -> JSON {
        .object([
            ("format", .string(format)),
            ("school", .string(school)),
            ("year", .string(period.yearName)),
            ("yearEnd", .string(period.yearEnd)),
            ("period", .string(period.name)),
            ("periodStart", .string(period.start)),
            ("periodEnd", .string(period.end)),
            ("previousManifest", previous.map { .object([("file", .string($0.name)), ("sha256", .string($0.sha256))]) } ?? .null),
            ("signer", signer.map(JSON.string) ?? .null),
            ("hashes", .array([.string("sha256")] + (ArchiveHash.streebogAvailable ? [.string("streebog256")] : []))),
            ("files", .array(files)),
        ])
    }

    static func entry(name: String, kind: String, pdf: Data, signed: Bool, journal: ArchiveClassJournal) -> JSON {
        var fields: [(String, JSON)] = [
            ("name", .string(name)), ("kind", .string(kind)), ("class", .string(journal.classUnit.name)),
            ("size", .int(pdf.count)), ("sha256", .string(ArchiveHash.sha256(pdf))),
        ]
        if let g = ArchiveHash.streebog256(pdf) { fields.append(("streebog256", .string(g))) }
        fields.append(("signature", signed ? .string(name + ".sig") : .null))
        fields.append(("records", counts(journal)))
        fields.append(("courses", .array(journal.courses.map(course))))
        return .object(fields)
    }

    static func counts(_ j: ArchiveClassJournal) -> JSON {
        .object([
            ("students", .int(j.students.count)), ("lessons", .int(j.lessonCount)), ("marks", .int(j.markCount)),
            ("absences", .int(j.absenceCount)), ("finalMarks", .int(j.finalMarks.count)), ("movements", .int(j.movements.count)),
        ])
    }

    /// A course's figures: counts and a digest of its canonical content (dates, topics,
    /// homework, every cell), so that a change after archiving is found and named.
    static func course(_ c: ArchiveCourse) -> JSON {
        .object([
            ("subject", .string(c.subject)), ("group", c.group.map(JSON.string) ?? .null),
            ("lessons", .int(c.lessons.count)),
            ("marks", .int(c.lessons.reduce(0) { $0 + $1.marks.values.reduce(0) { $0 + $1.count } })),
            ("absences", .int(c.lessons.reduce(0) { $0 + $1.attendance.count })),
            ("digest", .string(digest(c))),
        ])
    }

    static func digest(_ c: ArchiveCourse) -> String {
        var s = "\(c.subject)\u{1F}\(c.group ?? "")\n"
        for l in c.lessons {
            s += "\(l.date)\u{1F}\(l.number)\u{1F}\(l.topic ?? "")\u{1F}\(l.homework ?? "")\n"
            for student in Set(l.marks.keys).union(l.attendance.keys).sorted() {
                s += "\(student)\u{1F}\((l.marks[student] ?? []).joined(separator: ","))\u{1F}\(l.attendance[student] ?? "")\n"
            }
        }
        return ArchiveHash.sha256(Data(s.utf8))
    }
}
