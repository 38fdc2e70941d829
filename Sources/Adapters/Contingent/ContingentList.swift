import Foundation
import Formats
import JournalModel

/// A guardian as a list names them.
public struct GuardianEntry: Sendable, Hashable {
    public var surname: String
    public var name: String
    public var patronymic: String?
    public var phone: String?

    public var fullName: String { [surname, name, patronymic].compactMap { $0 }.joined(separator: " ") }
}

/// One student's row of a class list, normalised.
public struct ContingentRow: Sendable {
    public let line: Int
    public var fileNumber: String?
    public var surname: String
    public var name: String
    public var patronymic: String?
    public var birthDate: CivilDate?
    public var snils: String?
    public var gender: String?
    public var className: String
    /// nil when the guardians are to be left as they are: the list has no guardians column,
    /// the cell is empty, or the cell could not be read.
    public var guardians: [GuardianEntry]?
}

/// A warning about a list: where (line and, when known, column) and what.
///
/// `column` is the 1-based column number in a CSV file, the column letter in an .xlsx.
public struct ContingentWarning: Sendable, Equatable {
    public var line: Int
    public var column: String?
    public var message: String

    public init(line: Int, column: String? = nil, _ message: String) {
        self.line = line; self.column = column; self.message = message
    }

    /// `FILE:LINE[:COLUMN]: message`.
    public func located(in file: String) -> String {
        "\(file):\(line)\(column.map { ":\($0)" } ?? ""): \(message)"
    }
}

/// A class list read and normalised: its rows, the date in its title, warnings, errors.
public struct ContingentList: Sendable {
    public var rows: [ContingentRow] = []
    public var titleDate: CivilDate?
    public var warnings: [ContingentWarning] = []
    public var errors: [String] = []
    public var headerLine = 0
    /// The columns found, by field: the header as written and the column's label
    /// (number or letter, as in ``ContingentWarning/column``).
    public var columns: [ContingentField: (header: String, label: String)] = [:]
}

/// A problem with a list or a mapping: file, line (and column), message.
public struct ContingentError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let column: String?
    public let message: String
    public init(file: String, line: Int?, column: String? = nil, _ message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }
    public var description: String {
        guard let line else { return "\(file): \(message)" }
        return "\(file):\(line)\(column.map { ":\($0)" } ?? ""): \(message)"
    }
}
