@_exported import struct JournalModel.CivilDate

// `CivilDate` is JournalModel's: one date type for the whole project. It is re-exported so
// that `import Formats` is enough to use `Cell.date`. Serials become dates through its
// `init?(excelSerial:date1904:)`; this file adds the way back, for `XLSXWriter`.

/// The Excel serial day number of a date; the inverse of `CivilDate(excelSerial:date1904:)`.
///
/// In the 1900 system dates from 01.03.1900 on count Lotus's fictitious 29.02.1900 (so
/// 01.03.1900 is 61), earlier ones do not (01.01.1900 is 1). Dates before the system's first
/// day give numbers Excel cannot show as dates.
func excelSerial(of date: CivilDate, date1904: Bool = false) -> Int {
    if date1904 {
        return date.daysSinceEpoch - epoch1904
    }
    let serial = date.daysSinceEpoch - epoch1900
    return serial < 61 ? serial - 1 : serial
}

/// 1899-12-30 in days since 1970-01-01: day 0 of the 1900 system for serials from 61 on.
private let epoch1900 = -25_569
/// 1904-01-01 in days since 1970-01-01: serial 0 of the 1904 system.
private let epoch1904 = -24_107

/// The value of ASCII digits, `nil` if any byte is not a digit, there are none, or too many.
func decimal<C: Collection<UInt8>>(_ digits: C) -> Int? {
    guard !digits.isEmpty, digits.count <= 18 else { return nil }
    var value = 0
    for byte in digits {
        guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs, CR and LF.
    func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        let text = Substring(self)
        guard let first = text.firstIndex(where: { !isSpace($0) }),
              let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return text[first...last]
    }
}
