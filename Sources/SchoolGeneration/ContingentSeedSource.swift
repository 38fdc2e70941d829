import Adapters
import Foundation

/// The generated secretary's list, read with the real reader (for emulator seeds).
enum ContingentSeedSource {
    static func read(_ path: String) throws -> [ContingentRow] {
        let columns = try ColumnMap(path: MappingsDirectory.path(ProcessInfo.processInfo.environment) + "/contingent/columns.tsv")
        let list = try ContingentReader.read(path: path, columns: columns)
        guard list.errors.isEmpty else { throw GenerationError.badInput("generated list has errors", details: list.errors) }
        return list.rows
    }
}
