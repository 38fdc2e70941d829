import Foundation
import JournalModel

/// A final (or current) mark as the quality figures see it.
enum MarkCategory: Hashable, Sendable {
    case grade(Int)          // 1…5
    case notCertified        // «н/а»
    case exempt              // «осв.»
    case pass, fail          // «зач.», «незач.»
    case other

    init(_ raw: String) {
        var v = raw.trimmingCharacters(in: .whitespaces).lowercased()
        while v.hasSuffix(".") { v.removeLast() }
        v = v.replacingOccurrences(of: "ё", with: "е").replacingOccurrences(of: " ", with: "")
        switch v {
        case "1", "2", "3", "4", "5": self = .grade(Int(v)!)
        case "н/а", "на", "н/a", "неаттестован", "неатт": self = .notCertified
        case "осв", "освобожден", "освобождена": self = .exempt
        case "зач", "зачет", "зачтено": self = .pass
        case "незач", "незачет", "незачтено": self = .fail
        default: self = .other
        }
    }
}

/// Counts of 5/4/3/2/1/н/а/осв/зач/незач and the R13 figures over them (docs/reports.md):
/// N = 5+4+3+2+1+н/а (+зач+незач), «осв.» outside N; % успеваемости = (5+4+3)·100/N,
/// % качества = (5+4)·100/N, СОУ = (5·100+4·64+3·36+2·16+1·16+н/а·7)/N. A subject graded
/// only зачёт/незачёт reports the success share зач·100/N and no quality or СОУ.
struct MarkCounts: Sendable, Equatable {
    var five = 0, four = 0, three = 0, two = 0, one = 0, notCertified = 0, exempt = 0, pass = 0, fail = 0, other = 0

    mutating func add(_ c: MarkCategory) {
        switch c {
        case .grade(5): five += 1
        case .grade(4): four += 1
        case .grade(3): three += 1
        case .grade(2): two += 1
        case .grade: one += 1
        case .notCertified: notCertified += 1
        case .exempt: exempt += 1
        case .pass: pass += 1
        case .fail: fail += 1
        case .other: other += 1
        }
    }

    mutating func add(_ raw: String) { add(MarkCategory(raw)) }

    static func + (a: MarkCounts, b: MarkCounts) -> MarkCounts {
        var c = a
        c.five += b.five; c.four += b.four; c.three += b.three; c.two += b.two; c.one += b.one
        c.notCertified += b.notCertified; c.exempt += b.exempt; c.pass += b.pass; c.fail += b.fail; c.other += b.other
        return c
    }

    var n: Int { five + four + three + two + one + notCertified + pass + fail }
    /// Graded only зачёт/незачёт.
    var isCredit: Bool { pass + fail > 0 && five + four + three + two + one == 0 }

    var successPct: Double? {
        guard n > 0 else { return nil }
        return MarkCounts.round1(Double(isCredit ? pass : five + four + three) * 100 / Double(n))
    }
    var qualityPct: Double? {
        guard n > 0, !isCredit else { return nil }
        return MarkCounts.round1(Double(five + four) * 100 / Double(n))
    }
    var sou: Double? {
        guard n > 0, !isCredit else { return nil }
        let points = five * 100 + four * 64 + three * 36 + (two + one) * 16 + notCertified * 7
        return MarkCounts.round1(Double(points) / Double(n))
    }

    static func round1(_ d: Double) -> Double { (d * 10).rounded() / 10 }

    /// The contract's `counts` object (`"1"`, `"зач"`, `"незач"` added).
    var json: JSON {
        .object([("5", .int(five)), ("4", .int(four)), ("3", .int(three)), ("2", .int(two)), ("н/а", .int(notCertified)),
                 ("осв", .int(exempt)), ("1", .int(one)), ("зач", .int(pass)), ("незач", .int(fail))])
    }
}

extension JSON {
    /// A figure to one decimal, or null.
    static func decimal(_ d: Double?) -> JSON { d.map { .double(MarkCounts.round1($0)) } ?? .null }
}
