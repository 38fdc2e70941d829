import JournalModel

/// АСУ РСО's value forms (asu-rso.md), read strictly: ids are integers, dates local time
/// without offset (`2026-09-07T00:00:00`), a mark a string or (some servers) a number.
extension JSONReader {
    static let asuDateForm = "a date-time YYYY-MM-DDThh:mm:ss without offset"

    /// `2026-09-07T00:00:00` → 2026-09-07; anything else (an offset, a bare date) is nil.
    static func asuDate(_ s: String) -> CivilDate? {
        let u = Array(s.utf8)
        guard u.count == 19, u[10] == UInt8(ascii: "T"), u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
              let h = CivilDate.decimal(u[11..<13]), let m = CivilDate.decimal(u[14..<16]), let sec = CivilDate.decimal(u[17..<19]),
              h < 24, m < 60, sec < 61 else { return nil }
        return CivilDate(iso: String(decoding: u[0..<10], as: UTF8.self))
    }

    func asuDate(_ key: String) throws -> CivilDate { try parsed(key, expected: Self.asuDateForm, Self.asuDate) }

    func asuDate(_ key: String, nullable: Bool) throws -> CivilDate? {
        try parsed(key, nullable: nullable, expected: Self.asuDateForm, Self.asuDate)
    }

    /// An id: a positive integer.
    func asuID(_ key: String) throws -> Int { try int(key, in: 1...Int.max) }

    func asuID(_ key: String, nullable: Bool) throws -> Int? { try int(key, nullable: nullable, in: 1...Int.max) }

    /// A `ver`: a whole number, 0 or more.
    func asuVer(_ key: String = "ver") throws -> Int { try int(key, in: 0...Int.max) }

    /// A mark value: a non-empty string, or a five-point number (`5`) as some servers send;
    /// null only when `nullable` (a «точка»).
    func asuMark(_ key: String, nullable: Bool) throws -> String? {
        let f = try field(key)
        switch f.value {
        case .null where nullable: return nil
        case .string(let s) where !s.isEmpty: return s
        case .int(let i) where (1...5).contains(i): return String(i)
        case .int(let i): throw f.violation(expected: "a mark: a string, or a number 1…5", got: String(i))
        default: throw f.violation(expected: "a mark: a string, or a number 1…5", got: Self.typeName(f.value))
        }
    }

    /// A СНИЛС, formatted or not (11 digits); null when `nullable`. The value is never echoed.
    func snils(_ key: String, nullable: Bool) throws -> String? {
        try parsed(key, nullable: nullable, expected: "a СНИЛС (11 digits)", Snils.digits)
    }
}
