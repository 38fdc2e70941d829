import Foundation
import JournalModel

/// ЭПОС.Школа's value forms (epos.md), read strictly: ids are non-empty strings (absence
/// reasons alone are integers), dates `YYYY-MM-DD` (or a moment with an offset, placed in
/// the school's zone), moments ISO 8601 with an offset.
extension JSONReader {
    static let eposDateForm = "a date YYYY-MM-DD"
    static let eposMomentForm = "a date-time with an offset (2026-09-07T08:30:00+05:00)"

    func eposID(_ key: String) throws -> String { try string(key, nonEmpty: true) }

    func eposID(_ key: String, nullable: Bool) throws -> String? { try string(key, nullable: nullable, nonEmpty: true) }

    func eposDate(_ key: String, in zone: TimeZone) throws -> CivilDate {
        try parsed(key, expected: Self.eposDateForm) { EPOSTimestamp.civilDate($0, in: zone) }
    }

    func eposDate(_ key: String, nullable: Bool, in zone: TimeZone) throws -> CivilDate? {
        try parsed(key, nullable: nullable, expected: Self.eposDateForm) { EPOSTimestamp.civilDate($0, in: zone) }
    }

    /// A moment (`updated_at`, `deleted_at`), as the portal wrote it.
    func eposMoment(_ key: String) throws -> String {
        try parsed(key, expected: Self.eposMomentForm) { EPOSTimestamp.milliseconds($0) == nil ? nil : $0 }
    }

    /// A moment as written and as milliseconds since 1970 (read once: pages compare them).
    func eposMomentInstant(_ key: String) throws -> (text: String, ms: Int64) {
        let f = try field(key)
        guard case .string(let s) = f.value else { throw f.violation(expected: Self.eposMomentForm, got: Self.typeName(f.value)) }
        guard let ms = EPOSTimestamp.milliseconds(s) else { throw f.violation(expected: Self.eposMomentForm, got: "a string in another form") }
        return (s, ms)
    }

    func eposMoment(_ key: String, nullable: Bool) throws -> String? {
        try parsed(key, nullable: nullable, expected: Self.eposMomentForm) { EPOSTimestamp.milliseconds($0) == nil ? nil : $0 }
    }

    /// A field naming the object the request was filtered by (`class_unit_id` of a pupil
    /// listed for a class): when present it must be that one.
    func eposBelongs(_ key: String, to wanted: String, _ why: String) throws {
        guard let f = try optionalField(key) else { return }
        let v = try f.asString(nonEmpty: true)
        if v != wanted { throw f.violation(expected: "\(wanted) (\(why))", got: "another id") }
    }
}
